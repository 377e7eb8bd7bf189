import NIOCore

/// Reads one PDU body field by field; every shortfall becomes a `PDUDecodeError` naming the status to answer.
struct PDUReader {
    var buffer: ByteBuffer
    let header: PDUHeader

    var isAtEnd: Bool { buffer.readableBytes == 0 }

    func failure(_ kind: PDUDecodeError.Kind, _ status: CommandStatus) -> PDUDecodeError {
        PDUDecodeError(kind, status: status, header: header)
    }

    mutating func uint8(_ field: String) throws(PDUDecodeError) -> UInt8 {
        guard let value = buffer.readInteger(as: UInt8.self) else {
            throw failure(.truncatedBody(field: field), .invalidMessageLength)
        }
        return value
    }

    mutating func bytes(_ count: Int, _ field: String) throws(PDUDecodeError) -> [UInt8] {
        guard let value = buffer.readBytes(length: count) else {
            throw failure(.truncatedBody(field: field), .invalidMessageLength)
        }
        return value
    }

    /// A C-octet string of at most `max` octets including its NUL. A string that reaches `max` octets without a NUL is
    /// too long (`status`); one that reaches the end of the body first is a truncated body (ESME_RINVMSGLEN).
    mutating func cString(_ field: String, max: Int, status: CommandStatus) throws(PDUDecodeError) -> String {
        let window = min(max, buffer.readableBytes)
        let view = buffer.readableBytesView.prefix(window)
        guard let nul = view.firstIndex(of: 0) else {
            if buffer.readableBytes < max { throw failure(.truncatedBody(field: field), .invalidMessageLength) }
            throw failure(.invalidField(field), status)
        }
        let length = nul - view.startIndex
        let value = Latin1.decode(view.prefix(length))
        buffer.moveReaderIndex(forwardBy: length + 1)
        return value
    }

    /// schedule_delivery_time, validity_period, final_date: empty or exactly 16 characters (section 7.1.1).
    mutating func time(_ field: String, status: CommandStatus) throws(PDUDecodeError) -> String {
        let value = try cString(field, max: FieldLimits.time, status: status)
        guard value.isEmpty || value.unicodeScalars.count == 16 else { throw failure(.invalidField(field), status) }
        return value
    }

    mutating func address(_ field: String, max: Int, status: CommandStatus) throws(PDUDecodeError) -> Address {
        let ton = try uint8(field + "_ton")
        let npi = try uint8(field + "_npi")
        let value = try cString(field, max: max, status: status)
        return Address(ton: ton, npi: npi, value)
    }

    /// The TLVs up to the end of the body.
    mutating func optionalParameters() throws(PDUDecodeError) -> OptionalParameters {
        var result: [TLV] = []
        while buffer.readableBytes > 0 {
            guard let rawTag = buffer.readInteger(as: UInt16.self), let length = buffer.readInteger(as: UInt16.self),
                let value = buffer.readBytes(length: Int(length))
            else { throw failure(.invalidTLVStream, .invalidOptionalParameterStream) }
            let tag = TLVTag(rawValue: rawTag)
            if let fixed = tag.fixedLength, fixed != value.count {
                throw failure(.invalidTLVLength(tag), .invalidParameterLength)
            }
            if let maximum = tag.maximumLength, value.count > maximum {
                throw failure(.invalidTLVLength(tag), .invalidParameterLength)
            }
            result.append(TLV(tag, value))
        }
        return OptionalParameters(result)
    }

    /// For PDUs without TLVs: nothing may follow the last mandatory field.
    func expectEnd() throws(PDUDecodeError) {
        guard buffer.readableBytes == 0 else { throw failure(.unexpectedBody, .invalidCommandLength) }
    }
}
