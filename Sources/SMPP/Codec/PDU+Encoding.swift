import NIOCore

extension PDU {
    /// Appends this PDU, header included, to `buffer`. Checks every field against the spec's limits first, so a failure
    /// leaves `buffer` unchanged.
    public func encode(into buffer: inout ByteBuffer) throws(SMPPEncodingError) {
        var body = ByteBufferAllocator().buffer(capacity: 64)
        try encodeBody(into: &body)
        buffer.writeInteger(UInt32(PDUHeader.size + body.readableBytes))
        buffer.writeInteger(commandID.rawValue)
        buffer.writeInteger(status.rawValue)
        buffer.writeInteger(sequenceNumber)
        buffer.writeImmutableBuffer(body)
    }

    /// This PDU's octets, header included.
    public func encoded() throws(SMPPEncodingError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 128)
        try encode(into: &buffer)
        return buffer
    }

    private func encodeBody(into out: inout ByteBuffer) throws(SMPPEncodingError) {
        var writer = PDUWriter(buffer: out)
        defer { out = writer.buffer }
        switch body {
        case .bind(_, let bind):
            try writer.cString(bind.systemID, "system_id", max: FieldLimits.systemID)
            try writer.cString(bind.password, "password", max: FieldLimits.password)
            try writer.cString(bind.systemType, "system_type", max: FieldLimits.systemType)
            writer.buffer.writeInteger(bind.interfaceVersion)
            try writer.address(bind.addressRange, "address_range", max: FieldLimits.addressRange)
        case .bindResp(_, let response):
            // Section 4.1.2: the body is not returned with a non-zero status.
            guard status == .ok else { return }
            try writer.cString(response.systemID, "system_id", max: FieldLimits.systemID)
            try writer.options(response.options)
        case .submitSM(let message), .deliverSM(let message):
            try writer.submitSM(message)
        case .submitSMResp(let response), .deliverSMResp(let response):
            guard status == .ok else { return }
            try writer.cString(response.messageID, "message_id", max: FieldLimits.messageID)
        case .dataSMResp(let response):
            guard status == .ok else { return }
            try writer.cString(response.messageID, "message_id", max: FieldLimits.messageID)
            try writer.options(response.options)
        case .dataSM(let message):
            try writer.cString(message.serviceType, "service_type", max: FieldLimits.serviceType)
            try writer.address(message.source, "source_addr", max: FieldLimits.dataSMAddress)
            try writer.address(message.destination, "destination_addr", max: FieldLimits.dataSMAddress)
            writer.buffer.writeInteger(message.esmClass)
            writer.buffer.writeInteger(message.registeredDelivery)
            writer.buffer.writeInteger(message.dataCoding)
            try writer.options(message.options)
        case .querySM(let query):
            try writer.cString(query.messageID, "message_id", max: FieldLimits.messageID)
            try writer.address(query.source, "source_addr", max: FieldLimits.address)
        case .querySMResp(let response):
            guard status == .ok else { return }
            try writer.cString(response.messageID, "message_id", max: FieldLimits.messageID)
            try writer.time(response.finalDate, "final_date")
            writer.buffer.writeInteger(response.messageState)
            writer.buffer.writeInteger(response.errorCode)
        case .unbind, .unbindResp, .enquireLink, .enquireLinkResp, .genericNack:
            break
        }
    }
}

struct PDUWriter {
    var buffer: ByteBuffer

    mutating func cString(_ value: String, _ field: String, max: Int) throws(SMPPEncodingError) {
        guard let octets = Latin1.encode(value) else {
            throw SMPPEncodingError(field: field, reason: "only U+0000–U+00FF can be carried")
        }
        guard !octets.contains(0) else { throw SMPPEncodingError(field: field, reason: "contains NUL") }
        guard octets.count + 1 <= max else {
            throw SMPPEncodingError(field: field, reason: "\(octets.count) octets, at most \(max - 1) allowed")
        }
        buffer.writeBytes(octets)
        buffer.writeInteger(UInt8(0))
    }

    mutating func time(_ value: String, _ field: String) throws(SMPPEncodingError) {
        guard value.isEmpty || value.unicodeScalars.count == 16 else {
            throw SMPPEncodingError(field: field, reason: "must be empty or 16 characters (section 7.1.1)")
        }
        try cString(value, field, max: FieldLimits.time)
    }

    mutating func address(_ address: Address, _ field: String, max: Int) throws(SMPPEncodingError) {
        buffer.writeInteger(address.ton)
        buffer.writeInteger(address.npi)
        try cString(address.address, field, max: max)
    }

    mutating func options(_ options: OptionalParameters) throws(SMPPEncodingError) {
        for tlv in options {
            guard tlv.value.count <= FieldLimits.tlvValue else {
                throw SMPPEncodingError(field: "TLV \(tlv.tag)", reason: "value longer than 65535 octets")
            }
            buffer.writeInteger(tlv.tag.rawValue)
            buffer.writeInteger(UInt16(tlv.value.count))
            buffer.writeBytes(tlv.value)
        }
    }

    mutating func submitSM(_ message: SubmitSM) throws(SMPPEncodingError) {
        guard message.shortMessage.count <= FieldLimits.shortMessage else {
            throw SMPPEncodingError(field: "short_message", reason: "\(message.shortMessage.count) octets, at most 254 allowed")
        }
        try cString(message.serviceType, "service_type", max: FieldLimits.serviceType)
        try address(message.source, "source_addr", max: FieldLimits.address)
        try address(message.destination, "destination_addr", max: FieldLimits.address)
        buffer.writeInteger(message.esmClass)
        buffer.writeInteger(message.protocolID)
        buffer.writeInteger(message.priorityFlag)
        try time(message.scheduleDeliveryTime, "schedule_delivery_time")
        try time(message.validityPeriod, "validity_period")
        buffer.writeInteger(message.registeredDelivery)
        buffer.writeInteger(message.replaceIfPresentFlag)
        buffer.writeInteger(message.dataCoding)
        buffer.writeInteger(message.smDefaultMessageID)
        buffer.writeInteger(UInt8(message.shortMessage.count))
        buffer.writeBytes(message.shortMessage)
        try options(message.options)
    }
}
