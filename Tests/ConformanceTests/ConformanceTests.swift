import Foundation
import TestSupport
import Testing

/// The fronts the table runs against. A new front is a new case here and an adapter in
/// ``ConformanceWorld/fronts()``; the table itself does not change.
enum FrontName: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case socket, callback, api, simulator, smpp

    var testDescription: String { rawValue }
}

/// A front with the store behind it: the table runs on every pair.
struct FrontOnStore: Sendable, CustomTestStringConvertible {
    let front: FrontName
    let backend: TestBackend

    static let all = TestBackend.allCases.flatMap { backend in FrontName.allCases.map { FrontOnStore(front: $0, backend: backend) } }

    var testDescription: String { "\(front.rawValue) on \(backend.rawValue)" }
}

/// Every case of ``ConformanceTable`` on every front, over every store, each on a fresh world (ledger, live server).
@Suite(.serialized) struct ConformanceTests {
    @Test(arguments: ConformanceTable.cases, FrontOnStore.all)
    func everyFrontBehavesAsTheTableSays(_ conformance: ConformanceCase, _ pair: FrontOnStore) async throws {
        let front = pair.front
        let world = try await ConformanceWorld.start(conformance.settings, backend: pair.backend)
        let fronts = world.fronts()
        let primary = try #require(fronts.first { $0.name == front.rawValue })
        var outcomes: [Outcome] = []
        do {
            for (index, step) in conformance.steps.enumerated() {
                var primaryOutcome = Outcome.done
                for target in step.onEveryFront ? fronts : [primary] {
                    let outcome = try await Self.perform(step.action, on: target, in: world, step: index)
                    let expected = step.expect.resolve(target.traits)
                    #expect(
                        expected.matches(outcome, earlier: outcomes),
                        "\(conformance.name), step \(index + 1) (\(step.action)) on \(target.name): expected \(expected), got \(outcome)")
                    if target.name == primary.name { primaryOutcome = outcome }
                }
                outcomes.append(primaryOutcome)
            }
        } catch {
            Issue.record("\(conformance.name) on \(front.rawValue): \(error)")
        }
        for target in fronts { await target.close() }
        try await world.stop()
    }

    static func perform(_ action: Action, on front: any ConformanceFront, in world: ConformanceWorld, step: Int) async throws -> Outcome {
        switch action {
        case .begin(let session, let caller, let dial, let credential):
            return try await front.begin(session: session, caller: caller, dial: dial, credential: credential)
        case .answer(let session, let input): return try await front.answer(session: session, input: input)
        case .abort(let session): return try await front.abort(session: session)
        case .retryLast(let session): return try await front.retryLast(session: session)
        case .answerUnknown(let session, let caller, let input): return try await front.answerUnknown(session: session, caller: caller, input: input)
        case .checkBalance(let caller, let pin, let credential):
            return try await front.checkBalance(session: "b\(step + 1)-\(front.name)", caller: caller, pin: pin, credential: credential)
        case .transfer(let key, let from, let to, let amount, let pin):
            return try await front.transfer(key: key, from: from, to: to, amount: amount, pin: pin)
        case .malformed: return try await front.malformed()
        case .oversize: return try await front.oversize()
        case .drain:
            world.core.beginDraining()
            return .done
        case .wait(let duration):
            try await Task.sleep(for: duration)
            return .done
        case .balanceOf(let msisdn): return .balance(try await world.balance(msisdn))
        case .mailsTo(let msisdn): return .mails(try await world.mails(to: msisdn))
        }
    }

    /// `docs/PROTOCOL.md` shows the table exactly as the tests run it.
    @Test func theProtocolDocumentShowsThisTable() throws {
        let document = try String(contentsOf: Repository.root.appending(path: "docs/PROTOCOL.md"), encoding: .utf8)
        let table = ConformanceTable.markdown
        guard !document.contains(table) else { return }
        // Written out so that updating the document after changing the table is a copy, not a transcription.
        let rendered = FileManager.default.temporaryDirectory.appending(path: "sika-conformance-table.md")
        try table.write(to: rendered, atomically: true, encoding: .utf8)
        Issue.record("docs/PROTOCOL.md does not show the conformance table as it runs: the table is in \(rendered.path)")
    }
}

extension ConformanceTable {
    /// The table per front as `docs/PROTOCOL.md` shows it.
    static var markdown: String {
        let columns: [(String, FrontTraits)] = [
            ("socket", .socket), ("`POST /ussd`", .callback), ("JSON API", .api), ("web simulator API", .simulator), ("SMPP", .smpp),
        ]
        var lines = [
            "| case | step | " + columns.map(\.0).joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: 2 + columns.count),
        ]
        for conformance in cases {
            for (index, step) in conformance.steps.enumerated() {
                let title = index == 0 ? conformance.name : ""
                let every = step.onEveryFront ? " (on every front)" : ""
                let cells = columns.map { step.expect.resolve($0.1).rendered(on: $0.1) }
                lines.append("| \(title) | \(index + 1). \(step.action)\(every) | " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.map { $0.replacingOccurrences(of: "|  |", with: "| |") }.joined(separator: "\n")
    }
}
