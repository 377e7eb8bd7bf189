import Ledger
import TestSupport
import Testing

@testable import GatewayCore

/// A dispatcher stopped while it reads the outbox (the server shutting down) is not a failure: no error in
/// the log, which an operator's alerting would take for one. Other failures still are (the same pass on a
/// closed ledger).
@Suite struct SMSDispatcherCancellationTests {
    final class ReadySink: SMSSink {
        let operatorID = "tmoney"
        var isReady: Bool { true }
        func deliver(_ messages: [OutboxMessage]) async -> [OutboxMessage.ID] { [] }
    }

    @Test func aPassCancelledDuringItsReadLogsNoError() async throws {
        let world = try await GatewayWorld()
        defer { world.remove() }
        let capture = LogCapture()
        let dispatcher = SMSDispatcher(money: world.money, metrics: GatewayMetrics(), logger: capture.logger())
        _ = dispatcher.connect(ReadySink())
        let pass = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await dispatcher.pass()
        }
        await pass.value
        #expect(!capture.text.contains("cannot read the SMS outbox"), "\(capture.text)")
        // The same read on a closed ledger is a failure, and says so.
        try await world.money.ledger.store.close()
        await dispatcher.pass()
        #expect(capture.text.contains("cannot read the SMS outbox"), "\(capture.text)")
    }
}
