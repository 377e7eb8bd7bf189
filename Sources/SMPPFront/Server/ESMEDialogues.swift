import SMPP
import Simulator
import Synchronization

/// The USSD dialogues simulated phones hold with ESMEs: each is known to the phone by its simulator session, and to
/// the ESME by (its system_id, the phone's number, the its_session_info session number). A step of the phone waits
/// here until the ESME's `submit_sm` answers it (or the wait times out, or the ESME's last bind goes).
final class ESMEDialogues: Sendable {
    struct Key: Hashable, Sendable {
        let systemID: String
        let msisdn: String
        let number: UInt8
    }

    private struct Entry {
        let dialogue: ExternalDialogue
        /// The service code, `destination_addr` of what the network sends.
        let code: String
        /// its_session_info's sequence number of the last message either way.
        var sequence: UInt8 = 0
        var waiter: CheckedContinuation<SimulatorExchange.Answer, Never>?
        var waitID = 0
        /// The wait's timeout, cancelled when the answer comes first.
        var timer: Task<Void, Never>?
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bySession: [String: Key] = [:]
        var nextNumber: [String: UInt8] = [:]
        var nextWait = 0
    }

    private let state = Mutex(State())

    /// Opens a dialogue of `dialogue`'s phone with `systemID`, under the account's next session number.
    func open(_ dialogue: ExternalDialogue, systemID: String, code: String) -> Key {
        state.withLock { state in
            var number = state.nextNumber[systemID, default: 0]
            // A phone holds one dialogue at a time, so numbers only need to differ for one number of one account.
            while state.entries[Key(systemID: systemID, msisdn: dialogue.msisdn, number: number)] != nil { number &+= 1 }
            state.nextNumber[systemID] = number &+ 1
            let key = Key(systemID: systemID, msisdn: dialogue.msisdn, number: number)
            state.entries[key] = Entry(dialogue: dialogue, code: code)
            state.bySession[dialogue.session] = key
            return key
        }
    }

    func key(session: String) -> Key? { state.withLock { $0.bySession[session] } }

    func code(_ key: Key) -> String? { state.withLock { $0.entries[key]?.code } }

    /// The its_session_info of the next message the network sends in the dialogue.
    func nextSessionInfo(_ key: Key, end: Bool = false) -> ITSSessionInfo? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            entry.sequence &+= 1
            state.entries[key] = entry
            return ITSSessionInfo(sessionNumber: key.number, sequenceNumber: entry.sequence, endOfSession: end)
        }
    }

    /// Sends with `send` and waits for the ESME's answer (or `timeout`). `send` returns nil when the message went out,
    /// else the answer to show instead (the ESME refused it, or nobody is bound).
    func exchange(_ key: Key, timeout: Duration, send: @escaping @Sendable () async -> SimulatorExchange.Answer?) async
        -> SimulatorExchange.Answer
    {
        let waitID = state.withLock { state -> Int in
            state.nextWait += 1
            return state.nextWait
        }
        return await withCheckedContinuation { continuation in
            let registered = state.withLock { state -> Bool in
                guard var entry = state.entries[key] else { return false }
                entry.waiter = continuation
                entry.waitID = waitID
                state.entries[key] = entry
                return true
            }
            guard registered else {
                continuation.resume(returning: .refused(.init(.unknownSession, "the dialogue is over")))
                return
            }
            Task {
                if let refusal = await send() { self.resolve(key, waitID: waitID, with: refusal) }
            }
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.resolve(key, waitID: waitID, with: .refused(.init(.unavailable, "the application did not answer in time")))
            }
            let late = state.withLock { state -> Bool in
                guard state.entries[key]?.waitID == waitID, state.entries[key]?.waiter != nil else { return true }
                state.entries[key]?.timer = timer
                return false
            }
            if late { timer.cancel() }
        }
    }

    /// The ESME answered the phone of (`systemID`, `msisdn`) in dialogue `number` (any of its dialogues with that number when
    /// nil). False when no step of such a dialogue waits for an answer.
    func answer(systemID: String, msisdn: String, number: UInt8?, sequence: UInt8?, with answer: SimulatorExchange.Answer) -> Bool {
        let key = state.withLock { state -> Key? in
            if let number { return Key(systemID: systemID, msisdn: msisdn, number: number) }
            let open = state.entries.keys.filter { $0.systemID == systemID && $0.msisdn == msisdn }
            return open.count == 1 ? open.first : nil
        }
        guard let key else { return false }
        if let sequence { state.withLock { $0.entries[key]?.sequence = sequence } }
        return resolve(key, waitID: nil, with: answer)
    }

    /// Ends a dialogue (the phone released it, or its last screen came); returns it if it was open.
    @discardableResult
    func close(_ key: Key) -> ExternalDialogue? {
        let (entry, waiter) = state.withLock { state -> (Entry?, CheckedContinuation<SimulatorExchange.Answer, Never>?) in
            guard let entry = state.entries.removeValue(forKey: key) else { return (nil, nil) }
            state.bySession[entry.dialogue.session] = nil
            entry.timer?.cancel()
            return (entry, entry.waiter)
        }
        waiter?.resume(returning: .aborted)
        return entry?.dialogue
    }

    /// Every dialogue of the account whose step waits: answered with `answer` (its last bind went away).
    func failWaiting(systemID: String, with answer: SimulatorExchange.Answer) {
        let waiters = state.withLock { state -> [CheckedContinuation<SimulatorExchange.Answer, Never>] in
            var waiters: [CheckedContinuation<SimulatorExchange.Answer, Never>] = []
            for (key, entry) in state.entries where key.systemID == systemID {
                if let waiter = entry.waiter { waiters.append(waiter) }
                entry.timer?.cancel()
                state.entries[key]?.waiter = nil
                state.entries[key]?.timer = nil
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: answer) }
    }

    /// Open dialogues, for tests and metrics.
    var count: Int { state.withLock { $0.entries.count } }

    /// Hands `answer` to the step waiting in `key` (only the wait `waitID` when given, so that a late timeout does not
    /// answer a later step). A last screen closes the dialogue.
    @discardableResult
    private func resolve(_ key: Key, waitID: Int?, with answer: SimulatorExchange.Answer) -> Bool {
        let waiter = state.withLock { state -> CheckedContinuation<SimulatorExchange.Answer, Never>? in
            guard var entry = state.entries[key], let waiter = entry.waiter, waitID == nil || entry.waitID == waitID else { return nil }
            entry.waiter = nil
            entry.timer?.cancel()
            entry.timer = nil
            if case .end = answer {
                state.entries[key] = nil
                state.bySession[entry.dialogue.session] = nil
            } else {
                // A screen keeps the dialogue; so does a refusal, until the phone's release tells the ESME it is over.
                state.entries[key] = entry
            }
            return waiter
        }
        waiter?.resume(returning: answer)
        return waiter != nil
    }
}
