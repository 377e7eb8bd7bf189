import Ledger
import PostgresNIO

/// Delivery receipts of the SMS outbox on PostgreSQL (the statements of `PostgresReceiptSQL`).
extension PostgresRows {
    func recordSubmission(_ id: OutboxMessage.ID, operatorID: String, smscMessageIDs: [String], at: Int64) throws {
        // An id the outbox does not hold (rows are never deleted) records nothing.
        guard let attempt = try change(PostgresReceiptSQL.submitted, [PostgresBind.int(at), PostgresBind.int(id)]).first else { return }
        let number = try PostgresCells(attempt).int(0)
        for smscID in smscMessageIDs {
            _ = try change(
                PostgresReceiptSQL.insertPart,
                [PostgresBind.text(operatorID), PostgresBind.text(smscID), PostgresBind.int(id), PostgresBind.int(number), PostgresBind.int(at)])
        }
    }

    func recordPartState(operatorID: String, smscMessageID: String, _ state: SMSPartState, at: Int64) throws -> OutboxDeliveryRow? {
        guard
            let part = try change(
                PostgresReceiptSQL.setPartState,
                [PostgresBind.text(state.rawValue), PostgresBind.int(at), PostgresBind.text(operatorID), PostgresBind.text(smscMessageID)]
            ).first.map(PostgresCells.init)
        else { return nil }
        let id = try part.int(0)
        let partAttempt = Int(try part.int(1))
        guard let message = try one(PostgresReceiptSQL.tracked, [PostgresBind.int(id)]) else { return nil }
        let attempts = Int(try message.int(1))
        let states = try rows(PostgresReceiptSQL.partStates, [PostgresBind.int(id), PostgresBind.int(attempts)]).map {
            SMSPartState(rawValue: try PostgresCells($0).text(0)) ?? .pending
        }
        return OutboxDeliveryRow(
            id: id, state: try message.optionalText(0).flatMap(SMSDeliveryState.init(rawValue:)), attempts: attempts,
            createdAt: try message.int(2), partAttempt: partAttempt, partStates: states)
    }

    func setDeliveryState(_ id: OutboxMessage.ID, _ state: SMSDeliveryState, retryAt: Int64?, at: Int64) throws {
        try changeLater(
            PostgresReceiptSQL.setState,
            [PostgresBind.text(state.rawValue), PostgresBind.int(state == .retrying ? retryAt : nil), PostgresBind.int(at), PostgresBind.int(id)])
    }

    func sweepDeliveries(now: Int64, expireCreatedBefore cutoff: Int64) throws -> DeliverySweep {
        let expired = try change(PostgresReceiptSQL.expire, [PostgresBind.int(now), PostgresBind.int(cutoff)]).count
        let requeued = try change(PostgresReceiptSQL.requeue, [PostgresBind.int(now)]).count
        return DeliverySweep(requeued: requeued, expired: expired)
    }
}
