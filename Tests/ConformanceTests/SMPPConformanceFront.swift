import NIOCore
import SMPP
import SMPPFront
import TestSupport

/// SMPP, as an operator's USSD gateway drives Sika's client (`--smpp-connect`): one bound SMSC per operator (the
/// bind is the credential), and a raw SMSC whose bind is never answered or refused, for requests outside a bound
/// session and for PDUs that do not parse. A dialogue opens with a PSSR indication and goes on with USSR confirms;
/// Sika answers each with its deliver_sm_resp (a refusal's status, `SMPPRefusal`) and sends its screens as submit_sm.
actor SMPPConformanceFront: MenuFront {
    nonisolated let name = "smpp"
    nonisolated let traits = FrontTraits.smpp

    private struct Dialogue {
        let smsc: TestSMSC
        let caller: String
        let number: UInt8
        let code: String
        var sequence: UInt8
    }

    private let smscs: [String: TestSMSC]
    private let raw: RawSMSC
    private var readers: [String: SubmitReader] = [:]
    /// Session id → its_session_info session number: the same id always maps to the same number.
    private var numbers: [String: UInt8] = [:]
    private var dialogues: [String: Dialogue] = [:]

    init(smscs: [String: TestSMSC], raw: RawSMSC) {
        self.smscs = smscs
        self.raw = raw
        for (operatorID, smsc) in smscs { readers[operatorID] = SubmitReader(smsc) }
    }

    func begin(session: String, caller: String, dial: String, credential: Credential) async throws -> Outcome {
        let number = number(for: session)
        let code = "*" + dial.trimmingCharacters(in: .whitespaces).dropFirst().prefix { $0 != "*" && $0 != "#" } + "#"
        let message = DeliverSM.ussd(
            .pssrIndication, source: .international(caller), destination: Address(code), text: dial, session: ITSSessionInfo(sessionNumber: number))
        let operatorID: String
        switch credential {
        case .own: operatorID = ConformanceWorld.operatorID(of: caller)
        case .of(let other): operatorID = ConformanceWorld.operatorID(of: other)
        case .none: return try await outsideABind(message, refuseBindFirst: false)
        case .wrong: return try await outsideABind(message, refuseBindFirst: true)
        }
        guard let smsc = smscs[operatorID] else { return .unexpected("no SMSC for \(operatorID)") }
        dialogues[session] = Dialogue(smsc: smsc, caller: caller, number: number, code: code, sequence: 0)
        return try await exchange(message, session: session, operatorID: operatorID)
    }

    func answer(session: String, input: String) async throws -> Outcome {
        guard var dialogue = dialogues[session] else { return .unexpected("no dialogue \(session)") }
        dialogue.sequence &+= 2
        dialogues[session] = dialogue
        let message = DeliverSM.ussd(
            .ussrConfirm, source: .international(dialogue.caller), destination: Address(dialogue.code), text: input,
            session: ITSSessionInfo(sessionNumber: dialogue.number, sequenceNumber: dialogue.sequence))
        return try await exchange(message, session: session, operatorID: ConformanceWorld.operatorID(of: dialogue.caller), smsc: dialogue.smsc)
    }

    func abort(session: String) async throws -> Outcome {
        guard let dialogue = dialogues[session] else { return .unexpected("no dialogue \(session)") }
        let release = DeliverSM.ussd(
            .ussrConfirm, source: .international(dialogue.caller), destination: Address(dialogue.code), text: "",
            session: ITSSessionInfo(sessionNumber: dialogue.number, sequenceNumber: dialogue.sequence &+ 2, endOfSession: true))
        let status = try await dialogue.smsc.deliver(release)
        return status == .ok ? .released : Self.refusal(status)
    }

    /// USSR confirms carry only the newest answer over an ordered stream: sending one again is a new answer, not a retry.
    func retryLast(session: String) async throws -> Outcome { .unsupported }

    func answerUnknown(session: String, caller: String, input: String) async throws -> Outcome {
        let operatorID = ConformanceWorld.operatorID(of: caller)
        guard let smsc = smscs[operatorID] else { return .unexpected("no SMSC for \(operatorID)") }
        dialogues[session] = Dialogue(
            smsc: smsc, caller: caller, number: number(for: session), code: ConformanceWorld.serviceCode(of: caller), sequence: 0)
        return try await answer(session: session, input: input)
    }

    /// A deliver_sm whose body stops inside its fields.
    func malformed() async throws -> Outcome {
        let (peer, _) = try await raw.pendingBind()
        let whole = try DeliverSM.ussd(.pssrIndication, source: .international(ConformanceTable.kofi), destination: Address("*145#"), text: "*145#")
            .pdu(sequence: 41).encoded()
        // The header and 8 octets of body: service_type, the source's TON and NPI, and one digit of its address.
        guard var bytes = whole.getSlice(at: whole.readerIndex, length: 24) else { return .unexpected("cannot cut the PDU") }
        bytes.setInteger(UInt32(24), at: bytes.readerIndex)
        try await peer.send(bytes)
        return Self.outcome(await peer.next())
    }

    /// A PDU whose command_length is over the client's limit (64 KiB).
    func oversize() async throws -> Outcome {
        let (peer, _) = try await raw.pendingBind()
        var header = ByteBuffer()
        header.writeMultipleIntegers(UInt32(1_000_000), CommandID.deliverSM.rawValue, UInt32(0), UInt32(42))
        try await peer.send(header)
        return Self.outcome(await peer.next())
    }

    func close() async {}

    // MARK: Helpers

    private func number(for session: String) -> UInt8 {
        if let number = numbers[session] { return number }
        let number = UInt8(truncatingIfNeeded: numbers.count + 1)
        numbers[session] = number
        return number
    }

    /// Sends a dialogue message; the refusal in Sika's deliver_sm_resp, or the screen it sends next.
    private func exchange(_ message: DeliverSM, session: String, operatorID: String, smsc: TestSMSC? = nil) async throws -> Outcome {
        guard let smsc = smsc ?? smscs[operatorID], var reader = readers[operatorID] else { return .unexpected("no SMSC for \(operatorID)") }
        let status = try await smsc.deliver(message)
        // A refused dialogue stays known here: an answer sent in it later is Sika's to refuse.
        guard status == .ok else { return Self.refusal(status) }
        // Screens of this operator's dialogues come in order; those of other dialogues (none wait here) are skipped.
        var screen: SubmitSM
        repeat {
            screen = try await reader.next().message
        } while !(screen.isUSSD && screen.destination.address == message.source.address
            && screen.options.itsSessionInfo?.sessionNumber == message.options.itsSessionInfo?.sessionNumber)
        readers[operatorID] = reader
        if var dialogue = dialogues[session], let sequence = screen.options.itsSessionInfo?.sequenceNumber {
            dialogue.sequence = sequence &- 1
            dialogues[session] = dialogue
        }
        switch screen.options.ussdServiceOp {
        case .ussrRequest: return .screen(screen.text)
        case .pssrResponse:
            dialogues[session] = nil
            return .final(screen.text)
        default: return .unexpected("ussd_service_op \(String(describing: screen.options.rawUSSDServiceOp))")
        }
    }

    /// Sends `message` over the raw SMSC's connection, whose bind is unanswered (or refused first).
    private func outsideABind(_ message: DeliverSM, refuseBindFirst: Bool) async throws -> Outcome {
        let (peer, bind) = try await raw.pendingBind()
        var bytes = ByteBuffer()
        if refuseBindFirst, case .bind(let kind, _) = bind.body {
            try PDU(.bindResp(kind, BindResponse()), sequenceNumber: bind.sequenceNumber, status: .invalidPassword).encode(into: &bytes)
        }
        try message.pdu(sequence: 40).encode(into: &bytes)
        try await peer.send(bytes)
        return Self.outcome(await peer.next())
    }

    static func outcome(_ frame: SMPPFrame?) -> Outcome {
        guard case .pdu(let pdu)? = frame else { return .unexpected("no answer: \(String(describing: frame))") }
        return refusal(pdu.status)
    }

    static func refusal(_ status: CommandStatus) -> Outcome {
        SMPPRefusal.code(for: status).map { .refused($0.rawValue) } ?? .unexpected("status \(status)")
    }
}

extension DeliverSM {
    /// This message as a deliver_sm PDU.
    fileprivate func pdu(sequence: UInt32) -> PDU { PDU(.deliverSM(self), sequenceNumber: sequence) }
}
