/// The TLVs of one PDU, in wire order. Unknown tags are kept as they came, so a PDU re-encodes unchanged.
public struct OptionalParameters: Hashable, Sendable, ExpressibleByArrayLiteral, Sequence {
    public var all: [TLV]

    public init(_ all: [TLV] = []) { self.all = all }

    public init(arrayLiteral elements: TLV...) { self.all = elements }

    public func makeIterator() -> IndexingIterator<[TLV]> { all.makeIterator() }

    public var isEmpty: Bool { all.isEmpty }

    /// The raw value of the first TLV with this tag.
    public subscript(tag: TLVTag) -> [UInt8]? {
        get { all.first { $0.tag == tag }?.value }
        set {
            all.removeAll { $0.tag == tag }
            if let newValue { all.append(TLV(tag, newValue)) }
        }
    }

    func uint8(_ tag: TLVTag) -> UInt8? {
        guard let value = self[tag], value.count == 1 else { return nil }
        return value[0]
    }

    func uint16(_ tag: TLVTag) -> UInt16? {
        guard let value = self[tag], value.count == 2 else { return nil }
        return UInt16(value[0]) << 8 | UInt16(value[1])
    }

    func cString(_ tag: TLVTag) -> String? {
        guard var value = self[tag] else { return nil }
        if value.last == 0 { value.removeLast() }
        return String(decoding: value, as: Latin1.self)
    }
}

extension OptionalParameters {
    /// message_payload (0x0424): the whole message when it does not fit short_message (sm_length is then 0).
    public var messagePayload: [UInt8]? {
        get { self[.messagePayload] }
        set { self[.messagePayload] = newValue }
    }

    /// receipted_message_id (0x001E): the SMSC message id a delivery receipt is about.
    public var receiptedMessageID: String? {
        get { cString(.receiptedMessageID) }
        set { self[.receiptedMessageID] = newValue.map { TLV.cString(.receiptedMessageID, $0).value } }
    }

    /// message_state (0x0427): the final state a delivery receipt reports.
    public var messageState: MessageState? {
        get { uint8(.messageState).flatMap(MessageState.init(rawValue:)) }
        set { self[.messageState] = newValue.map { [$0.rawValue] } }
    }

    /// user_message_reference (0x0204): the ESME's own reference for a message.
    public var userMessageReference: UInt16? {
        get { uint16(.userMessageReference) }
        set { self[.userMessageReference] = newValue.map { TLV.uint16(.userMessageReference, $0).value } }
    }

    /// ussd_service_op (0x0501): which USSD operation this message carries.
    public var ussdServiceOp: USSDServiceOp? {
        get { uint8(.ussdServiceOp).flatMap(USSDServiceOp.init(rawValue:)) }
        set { self[.ussdServiceOp] = newValue.map { [$0.rawValue] } }
    }

    /// The raw ussd_service_op octet, including values this library does not name.
    public var rawUSSDServiceOp: UInt8? { uint8(.ussdServiceOp) }

    /// its_session_info (0x1383): the USSD dialogue number, sequence and end-of-session flag.
    public var itsSessionInfo: ITSSessionInfo? {
        get { self[.itsSessionInfo].flatMap(ITSSessionInfo.init(octets:)) }
        set { self[.itsSessionInfo] = newValue?.octets }
    }

    /// sar_msg_ref_num (0x020C): the reference shared by the segments of one long message.
    public var sarMessageReference: UInt16? {
        get { uint16(.sarMsgRefNum) }
        set { self[.sarMsgRefNum] = newValue.map { TLV.uint16(.sarMsgRefNum, $0).value } }
    }

    /// sar_total_segments (0x020E).
    public var sarTotalSegments: UInt8? {
        get { uint8(.sarTotalSegments) }
        set { self[.sarTotalSegments] = newValue.map { [$0] } }
    }

    /// sar_segment_seqnum (0x020F), 1-based.
    public var sarSegmentSequenceNumber: UInt8? {
        get { uint8(.sarSegmentSeqnum) }
        set { self[.sarSegmentSeqnum] = newValue.map { [$0] } }
    }

    /// source_port (0x020A): application port addressing, source side.
    public var sourcePort: UInt16? {
        get { uint16(.sourcePort) }
        set { self[.sourcePort] = newValue.map { TLV.uint16(.sourcePort, $0).value } }
    }

    /// destination_port (0x020B): application port addressing, destination side.
    public var destinationPort: UInt16? {
        get { uint16(.destinationPort) }
        set { self[.destinationPort] = newValue.map { TLV.uint16(.destinationPort, $0).value } }
    }

    /// sc_interface_version (0x0210) in a bind response: the SMPP version the SMSC supports (0x34).
    public var scInterfaceVersion: UInt8? {
        get { uint8(.scInterfaceVersion) }
        set { self[.scInterfaceVersion] = newValue.map { [$0] } }
    }

    /// network_error_code (0x0423): network type (1 ANSI-136, 2 IS-95, 3 GSM) and a 2-octet error code.
    public var networkErrorCode: (type: UInt8, code: UInt16)? {
        guard let value = self[.networkErrorCode], value.count == 3 else { return nil }
        return (value[0], UInt16(value[1]) << 8 | UInt16(value[2]))
    }
}
