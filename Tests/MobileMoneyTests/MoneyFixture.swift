import Foundation
import Ledger
import Logging
import MobileMoney
import Synchronization

/// A fresh MobileMoney on a temporary ledger, seeded with the demo world, with a controllable clock
/// and a log capture (to prove that no PIN is ever logged).
final class MoneyFixture: Sendable {
    static let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = try! OperatorCatalog.load(from: repository.appending(path: "menus/operators.yaml"))
    static let world = try! DemoWorld.load(from: repository.appending(path: "fixtures/demo-world.yaml"))
    static let start: Int64 = 1_795_773_600_000

    let money: MobileMoney
    let directory: URL
    let logs = LogCapture()

    init(seed: Bool = true) async throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "sika-money-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var ledgerOptions = Ledger.Options()
        ledgerOptions.durable = false
        let clock = ClockBox(MoneyFixture.start)
        ledgerOptions.clock = { clock.value }
        self.clock = clock
        let logs = self.logs
        money = try MobileMoney.open(
            path: directory.appending(path: "money.sqlite").path, catalog: Self.catalog, pepper: .random(), ledgerOptions: ledgerOptions,
            logger: Logger(label: "test") { _ in logs.handler() })
        if seed { try await Self.world.seed(into: money) }
    }

    let clock: ClockBox

    deinit { try? FileManager.default.removeItem(at: directory) }

    func advance(minutes: Int64) { clock.advance(minutes * 60_000) }

    func balance(_ msisdn: String) async throws -> Int64 {
        let subscriber = try await money.subscriber(msisdn)!
        return try await money.ledger.account(id: subscriber.accountID)!.balance
    }

    /// Outbox bodies for one number, oldest first.
    func sms(_ msisdn: String) async throws -> [String] {
        var all: [String] = []
        for op in Self.catalog.operators {
            all += try await money.ledger.undeliveredSMS(operatorID: op.id, limit: 10_000).filter { $0.msisdn == msisdn }.map(\.body)
        }
        return all
    }

    func pinOf(_ msisdn: String) -> String { Self.world.subscribers.first { $0.msisdn == msisdn }!.pin }
}

/// A clock tests move by hand.
final class ClockBox: Sendable {
    private let now: Mutex<Int64>
    init(_ start: Int64) { now = Mutex(start) }
    var value: Int64 { now.withLock { $0 } }
    func advance(_ millis: Int64) { now.withLock { $0 += millis } }
}

/// Collects every log line written through handlers it makes.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    func handler() -> any LogHandler { CapturingHandler(capture: self) }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt
    ) {
        capture.append("\(level) \(message) \(self.metadata.merging(metadata ?? [:]) { $1 })")
    }
}
