/// Why some bytes are not a PDU, and what the receiver must answer. Decoding is total: every input is a PDU or one
/// of these.
///
/// | kind | status | framing |
/// | --- | --- | --- |
/// | `invalidCommandLength` (command_length < 16) | ESME_RINVCMDLEN, in a generic_nack | lost: close |
/// | `oversize` (command_length > the configured maximum) | ESME_RINVCMDLEN, in a generic_nack | lost: close |
/// | `unknownCommandID` (not in the spec) | ESME_RINVCMDID, in a generic_nack | kept |
/// | `unsupportedCommand` (in the spec, not decoded here: replace_sm, cancel_sm, submit_multi, outbind, alert_notification) | ESME_RINVCMDID, in a generic_nack | kept |
/// | `truncatedBody` (the body ends inside a mandatory field) | ESME_RINVMSGLEN | kept |
/// | `unexpectedBody` (bytes after a PDU that has no body, e.g. enquire_link) | ESME_RINVCMDLEN | kept |
/// | `invalidField` (a field too long, sm_length > 254, a bad time format) | the field's own status (RINVSRCADR, RINVSYSID, RINVMSGLEN, …) | kept |
/// | `invalidTLVStream` (a TLV header or value that runs past the end of the body) | ESME_RINVOPTPARSTREAM | kept |
/// | `invalidTLVLength` (a known tag with the wrong length) | ESME_RINVPARLEN | kept |
///
/// "kept" errors are answered with the request's own response carrying the status (see `PDU.refusal(of:…)`), or
/// nothing when the broken PDU was itself a response; the connection stays open.
public struct PDUDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case invalidCommandLength
        case oversize
        case unknownCommandID
        case unsupportedCommand
        case truncatedBody(field: String)
        case unexpectedBody
        case invalidField(String)
        case invalidTLVStream
        case invalidTLVLength(TLVTag)
    }

    public var kind: Kind
    /// The status the receiver answers with.
    public var status: CommandStatus
    /// The header as read; fields the input did not contain are 0.
    public var header: PDUHeader
    /// True when the byte stream can no longer be split into PDUs: answer with a generic_nack, then close.
    public var framingLost: Bool

    public init(_ kind: Kind, status: CommandStatus, header: PDUHeader, framingLost: Bool = false) {
        self.kind = kind
        self.status = status
        self.header = header
        self.framingLost = framingLost
    }

    /// The PDU to send back, or nil when the broken PDU was a response (nobody answers a response).
    public var reply: PDU? {
        let sequence = header.sequenceNumber
        switch kind {
        case .invalidCommandLength, .oversize, .unknownCommandID, .unsupportedCommand:
            return .genericNack(status, sequenceNumber: sequence)
        default:
            guard !header.commandID.isResponse else { return nil }
            return .refusal(of: header.commandID, sequenceNumber: sequence, status: status)
        }
    }

    public var description: String {
        "\(kind) in \(header.commandID) seq \(header.sequenceNumber): \(status)\(framingLost ? ", framing lost" : "")"
    }
}
