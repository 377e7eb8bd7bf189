import NIOCore
import SMPP
import Testing

@Suite("PDU codec")
struct PDUCodecTests {
    /// One PDU of every body this library encodes, with every field away from its default.
    static let everyPDU: [PDU] = {
        var options = OptionalParameters()
        options.userMessageReference = 0x1234
        options.ussdServiceOp = .ussrRequest
        options.itsSessionInfo = ITSSessionInfo(sessionNumber: 7, sequenceNumber: 3, endOfSession: true)
        options.all.append(TLV(TLVTag(rawValue: 0x1401), [1, 2, 3]))  // an unknown vendor tag survives
        let submit = SubmitSM(
            serviceType: "USSD", source: Address(ton: 1, npi: 1, "22890112233"), destination: Address(ton: 3, npi: 0, "145"),
            esmClass: 0x40, protocolID: 1, priorityFlag: 2, scheduleDeliveryTime: "261201120000000+",
            validityPeriod: "000001000000000R", registeredDelivery: 1, replaceIfPresentFlag: 1, dataCoding: 8,
            smDefaultMessageID: 4, shortMessage: Array(repeating: 0x41, count: 254), options: options)
        var receipt = OptionalParameters()
        receipt.receiptedMessageID = "abc123"
        receipt.messageState = .delivered
        var bindOptions = OptionalParameters()
        bindOptions.scInterfaceVersion = 0x34
        let bind = BindRequest(
            systemID: String(repeating: "s", count: 15), password: "12345678", systemType: String(repeating: "t", count: 12),
            interfaceVersion: 0x34, addressRange: Address(ton: 1, npi: 1, "^228"))
        var pdus: [PDU] = []
        for kind in BindKind.allCases {
            pdus.append(PDU(.bind(kind, bind), sequenceNumber: 1))
            pdus.append(PDU(.bindResp(kind, BindResponse(systemID: "sika", options: bindOptions)), sequenceNumber: 1))
        }
        pdus += [
            PDU(.submitSM(submit), sequenceNumber: 2),
            PDU(.submitSMResp(SubmitSMResponse(messageID: String(repeating: "m", count: 64))), sequenceNumber: 2),
            PDU(
                .deliverSM(DeliverSM(source: .shortCode("145"), destination: .international("22890112233"), esmClass: 4, options: receipt)),
                sequenceNumber: 3),
            PDU(.deliverSMResp(SubmitSMResponse()), sequenceNumber: 3),
            PDU(
                .dataSM(
                    DataSM(
                        serviceType: "WAP", source: Address(ton: 5, npi: 0, String(repeating: "a", count: 64)), destination: .international("1"),
                        esmClass: 0, registeredDelivery: 1, dataCoding: 3, options: [TLV(.messagePayload, Array(repeating: 7, count: 1000))])),
                sequenceNumber: 4),
            PDU(.dataSMResp(SubmitSMResponse(messageID: "d1", options: [TLV.uint8(.moreMessagesToSend, 1)])), sequenceNumber: 4),
            PDU(.querySM(QuerySM(messageID: "q1", source: .international("22890112233"))), sequenceNumber: 5),
            PDU(.querySMResp(QuerySMResponse(messageID: "q1", finalDate: "261201120000000+", messageState: 2, errorCode: 0)), sequenceNumber: 5),
            PDU(.unbind, sequenceNumber: 6), PDU(.unbindResp, sequenceNumber: 6),
            PDU(.enquireLink, sequenceNumber: 0x7FFF_FFFF), PDU(.enquireLinkResp, sequenceNumber: 0x7FFF_FFFF),
            PDU(.genericNack, sequenceNumber: 9, status: .invalidCommandID),
        ]
        return pdus
    }()

    @Test("every PDU survives encode then decode", arguments: everyPDU)
    func roundTrip(_ pdu: PDU) throws {
        let bytes = try pdu.encoded()
        #expect(bytes.getInteger(at: 0, as: UInt32.self) == UInt32(bytes.readableBytes))
        #expect(bytes.getInteger(at: 4, as: UInt32.self) == pdu.commandID.rawValue)
        #expect(decodeAll(bytes) == [.pdu(pdu)])
    }

    @Test("enquire_link is exactly its 16-octet header")
    func enquireLinkBytes() throws {
        let bytes = try PDU(.enquireLink, sequenceNumber: 0x0102_0304).encoded()
        #expect(Array(bytes.readableBytesView) == [0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0, 0, 0, 1, 2, 3, 4])
    }

    @Test("bind_transceiver octets match the spec layout")
    func bindBytes() throws {
        let bytes = try PDU(
            .bind(.transceiver, BindRequest(systemID: "ab", password: "pw", systemType: "", addressRange: Address(ton: 1, npi: 1, ""))),
            sequenceNumber: 1
        ).encoded()
        let expectedBody: [UInt8] = [0x61, 0x62, 0, 0x70, 0x77, 0, 0, 0x34, 1, 1, 0]
        #expect(Array(bytes.readableBytesView) == [0, 0, 0, UInt8(16 + expectedBody.count), 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1] + expectedBody)
    }

    @Test("error responses carry no body, and an empty body decodes")
    func errorResponsesHaveNoBody() throws {
        for pdu in [
            PDU(.submitSMResp(SubmitSMResponse(messageID: "x")), sequenceNumber: 1, status: .throttled),
            PDU(.bindResp(.transmitter, BindResponse(systemID: "sika")), sequenceNumber: 1, status: .invalidPassword),
        ] {
            let bytes = try pdu.encoded()
            #expect(bytes.readableBytes == 16)
            guard case .pdu(let decoded) = decodeAll(bytes).first else {
                Issue.record("not decoded")
                continue
            }
            #expect(decoded.status == pdu.status)
        }
    }

    @Test("encoding refuses fields over their limits and writes nothing")
    func encodingLimits() {
        let cases: [(PDU, String)] = [
            (PDU(.bind(.transmitter, BindRequest(systemID: String(repeating: "x", count: 16), password: "")), sequenceNumber: 1), "system_id"),
            (PDU(.bind(.transmitter, BindRequest(systemID: "a", password: "123456789")), sequenceNumber: 1), "password"),
            (
                PDU(.submitSM(SubmitSM(source: .international(String(repeating: "1", count: 21)), destination: .shortCode("1"))), sequenceNumber: 1),
                "source_addr"
            ),
            (
                PDU(
                    .submitSM(SubmitSM(source: .shortCode("1"), destination: .shortCode("1"), shortMessage: Array(repeating: 0, count: 255))),
                    sequenceNumber: 1), "short_message"
            ),
            (
                PDU(.submitSM(SubmitSM(source: .shortCode("1"), destination: .shortCode("1"), validityPeriod: "short")), sequenceNumber: 1),
                "validity_period"
            ),
            (
                PDU(.submitSM(SubmitSM(serviceType: "USSD€", source: .shortCode("1"), destination: .shortCode("1"))), sequenceNumber: 1),
                "service_type"
            ),
        ]
        for (pdu, field) in cases {
            var buffer = ByteBuffer()
            #expect(throws: SMPPEncodingError.self) { try pdu.encode(into: &buffer) }
            do {
                try pdu.encode(into: &buffer)
            } catch {
                #expect(error.field == field)
            }
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test("command statuses carry the spec's names and values")
    func statusNames() {
        let expected: [(CommandStatus, String, UInt32)] = [
            (.ok, "ESME_ROK", 0x00), (.invalidMessageLength, "ESME_RINVMSGLEN", 0x01), (.invalidCommandLength, "ESME_RINVCMDLEN", 0x02),
            (.invalidCommandID, "ESME_RINVCMDID", 0x03), (.incorrectBindStatus, "ESME_RINVBNDSTS", 0x04), (.alreadyBound, "ESME_RALYBND", 0x05),
            (.systemError, "ESME_RSYSERR", 0x08), (.invalidSourceAddress, "ESME_RINVSRCADR", 0x0A),
            (.invalidDestinationAddress, "ESME_RINVDSTADR", 0x0B),
            (.invalidMessageID, "ESME_RINVMSGID", 0x0C), (.bindFailed, "ESME_RBINDFAIL", 0x0D), (.invalidPassword, "ESME_RINVPASWD", 0x0E),
            (.invalidSystemID, "ESME_RINVSYSID", 0x0F), (.messageQueueFull, "ESME_RMSGQFUL", 0x14), (.invalidServiceType, "ESME_RINVSERTYP", 0x15),
            (.throttled, "ESME_RTHROTTLED", 0x58), (.invalidOptionalParameterStream, "ESME_RINVOPTPARSTREAM", 0xC0),
            (.invalidParameterLength, "ESME_RINVPARLEN", 0xC2), (.missingOptionalParameter, "ESME_RMISSINGOPTPARAM", 0xC3),
            (.invalidOptionalParameterValue, "ESME_RINVOPTPARAMVAL", 0xC4), (.receiverTemporaryAppError, "ESME_RX_T_APPN", 0x64),
        ]
        for (status, name, value) in expected {
            #expect(status.specName == name)
            #expect(status.rawValue == value)
        }
        #expect(CommandStatus(rawValue: 0x400).specName == nil)
        #expect(CommandStatus.invalidPassword.description == "ESME_RINVPASWD (0xE)")
    }

    @Test("typed TLV accessors read what they write")
    func tlvAccessors() {
        var options = OptionalParameters()
        options.messagePayload = [1, 2, 3]
        options.receiptedMessageID = "id-9"
        options.messageState = .undeliverable
        options.userMessageReference = 513
        options.ussdServiceOp = .pssrResponse
        options.itsSessionInfo = ITSSessionInfo(sessionNumber: 200, sequenceNumber: 127, endOfSession: false)
        options.sarMessageReference = 0xBEEF
        options.sarTotalSegments = 3
        options.sarSegmentSequenceNumber = 2
        options.sourcePort = 80
        options.destinationPort = 8080
        #expect(options[.messagePayload] == [1, 2, 3])
        #expect(options[.receiptedMessageID] == Array("id-9".utf8) + [0])
        #expect(options.receiptedMessageID == "id-9")
        #expect(options.messageState == .undeliverable)
        #expect(options[.userMessageReference] == [2, 1])
        #expect(options.ussdServiceOp == .pssrResponse)
        #expect(options[.itsSessionInfo] == [200, 254])
        #expect(options.sarMessageReference == 0xBEEF)
        #expect(options.sarTotalSegments == 3 && options.sarSegmentSequenceNumber == 2)
        #expect(options.sourcePort == 80 && options.destinationPort == 8080)
        options.messageState = nil
        #expect(options.messageState == nil)
        #expect(options[.messageState] == nil)
    }
}
