import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import MenuEngine
import MobileMoney
import Operators
import Sessions
import SikaResources

/// `sika-bench engine`: menu-engine steps per second for a full transfer journey, engine alone (a fake
/// host answers the actions) and through `SessionManager` with the real, durable ledger, in one run.
struct EngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "engine", abstract: "Engine steps per second, alone and with the real ledger.")

    @Option(help: "Journeys for the engine alone.") var journeys: Int = 100_000
    @Option(help: "Journeys through the real ledger.") var ledgerJourneys: Int = 5_000
    @Option(help: "Concurrent sessions for the real-ledger run.") var concurrency: Int = 64
    @Flag(help: "Tiny counts: proves the bench runs and verifies clean (CI), measures nothing.") var smoke = false

    mutating func validate() throws {
        if smoke { (journeys, ledgerJourneys, concurrency) = (200, 64, 8) }
        guard journeys > 0, ledgerJourneys >= concurrency, concurrency > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        CommandLogging.bootstrap(defaultLevel: .warning)
        let catalog = try OperatorCatalog.load(from: SikaHome().operators)
        let menus = try SessionManager.loadMenus(directory: SikaHome().menus, catalog: catalog)
        let alone = try EngineBenchmark.run(menus: menus, journey: .tmoneyTransfer, journeys: journeys)
        let calls = alone.steps / alone.journeys
        print(
            "engine alone (fake host, 1 core)          \(String(format: "%10.0f", alone.stepsPerSecond)) steps/s  (\(calls) engine calls per journey)"
        )

        let dir = try BenchWorld.directory("engine")
        defer { try? FileManager.default.removeItem(at: dir) }
        let world = try await BenchWorld.make(path: dir.appending(path: "engine.sqlite").path, catalog: catalog, wallets: concurrency)
        let (money, senders) = (world.money, world.wallets)
        let sessions = SessionManager(menus: menus, money: money)
        let perSession = ledgerJourneys / concurrency
        let start = ContinuousClock.now
        let steps = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, sender) in senders.enumerated() {
                group.addTask {
                    var steps = 0
                    for n in 0..<perSession {
                        let id = "b\(index):\(n)"
                        _ = try await sessions.begin(id: id, msisdn: sender, dial: "*145#")
                        for input in ["1", "1", "93999999", "100", "1"] { _ = try await sessions.reply(id: id, input: input) }
                        let end = try await sessions.reply(id: id, input: "2580")
                        guard end.isFinal, end.text.contains("reussi") else { throw ValidationError("journey failed: \(end.text)") }
                        steps += 7
                    }
                    return steps
                }
            }
            return try await group.reduce(0, +)
        }
        let seconds = (ContinuousClock.now - start).seconds
        let rate = Double(steps) / seconds
        let transfers = String(format: "%.0f", rate / 7)
        print(
            "with the real ledger (\(concurrency) sessions)          \(String(format: "%10.0f", rate)) steps/s  "
                + "(7 phone steps per journey, \(transfers) transfers/s)")
        guard try await money.ledger.verify().isClean else { throw ValidationError("ledger does not verify") }
        print(try await BenchWorld.durabilityLine(money.ledger))
    }
}
