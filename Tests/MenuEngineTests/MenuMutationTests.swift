import Foundation
import Testing

@testable import MenuEngine

/// The linter's promise, checked against hundreds of broken copies of the shipped menus: whatever it
/// accepts with no error, the engine loads, and every screen a subscriber can reach renders in every
/// language without a crash. And it must reject a good share of the breakage, or it promises nothing.
@Suite struct MenuMutationTests {
    /// The shared wallet menu first (both operators run it), then the action catalog and the operator data.
    static let fileNames = ["wallet.yaml", "actions.yaml", "operators.yaml"]

    static let shipped: [(name: String, yaml: String)] = fileNames.map { name in
        (name, (try? String(contentsOf: EngineFixtures.menusDirectory.appending(path: name), encoding: .utf8)) ?? "")
    }

    /// Walks every service (or those of `only` that exist) in every language, registered or not; returns
    /// the problems and the screens rendered.
    static func explore(_ menus: MenuSet, only: Set<String>? = nil) -> (problems: [String], rendered: [String: Set<String>]) {
        let explorer = MenuExplorer(menus)
        var problems: [String] = []
        var rendered: [String: Set<String>] = [:]
        let chosen = menus.serviceIDs.filter { only?.contains($0) ?? true }
        for id in chosen.isEmpty ? menus.serviceIDs : chosen {
            for language in menus.languages(ofService: id) {
                for registered in [true, false] {
                    let walk = explorer.walk(service: id, language: language, registered: registered)
                    problems += walk.problems.map { "\(id) \(language)\(registered ? "" : " unregistered"): \($0)" }
                    rendered[id, default: []].formUnion(walk.rendered)
                }
            }
        }
        return (problems, rendered)
    }

    /// What would make a loaded menu unusable on a phone although every screen renders: a navigation
    /// answer a keypad cannot type, two navigation answers alike, or one that shadows a menu option or a
    /// confirmation answer (the engine reads navigation first, so that choice could never be made).
    static func unusable(_ menus: MenuSet) -> [String] {
        var problems: [String] = []
        for id in menus.serviceIDs {
            guard let service = try? menus.service(id: id) else { continue }
            let navigation = [service.navigation.back, service.navigation.home, service.navigation.next]
            for answer in navigation where answer.isEmpty || !answer.allSatisfy({ $0.isASCII && $0.isNumber }) {
                problems.append("\(id): navigation answer \(answer.debugDescription) cannot be typed on a keypad")
            }
            if Set(navigation).count < 3 { problems.append("\(id): navigation answers \(navigation) are not distinct") }
            for screen in service.screens {
                let answers: [String]
                switch screen.kind {
                case .menu(let next): answers = (0..<next.count).map { String($0 + 1) }
                case .confirm: answers = ["1", "2"]
                default: answers = []
                }
                for answer in answers where navigation.contains(answer) {
                    problems.append("\(id): answer \(answer) of '\(screen.id)' is also a navigation answer")
                }
            }
        }
        return problems
    }

    /// The explorer itself reaches the screens: on the shipped menus, every screen but the engine's own
    /// spares renders, so a mutant that breaks a screen cannot hide behind an unreachable one.
    @Test func theExplorerReachesEveryShippedScreen() async throws {
        let menus = try MenuSet(files: Self.shipped)
        let (problems, rendered) = try await offThePool { Self.explore(menus) }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        for id in menus.serviceIDs {
            let service = try menus.service(id: id)
            let declared = Set(service.screens.map(\.id)).filter { !$0.hasPrefix("__") }
            let interactive = declared.filter { screenID in
                guard let index = service.screenIndex[screenID] else { return false }
                if case .action = service.screens[index].kind { return false }
                if case .router = service.screens[index].kind { return false }
                return true
            }
            let missed = interactive.subtracting(rendered[id] ?? [])
            #expect(missed.isEmpty, "\(id): never rendered \(missed.sorted())")
        }
    }

    /// One broken copy of the shipped menus.
    struct Mutant: Sendable {
        let label: String
        let files: [(name: String, yaml: String)]
        /// The service whose file was broken; nil when every service is concerned (the shared menu and
        /// the action catalog are).
        let service: String?
    }

    /// `count` mutants from one seed, always the same ones: one or two mutations each, mostly in the
    /// shared menu (where most of the rules are), sometimes in the action catalog.
    static func mutants(count: Int, seed: UInt64) -> [Mutant] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { number in
            var files = shipped
            let target = random.next(below: 10) < 8 ? 0 : 1
            var applied: [String] = []
            for _ in 0..<(1 + random.next(below: 2)) {
                let (text, what) = Mutator.mutate(files[target].yaml, &random)
                files[target].yaml = text
                applied.append(what)
            }
            return Mutant(
                label: "mutant \(number) of \(files[target].name) [\(applied.joined(separator: "; "))]", files: files,
                service: nil)
        }
    }

    /// nil if the linter rejects the mutant; else what is wrong with it (nothing, as the linter promises).
    static func check(_ mutant: Mutant) -> [String]? {
        guard !MenuLinter().lint(files: mutant.files).hasErrors else { return nil }
        let menus: MenuSet
        do {
            menus = try MenuSet(files: mutant.files)
        } catch {
            return ["the linter found no error but the engine refuses: \(error)"]
        }
        // Both operators run the shared menu: walk every service.
        return unusable(menus) + explore(menus, only: mutant.service.map { [$0] }).problems
    }

    @Test func whateverTheLinterAcceptsLoadsAndRendersAndMostMutantsAreRejected() async throws {
        // Many seconds of CPU in a debug build: off the cooperative pool.
        let (mutants, verdicts) = try await offThePool {
            let mutants = Self.mutants(count: 200, seed: 0x5EED_1234)
            return (mutants, mutants.map(Self.check))
        }
        let failures = zip(mutants, verdicts).compactMap { mutant, verdict -> String? in
            guard let problems = verdict, !problems.isEmpty else { return nil }
            return "\(mutant.label): \(problems.prefix(3).joined(separator: " | "))"
        }
        #expect(failures.isEmpty, "\(failures.count) accepted mutant(s) fail:\n\(failures.prefix(10).joined(separator: "\n"))")
        let rejected = verdicts.filter { $0 == nil }.count
        // Many mutations are harmless (a deleted footer, a comment, a swapped option); most are not. The
        // linter of before the typed fields let unusable menus through (back: "1", next: "9 8"…); it now
        // rejects 90% of these and none of what it lets through fails.
        #expect(rejected * 100 >= mutants.count * 87, "the linter rejected only \(rejected) of \(mutants.count) mutants")
    }
}

/// SplitMix64: the same seed, the same mutants, on every machine.
struct SeededRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func pick<T>(_ items: [T]) -> T { items[next(below: items.count)] }
}

/// Breaks a menu file the ways people and merges do, one mutation at a time.
enum Mutator {
    static let scalarValues = [
        "42", "-1", "0", "true", "~", "\"\"", "[a, b]", "{ a: b }", "\"text\"", "3.5", "nowhere_screen\"98\"", "null", "\"98\"", "yes", "__start",
    ]
    static let junk = Array(":{}[]#&*!|>'\"%@,?- \tabc{{}}98")

    static func mutate(_ text: String, _ random: inout SeededRandom) -> (String, String) {
        var lines = text.components(separatedBy: "\n")
        let contentLines = lines.indices.filter { !lines[$0].trimmingCharacters(in: .whitespaces).isEmpty && !lines[$0].hasPrefix("#") }
        guard !contentLines.isEmpty else { return (text, "nothing") }
        let index = random.pick(contentLines)
        let line = lines[index]
        let description: String
        switch random.next(below: 13) {
        case 0:
            lines.remove(at: index)
            description = "delete line \(index + 1)"
        case 1:
            // A key with everything indented under it.
            let indent = line.prefix { $0 == " " }.count
            var end = index + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces).isEmpty || lines[end].prefix(while: { $0 == " " }).count > indent
            {
                end += 1
            }
            lines.removeSubrange(index..<end)
            description = "delete block at line \(index + 1)"
        case 2:
            lines.insert(line, at: index + 1)
            description = "duplicate line \(index + 1)"
        case 3, 4:
            // A value's type: `key: value` or `key: value` inside a flow mapping.
            let matches = line.matches(of: /([A-Za-z_][A-Za-z0-9_]*): ([^,{}\[\]]+?)(?=,|\s*}|\s*$)/)
            guard let match = matches.isEmpty ? nil : matches[random.next(below: matches.count)] else {
                return mutate(text, &random)
            }
            let value = random.pick(scalarValues)
            lines[index] = line.replacingCharacters(in: match.output.2.startIndex..<match.output.2.endIndex, with: value)
            description = "line \(index + 1): \(match.output.1) = \(value)"
        case 5:
            // Rename an id where it is declared or used.
            let words = line.matches(of: /[a-z][a-z0-9_]{3,}/).map { String($0.output) }
            guard !words.isEmpty else { return mutate(text, &random) }
            let word = random.pick(words)
            lines[index] = line.replacingOccurrences(of: word, with: word + "_x")
            description = "line \(index + 1): rename \(word)"
        case 6:
            // Point a reference elsewhere: at another screen's id, or at none.
            let references = lines.indices.filter {
                lines[$0].contains("next: ") || lines[$0].contains("cancel: ") || lines[$0].contains("otherwise: ")
            }
            guard !references.isEmpty else { return mutate(text, &random) }
            let at = random.pick(references)
            let ids = text.matches(of: /\n  ([a-z][a-z0-9_]*):\n/).map { String($0.output.1) }
            let target = random.next(below: 3) == 0 || ids.isEmpty ? "missing_screen" : random.pick(ids)
            lines[at] = lines[at].replacing(/(next|cancel|otherwise): [A-Za-z0-9_]+/) { "\($0.output.1): \(target)" }
            description = "line \(at + 1): reference to \(target)"
        case 7:
            var characters = Array(line)
            let position = random.next(below: characters.count + 1)
            let injected = (0..<(1 + random.next(below: 4))).map { _ in random.pick(junk) }
            characters.insert(contentsOf: injected, at: position)
            lines[index] = String(characters)
            description = "line \(index + 1): junk \(String(injected).debugDescription)"
        case 8:
            let other = random.pick(contentLines)
            lines.swapAt(index, other)
            description = "swap lines \(index + 1) and \(other + 1)"
        case 11, 12:
            // The service's settings, where one wrong value changes every screen: navigation, attempts, limits, languages…
            let settings = lines.indices.filter {
                lines[$0].firstMatch(of: /^(navigation|attempts|languages|start|home|fallback|currency|limits|  amount):/) != nil
            }
            guard !settings.isEmpty else { return mutate(text, &random) }
            // Half of them on the navigation answers, which every screen obeys.
            let navigation = settings.filter { lines[$0].hasPrefix("navigation:") }
            let at = random.next(below: 2) == 0 && !navigation.isEmpty ? random.pick(navigation) : random.pick(settings)
            let matches = lines[at].matches(of: /([A-Za-z_][A-Za-z0-9_]*): ([^,{}\[\]]+?)(?=,|\s*}|\s*$)/)
            guard !matches.isEmpty else { return mutate(text, &random) }
            let match = matches[random.next(below: matches.count)]
            let value = random.pick(scalarValues + ["\"1\"", "\"0\"", "\"2\"", "\"\"", "\"9 8\"", "\"*\""])
            let edited = lines[at].replacingCharacters(in: match.output.2.startIndex..<match.output.2.endIndex, with: value)
            description = "line \(at + 1): setting \(match.output.1) = \(value)"
            lines[at] = edited
        case 9:
            lines[index] = random.next(below: 2) == 0 ? "  " + line : String(line.dropFirst(min(2, line.prefix { $0 == " " }.count)))
            description = "line \(index + 1): indentation"
        default:
            // A template variable or a number changed.
            if line.contains("{{") {
                lines[index] = line.replacing(/\{\{\s*[a-z_.]+/) { _ in "{{nowhere" }
                description = "line \(index + 1): template variable"
            } else {
                let numbers = line.matches(of: /\d+/)
                guard !numbers.isEmpty else { return mutate(text, &random) }
                let number = numbers[random.next(below: numbers.count)]
                lines[index] = line.replacingCharacters(in: number.range, with: random.pick(["0", "1", "99999999999999999999", "7"]))
                description = "line \(index + 1): number"
            }
        }
        return (lines.joined(separator: "\n"), description)
    }
}
