/// The tag of an optional parameter (TLV, section 5.3.2). Any 16-bit tag decodes; the named ones are those this
/// library gives typed accessors or length checks.
public struct TLVTag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let destinationAddressSubunit = TLVTag(rawValue: 0x0005)
    public static let receiptedMessageID = TLVTag(rawValue: 0x001E)
    public static let scInterfaceVersion = TLVTag(rawValue: 0x0210)
    public static let userMessageReference = TLVTag(rawValue: 0x0204)
    public static let sourcePort = TLVTag(rawValue: 0x020A)
    public static let destinationPort = TLVTag(rawValue: 0x020B)
    public static let sarMsgRefNum = TLVTag(rawValue: 0x020C)
    public static let sarTotalSegments = TLVTag(rawValue: 0x020E)
    public static let sarSegmentSeqnum = TLVTag(rawValue: 0x020F)
    public static let payloadType = TLVTag(rawValue: 0x0019)
    public static let messagePayload = TLVTag(rawValue: 0x0424)
    public static let messageState = TLVTag(rawValue: 0x0427)
    public static let networkErrorCode = TLVTag(rawValue: 0x0423)
    public static let moreMessagesToSend = TLVTag(rawValue: 0x0426)
    public static let ussdServiceOp = TLVTag(rawValue: 0x0501)
    public static let itsSessionInfo = TLVTag(rawValue: 0x1383)

    /// The exact value length the spec gives this tag, or nil when the length varies (or the tag is not one of ours).
    /// The decoder refuses a known tag with another length: ESME_RINVPARLEN.
    public var fixedLength: Int? {
        switch self {
        case .scInterfaceVersion, .sarTotalSegments, .sarSegmentSeqnum, .payloadType, .messageState, .moreMessagesToSend,
            .ussdServiceOp:
            1
        case .userMessageReference, .sourcePort, .destinationPort, .sarMsgRefNum, .itsSessionInfo: 2
        case .networkErrorCode: 3
        default: nil
        }
    }

    /// The largest value length the spec allows for a variable-length tag we know (receipted_message_id is a
    /// C-octet string of at most 65 octets; message_payload at most 64 KiB − 1).
    public var maximumLength: Int? {
        switch self {
        case .receiptedMessageID: 65
        case .destinationAddressSubunit: 1
        default: fixedLength
        }
    }

    public var description: String { "0x" + String(rawValue, radix: 16, uppercase: true) }
}
