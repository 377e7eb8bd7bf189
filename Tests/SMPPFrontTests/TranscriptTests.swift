import Foundation
import SMPP
import SMPPFront
import TestSupport
import Testing

/// `docs/SMPP.md` shows one transfer PDU by PDU, between an operator's USSD gateway and Sika's SMPP client: this
/// test runs that transfer and keeps the document equal to what happens.
///
/// The limit only turns a hang into a failure: alone the test takes ~0.3 s, beside the SMPP suites ~2 s, but in the
/// whole suite on a 2-core CI machine its few dozen sequential exchanges wait their turn among hundreds of tests and
/// it took 33–52 s, once over 120 s (a failed run).
@Suite(.timeLimit(.minutes(5))) struct TranscriptTests {
    static let kofi = "22890112233"
    static let ama = "22890445566"

    @Test func theDocumentShowsOneTransferAsItRuns() async throws {
        let smsc = try await TestSMSC.start()
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()], clock: TestClock())
        var submits = SubmitReader(smsc)
        _ = try await smsc.bound()
        var lines: [String] = []
        var sequence: UInt8 = 0

        /// The gateway sends one dialogue message; Sika answers it, then sends its screen.
        func step(_ op: USSDServiceOp, _ text: String) async throws -> SubmitSM {
            let message = DeliverSM.ussd(
                op, source: .international(Self.kofi), destination: Address("*145#"), text: text,
                session: ITSSessionInfo(sessionNumber: 7, sequenceNumber: sequence))
            lines.append(Self.describe(message, "gateway → Sika", "deliver_sm"))
            let status = try await smsc.deliver(message)
            lines.append("Sika → gateway    deliver_sm_resp  \(status.specName ?? "\(status)")")
            var screen = try await submits.next()
            while !screen.message.isUSSD { screen = try await submits.next() }
            lines.append(Self.describe(screen.message, "Sika → gateway", "submit_sm"))
            lines.append("gateway → Sika    submit_sm_resp   ESME_ROK  message_id \(screen.id)")
            sequence = (screen.message.options.itsSessionInfo?.sequenceNumber ?? 0) + 1
            return screen.message
        }

        _ = try await step(.pssrIndication, "*145*1*1*90445566*5000#")
        _ = try await step(.ussrConfirm, "1")
        let last = try await step(.ussrConfirm, "2580")
        #expect(last.options.ussdServiceOp == .pssrResponse)
        // The receipts, in the order of their numbers (they leave concurrently), and a delivery receipt for each.
        var receipts: [(id: String, message: SubmitSM)] = []
        while receipts.count < 2 {
            let next = try await submits.next()
            if !next.message.isUSSD { receipts.append(next) }
        }
        receipts.sort { $0.message.destination.address < $1.message.destination.address }
        for receipt in receipts {
            lines.append(Self.describe(receipt.message, "Sika → gateway", "submit_sm"))
            lines.append("gateway → Sika    submit_sm_resp   ESME_ROK  message_id \(receipt.id)")
        }
        for receipt in receipts {
            let dlr = DeliveryReceipt(
                messageID: receipt.id, submitDate: ReceiptDate(year: 2026, month: 11, day: 27, hour: 10, minute: 0),
                doneDate: ReceiptDate(year: 2026, month: 11, day: 27, hour: 10, minute: 0), state: .delivered, text: receipt.message.text
            ).deliverSM(originalSource: receipt.message.source, originalDestination: receipt.message.destination)
            lines.append(Self.describe(dlr, "gateway → Sika", "deliver_sm"))
            let status = try await smsc.deliver(dlr)
            lines.append("Sika → gateway    deliver_sm_resp  \(status.specName ?? "\(status)")")
        }
        #expect(try await eventually { try await world.outbox(Self.ama).deliveryState == .delivered })
        try await world.stop()
        await smsc.stop()

        // The SMSC numbers submits as they arrive, and the last screen and the two receipts leave concurrently: the
        // transcript names the ids m1, m2… in the order it shows them, so that it reads the same every run.
        let shown = lines.compactMap { $0.firstMatch(of: /message_id (m\d+)$/).map { String($0.1) } }
        let renamed = Dictionary(shown.enumerated().map { ($1, "m\($0 + 1)") }) { first, _ in first }
        // One pass: every id, wherever it appears (a receipted_message_id, a receipt's `id:`), by the same map. Simple
        // word boundaries: under Unicode's default ones `id:m4` is one word (`:` joins letters) and was never renamed.
        let ids = /\bm\d+\b/.wordBoundaryKind(.simple)
        let text = lines.joined(separator: "\n").replacing(ids) { renamed[String($0.output)] ?? String($0.output) }
        let transcript = "```\n" + text + "\n```"
        let document = try String(contentsOf: InteropPeers.root.appending(path: "docs/SMPP.md"), encoding: .utf8)
        guard !document.contains(transcript) else { return }
        let rendered = FileManager.default.temporaryDirectory.appending(path: "sika-smpp-transcript.md")
        try transcript.write(to: rendered, atomically: true, encoding: .utf8)
        Issue.record("docs/SMPP.md does not show the transfer as it runs: the transcript is in \(rendered.path)")
    }

    /// One PDU on one line: the fields the mapping speaks of, in its order.
    static func describe(_ message: SubmitSM, _ direction: String, _ command: String) -> String {
        var fields = ["\(direction)    \(command.padding(toLength: 16, withPad: " ", startingAt: 0))"]
        if !message.serviceType.isEmpty { fields.append("service_type \(message.serviceType)") }
        fields.append("source \(address(message.source))")
        fields.append("destination \(address(message.destination))")
        if message.esmClass != 0 { fields.append("esm_class 0x" + String(format: "%02X", message.esmClass)) }
        if message.registeredDelivery != 0 { fields.append("registered_delivery \(message.registeredDelivery)") }
        if !message.validityPeriod.isEmpty { fields.append("validity_period \(message.validityPeriod)") }
        if message.dataCoding != 0 { fields.append("data_coding \(message.dataCoding)") }
        let options = message.options
        if let op = options.ussdServiceOp { fields.append("ussd_service_op \(op.rawValue) (\(name(op)))") }
        if let info = options.itsSessionInfo {
            fields.append("its_session_info \(info.sessionNumber)/\(info.sequenceNumber)\(info.endOfSession ? " end" : "")")
        }
        if let id = options.receiptedMessageID { fields.append("receipted_message_id \(id)") }
        if let state = options.messageState { fields.append("message_state \(state.rawValue) (\(state.receiptStat))") }
        let text = message.text.replacingOccurrences(of: "\n", with: "\\n")
        return fields.joined(separator: "  ") + "\n                  short_message \"\(text)\""
    }

    static func address(_ address: Address) -> String {
        address.ton == 0 && address.npi == 0 ? address.address : "\(address.address) (TON \(address.ton), NPI \(address.npi))"
    }

    static func name(_ op: USSDServiceOp) -> String {
        switch op {
        case .pssrIndication: "PSSR indication"
        case .ussrRequest: "USSR request"
        case .ussrConfirm: "USSR confirm"
        case .pssrResponse: "PSSR response"
        default: "\(op)"
        }
    }
}
