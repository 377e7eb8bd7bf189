import GRDB
import Ledger

extension SQLiteRows {
    func recordSubmission(_ id: OutboxMessage.ID, operatorID: String, smscMessageIDs: [String], at: Int64) throws {
        // An id the outbox does not hold (never written: rows are not deleted) records nothing.
        try db.cachedStatement(sql: SMSReceiptSQL.submitted).execute(arguments: [at, id])
        guard db.changesCount > 0, let attempt = try Int.fetchOne(db.cachedStatement(sql: SMSReceiptSQL.attempts), arguments: [id]) else { return }
        for smscID in smscMessageIDs {
            try db.cachedStatement(sql: SMSReceiptSQL.insertPart).execute(arguments: [operatorID, smscID, id, attempt, at])
        }
    }

    func recordPartState(operatorID: String, smscMessageID: String, _ state: SMSPartState, at: Int64) throws -> OutboxDeliveryRow? {
        try db.cachedStatement(sql: SMSReceiptSQL.setPartState).execute(arguments: [state.rawValue, at, operatorID, smscMessageID])
        guard db.changesCount > 0,
            let part = try Row.fetchOne(db.cachedStatement(sql: SMSReceiptSQL.part), arguments: [operatorID, smscMessageID])
        else { return nil }
        let id: OutboxMessage.ID = part[0]
        let partAttempt: Int = part[1]
        guard let message = try Row.fetchOne(db.cachedStatement(sql: SMSReceiptSQL.tracked), arguments: [id]) else { return nil }
        let attempts: Int = message[1]
        let states = try String.fetchAll(db.cachedStatement(sql: SMSReceiptSQL.partStates), arguments: [id, attempts])
        return OutboxDeliveryRow(
            id: id, state: (message[0] as String?).flatMap(SMSDeliveryState.init(rawValue:)), attempts: attempts, createdAt: message[2],
            partAttempt: partAttempt, partStates: states.map { SMSPartState(rawValue: $0) ?? .pending })
    }

    func setDeliveryState(_ id: OutboxMessage.ID, _ state: SMSDeliveryState, retryAt: Int64?, at: Int64) throws {
        try db.cachedStatement(sql: SMSReceiptSQL.setState).execute(arguments: [state.rawValue, state == .retrying ? retryAt : nil, at, id])
    }

    func sweepDeliveries(now: Int64, expireCreatedBefore cutoff: Int64) throws -> DeliverySweep {
        try db.cachedStatement(sql: SMSReceiptSQL.expire).execute(arguments: [now, cutoff])
        let expired = db.changesCount
        try db.cachedStatement(sql: SMSReceiptSQL.requeue).execute(arguments: [now])
        return DeliverySweep(requeued: db.changesCount, expired: expired)
    }
}
