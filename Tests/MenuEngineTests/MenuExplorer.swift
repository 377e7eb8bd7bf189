import Foundation

@testable import MenuEngine

/// Walks every screen a subscriber can reach in one service, in one language, by answering each screen
/// with every kind of answer it takes (each option, a valid and an invalid input, both confirmation
/// answers, the navigation answers) and each action with every outcome it declares, and checks every
/// screen the engine renders on the way: a reply GSM-7 can carry, no template left unexpanded.
struct MenuExplorer {
    let menus: MenuSet
    let engine: MenuEngine
    /// At most this many distinct states per walk: a bound on the test's time, far above what the shipped menus need.
    var maxStates = 1_500

    init(_ menus: MenuSet) {
        self.menus = menus
        self.engine = MenuEngine(menus: menus)
    }

    /// What one walk found.
    struct Walk {
        /// Screen ids the engine rendered.
        var rendered: Set<String> = []
        /// What went wrong, one line each.
        var problems: [String] = []
    }

    func walk(service id: String, language: String, registered: Bool) -> Walk {
        var walk = Walk()
        guard let service = try? menus.service(id: id) else {
            walk.problems.append("no service \(id)")
            return walk
        }
        let context = SubscriberContext(
            msisdn: "22890112233", operatorID: id, registered: registered, language: language, name: registered ? "Kofi Amegah" : nil)
        let first: StepResult
        do {
            first = try engine.begin(dial: service.code, context: context)
        } catch {
            walk.problems.append("\(service.code) does not start: \(error)")
            return walk
        }
        var queue = [first]
        var seen = Set<String>()
        while let result = queue.popLast(), seen.count < maxStates {
            let session = result.session
            let key = "\(session.screen)|\(session.page)|\(session.state)|\(session.language ?? "")"
            guard seen.insert(key).inserted else { continue }
            if let reply = result.reply {
                walk.rendered.insert(session.screen)
                check(reply, at: session.screen, &walk)
                if reply.isFinal { continue }
                for input in inputs(for: session, in: service) {
                    do {
                        queue.append(try engine.step(session, input: input))
                    } catch {
                        walk.problems.append("answer \"\(input)\" on '\(session.screen)' throws \(error)")
                    }
                }
            } else if let call = result.actionCall {
                for outcome in outcomes(of: call.name) {
                    do {
                        queue.append(try engine.resume(session, outcome: ActionOutcome(outcome, values: values(for: call.name))))
                    } catch {
                        walk.problems.append("outcome \(outcome) of \(call.name) on '\(session.screen)' throws \(error)")
                    }
                }
            } else {
                walk.problems.append("'\(session.screen)' gave neither a screen nor an action")
            }
        }
        return walk
    }

    func check(_ reply: Reply, at screen: String, _ walk: inout Walk) {
        if GSM7.septets(reply.text) == nil { walk.problems.append("'\(screen)' renders characters GSM-7 cannot carry: \(reply.text)") }
        if reply.text.contains("{{") { walk.problems.append("'\(screen)' renders an unexpanded template: \(reply.text)") }
    }

    /// Every kind of answer the current screen takes, plus navigation and one wrong answer.
    func inputs(for session: MenuSession, in service: CompiledService) -> [String] {
        var answers = [service.navigation.back, service.navigation.home, service.navigation.next, "x"]
        guard let index = service.screenIndex[session.screen] else { return answers }
        switch service.screens[index].kind {
        case .menu(let next):
            answers += (0..<next.count).map { String($0 + 1) }
        case .input(let validator, _, _):
            answers += Self.samples(for: validator)
        case .confirm:
            answers += ["1", "2"]
        case .action, .router, .end:
            break
        }
        return answers
    }

    /// Answers a validator accepts, when one of the candidates does; at least one is tried anyway.
    static func samples(for validator: Validator) -> [String] {
        let candidates: [String]
        switch validator.kind {
        case .digits(let min, let max):
            candidates = [String(repeating: "1", count: Swift.max(min, 1)), String(repeating: "2", count: Swift.max(max, 1))]
        case .amount(let min, let max): candidates = [String(min), String(max), "5000"]
        case .msisdn: candidates = ["90445566", "96112233"]
        case .pin: candidates = ["2580"]
        case .regex: candidates = ["Komi Agbeko", "abc", "123456", "1"]
        case .choice(let choices): candidates = choices.keys.sorted()
        }
        let accepted = candidates.filter { validator.validate($0, rules: EngineFixtures.rules) != nil }
        return accepted.isEmpty ? Array(candidates.prefix(1)) : accepted
    }

    /// Every outcome the catalog declares for `action`, `error`, and one it does not declare.
    func outcomes(of action: String) -> [String] {
        (menus.actions?[action]?.outcomes ?? ["ok", ActionCatalog.errorOutcome]) + ["not_declared"]
    }

    /// A value for everything `action` provides: numbers where the menus show amounts, a long statement to page.
    func values(for action: String) -> [String: String] {
        var values: [String: String] = [:]
        for name in menus.actions?[action]?.provides ?? [] {
            values[name] =
                switch name {
                case "statement": (1...9).map { "27/11 -1 000 FCFA AMA M. TM261127.00001\($0)" }.joined(separator: "\n")
                case "reference": "TM261127.000123"
                case _ where name.hasSuffix("name"): "AMA M."
                case "recipient.network", "reason": "Flooz"
                default: "1500"
                }
        }
        return values
    }
}

/// Runs CPU-bound test work (lints and walks of the full menus take a while in a debug build) on one
/// serial queue rather than on the cooperative pool: the pool's few threads, and all but one core, stay
/// free for the suite's other async tests and their timeouts, however many such tests run at once.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, any Error>) in
        cpuBoundTestWork.async { done.resume(with: Result { try work() }) }
    }
}

private let cpuBoundTestWork = DispatchQueue(label: "sika.tests.cpu-bound", qos: .background)
