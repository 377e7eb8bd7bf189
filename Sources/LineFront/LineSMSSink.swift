import GatewayCore
import Ledger
import NIOCore

/// An authenticated line-protocol connection as an SMS sink: each message becomes an
/// `SMS <shortcode> <msisdn> <text>` line, handed over once its write succeeded.
final class LineSMSSink: SMSSink {
    let operatorID: String
    private let channel: any Channel

    init(operatorID: String, channel: any Channel) {
        self.operatorID = operatorID
        self.channel = channel
    }

    /// A peer that does not read makes the channel unwritable: the outbox then waits in the database.
    var isReady: Bool { channel.isWritable }

    func deliver(_ messages: [OutboxMessage]) async -> [OutboxMessage.ID] {
        let writes = messages.map { channel.write(ServerLine.sms(shortCode: $0.sender, msisdn: $0.msisdn, text: $0.body)) }
        channel.flush()
        var delivered: [OutboxMessage.ID] = []
        for (message, write) in zip(messages, writes) where (try? await write.get()) != nil {
            delivered.append(message.id)
        }
        return delivered
    }
}
