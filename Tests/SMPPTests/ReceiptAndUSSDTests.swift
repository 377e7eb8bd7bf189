import SMPP
import Testing

@Suite("Delivery receipts and USSD helpers")
struct ReceiptAndUSSDTests {
    @Test("the receipt text has the de-facto layout and parses back")
    func receiptText() throws {
        let receipt = DeliveryReceipt(
            messageID: "msg-42", submitDate: ReceiptDate(year: 2026, month: 12, day: 1, hour: 9, minute: 5),
            doneDate: ReceiptDate(year: 2026, month: 12, day: 1, hour: 9, minute: 6), state: .delivered,
            text: "Vous avez recu 5000 FCFA de 22890112233")
        #expect(
            receipt.formatted
                == "id:msg-42 sub:001 dlvrd:001 submit date:2612010905 done date:2612010906 stat:DELIVRD err:000 text:Vous avez recu 5000 ")
        #expect(try DeliveryReceipt.parse(receipt.formatted) == receipt)
    }

    @Test("every state has its stat word", arguments: MessageState.allCases)
    func states(_ state: MessageState) throws {
        let receipt = DeliveryReceipt(messageID: "x", submitDate: nil, doneDate: nil, state: state, error: 12)
        let parsed = try DeliveryReceipt.parse(receipt.formatted)
        #expect(parsed.state == state && parsed.error == 12)
        #expect(MessageState(receiptStat: state.receiptStat.lowercased()) == state)
    }

    @Test("parsing tolerates other SMSCs' spellings and refuses garbage")
    func lenientParsing() throws {
        let kannelStyle = try DeliveryReceipt.parse(
            "id:0A1B sub:001 dlvrd:000 submit date:261201235959 done date:2612020000 stat:UNDELIV err:034 Text:hi there")
        #expect(kannelStyle.messageID == "0A1B" && kannelStyle.state == .undeliverable && kannelStyle.error == 34)
        #expect(kannelStyle.submitDate == ReceiptDate(year: 2026, month: 12, day: 1, hour: 23, minute: 59))
        #expect(kannelStyle.text == "hi there")
        #expect(throws: DeliveryReceiptError.self) { try DeliveryReceipt.parse("hello") }
        #expect(throws: DeliveryReceiptError.self) { try DeliveryReceipt.parse("id:1 stat:WHATEVER") }
    }

    @Test("the receipt deliver_sm goes back to the sender with esm_class 0x04 and both TLVs")
    func receiptDeliverSM() throws {
        let receipt = DeliveryReceipt(messageID: "msg-7", submitDate: nil, doneDate: nil, state: .expired)
        let message = receipt.deliverSM(originalSource: .shortCode("145"), originalDestination: .international("22890112233"))
        #expect(message.source.address == "22890112233" && message.destination.address == "145")
        #expect(message.esmClass == 0x04 && message.isDeliveryReceipt)
        #expect(message.options.receiptedMessageID == "msg-7")
        #expect(message.options.messageState == .expired)
        let decoded = DeliveryReceipt(deliverSM: message)
        #expect(decoded?.messageID == "msg-7" && decoded?.state == .expired)
        // The TLVs win over the text.
        var overridden = message
        overridden.options.messageState = .delivered
        #expect(DeliveryReceipt(deliverSM: overridden)?.state == .delivered)
        #expect(DeliveryReceipt(deliverSM: DeliverSM(source: .shortCode("1"), destination: .shortCode("2"))) == nil)
    }

    @Test("receipt dates come from Unix time in UTC")
    func dates() {
        #expect(ReceiptDate(unixSeconds: 0).description == "7001010000")
        #expect(ReceiptDate(unixSeconds: 1_796_083_200).description == "2612010000")  // 2026-12-01T00:00Z
        #expect(ReceiptDate(unixSeconds: 951_825_600) == ReceiptDate(year: 2000, month: 2, day: 29, hour: 12, minute: 0))
        #expect(ReceiptDate("2613010000") == nil)
    }

    @Test("ussd_service_op values match the spec")
    func serviceOps() {
        let expected: [(USSDServiceOp, UInt8)] = [
            (.pssdIndication, 0), (.pssrIndication, 1), (.ussrRequest, 2), (.ussnRequest, 3), (.pssdResponse, 16),
            (.pssrResponse, 17), (.ussrConfirm, 18), (.ussnConfirm, 19),
        ]
        for (op, value) in expected { #expect(op.rawValue == value) }
    }

    @Test("its_session_info packs the sequence in bits 7-1 and the end flag in bit 0")
    func sessionInfo() {
        #expect(ITSSessionInfo(sessionNumber: 0x12, sequenceNumber: 5, endOfSession: true).octets == [0x12, 0x0B])
        #expect(ITSSessionInfo(octets: [0xFF, 0xFE]) == ITSSessionInfo(sessionNumber: 255, sequenceNumber: 127, endOfSession: false))
        #expect(ITSSessionInfo(octets: [1]) == nil)
        for octet in UInt8.min...UInt8.max {
            #expect(ITSSessionInfo(octets: [3, octet])?.octets == [3, octet])
        }
    }

    @Test("a USSD message carries service_type USSD, the op, the session, and the text")
    func ussdMessage() throws {
        let screen = "1. Envoyer\n2. Solde\n3. Relevé ✓"
        let message = SubmitSM.ussd(
            .ussrRequest, source: .shortCode("145"), destination: .international("22890112233"), text: screen,
            session: ITSSessionInfo(sessionNumber: 9, sequenceNumber: 1))
        #expect(message.serviceType == "USSD" && message.isUSSD)
        #expect(message.options.ussdServiceOp == .ussrRequest)
        #expect(message.options.itsSessionInfo?.sessionNumber == 9)
        #expect(message.dataCoding == 8)
        #expect(message.text == screen)
        let roundTrip = decodeAll(PDU(.submitSM(message), sequenceNumber: 1).bytes)
        #expect(roundTrip == [.pdu(PDU(.submitSM(message), sequenceNumber: 1))])
        let long = SubmitSM.ussd(.pssrResponse, source: .shortCode("145"), destination: .international("1"), text: String(repeating: "x", count: 300))
        #expect(long.shortMessage.isEmpty && long.options.messagePayload?.count == 300 && long.text.count == 300)
    }
}
