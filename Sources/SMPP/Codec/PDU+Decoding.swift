import NIOCore

extension PDU {
    /// Decodes one complete PDU body whose header has already been read. `body` holds exactly
    /// `header.commandLength - 16` octets.
    public static func decode(header: PDUHeader, body: ByteBuffer) throws(PDUDecodeError) -> PDU {
        var reader = PDUReader(buffer: body, header: header)
        let decoded: Body
        switch header.commandID {
        case .bindTransmitter, .bindReceiver, .bindTransceiver:
            decoded = .bind(BindKind(commandID: header.commandID)!, try reader.bindRequest())
        case .bindTransmitterResp, .bindReceiverResp, .bindTransceiverResp:
            let response = reader.isAtEnd ? BindResponse() : try reader.bindResponse()
            decoded = .bindResp(BindKind(commandID: header.commandID)!, response)
        case .submitSM: decoded = .submitSM(try reader.submitSM(addressMax: FieldLimits.address))
        case .deliverSM: decoded = .deliverSM(try reader.submitSM(addressMax: FieldLimits.address))
        case .submitSMResp: decoded = .submitSMResp(try reader.messageIDResponse(allowsTLVs: false))
        case .deliverSMResp: decoded = .deliverSMResp(try reader.messageIDResponse(allowsTLVs: false))
        case .dataSM: decoded = .dataSM(try reader.dataSM())
        case .dataSMResp: decoded = .dataSMResp(try reader.messageIDResponse(allowsTLVs: true))
        case .querySM: decoded = .querySM(try reader.querySM())
        case .querySMResp: decoded = .querySMResp(reader.isAtEnd ? QuerySMResponse() : try reader.querySMResponse())
        case .unbind: decoded = try reader.empty(.unbind)
        case .unbindResp: decoded = try reader.empty(.unbindResp)
        case .enquireLink: decoded = try reader.empty(.enquireLink)
        case .enquireLinkResp: decoded = try reader.empty(.enquireLinkResp)
        case .genericNack: decoded = try reader.empty(.genericNack)
        default:
            if CommandID.specified.contains(header.commandID) {
                throw reader.failure(.unsupportedCommand, .invalidCommandID)
            }
            throw reader.failure(.unknownCommandID, .invalidCommandID)
        }
        return PDU(decoded, sequenceNumber: header.sequenceNumber, status: header.status)
    }
}

extension PDUReader {
    func empty(_ body: PDU.Body) throws(PDUDecodeError) -> PDU.Body {
        try expectEnd()
        return body
    }

    mutating func bindRequest() throws(PDUDecodeError) -> BindRequest {
        let systemID = try cString("system_id", max: FieldLimits.systemID, status: .invalidSystemID)
        let password = try cString("password", max: FieldLimits.password, status: .invalidPassword)
        let systemType = try cString("system_type", max: FieldLimits.systemType, status: .invalidSystemType)
        let version = try uint8("interface_version")
        let range = try address("address_range", max: FieldLimits.addressRange, status: .bindFailed)
        try expectEnd()
        return BindRequest(
            systemID: systemID, password: password, systemType: systemType, interfaceVersion: version, addressRange: range)
    }

    mutating func bindResponse() throws(PDUDecodeError) -> BindResponse {
        let systemID = try cString("system_id", max: FieldLimits.systemID, status: .invalidSystemID)
        return BindResponse(systemID: systemID, options: try optionalParameters())
    }

    mutating func submitSM(addressMax: Int) throws(PDUDecodeError) -> SubmitSM {
        let serviceType = try cString("service_type", max: FieldLimits.serviceType, status: .invalidServiceType)
        let source = try address("source_addr", max: addressMax, status: .invalidSourceAddress)
        let destination = try address("destination_addr", max: addressMax, status: .invalidDestinationAddress)
        let esmClass = try uint8("esm_class")
        let protocolID = try uint8("protocol_id")
        let priority = try uint8("priority_flag")
        let schedule = try time("schedule_delivery_time", status: .invalidScheduledDeliveryTime)
        let validity = try time("validity_period", status: .invalidExpiry)
        let registered = try uint8("registered_delivery")
        let replace = try uint8("replace_if_present_flag")
        let coding = try uint8("data_coding")
        let defaultID = try uint8("sm_default_msg_id")
        let length = Int(try uint8("sm_length"))
        // sm_length is one octet, so the spec's limit of 254 only excludes 255.
        guard length <= FieldLimits.shortMessage else { throw failure(.invalidField("sm_length"), .invalidMessageLength) }
        let message = try bytes(length, "short_message")
        return SubmitSM(
            serviceType: serviceType, source: source, destination: destination, esmClass: esmClass, protocolID: protocolID,
            priorityFlag: priority, scheduleDeliveryTime: schedule, validityPeriod: validity, registeredDelivery: registered,
            replaceIfPresentFlag: replace, dataCoding: coding, smDefaultMessageID: defaultID, shortMessage: message,
            options: try optionalParameters())
    }

    mutating func messageIDResponse(allowsTLVs: Bool) throws(PDUDecodeError) -> SubmitSMResponse {
        if isAtEnd { return SubmitSMResponse() }
        let id = try cString("message_id", max: FieldLimits.messageID, status: .invalidMessageID)
        if allowsTLVs { return SubmitSMResponse(messageID: id, options: try optionalParameters()) }
        try expectEnd()
        return SubmitSMResponse(messageID: id)
    }

    mutating func dataSM() throws(PDUDecodeError) -> DataSM {
        let serviceType = try cString("service_type", max: FieldLimits.serviceType, status: .invalidServiceType)
        let source = try address("source_addr", max: FieldLimits.dataSMAddress, status: .invalidSourceAddress)
        let destination = try address("destination_addr", max: FieldLimits.dataSMAddress, status: .invalidDestinationAddress)
        let esmClass = try uint8("esm_class")
        let registered = try uint8("registered_delivery")
        let coding = try uint8("data_coding")
        return DataSM(
            serviceType: serviceType, source: source, destination: destination, esmClass: esmClass,
            registeredDelivery: registered, dataCoding: coding, options: try optionalParameters())
    }

    mutating func querySM() throws(PDUDecodeError) -> QuerySM {
        let id = try cString("message_id", max: FieldLimits.messageID, status: .invalidMessageID)
        let source = try address("source_addr", max: FieldLimits.address, status: .invalidSourceAddress)
        try expectEnd()
        return QuerySM(messageID: id, source: source)
    }

    mutating func querySMResponse() throws(PDUDecodeError) -> QuerySMResponse {
        let id = try cString("message_id", max: FieldLimits.messageID, status: .invalidMessageID)
        let finalDate = try time("final_date", status: .invalidMessageLength)
        let state = try uint8("message_state")
        let error = try uint8("error_code")
        try expectEnd()
        return QuerySMResponse(messageID: id, finalDate: finalDate, messageState: state, errorCode: error)
    }
}
