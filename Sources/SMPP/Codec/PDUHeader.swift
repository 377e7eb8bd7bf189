/// The 16-octet header every PDU starts with (section 2.2.1), all four fields big-endian.
public struct PDUHeader: Hashable, Sendable {
    public static let size = 16

    /// command_length: the whole PDU, header included.
    public var commandLength: UInt32
    public var commandID: CommandID
    public var status: CommandStatus
    public var sequenceNumber: UInt32

    public init(commandLength: UInt32, commandID: CommandID, status: CommandStatus, sequenceNumber: UInt32) {
        self.commandLength = commandLength
        self.commandID = commandID
        self.status = status
        self.sequenceNumber = sequenceNumber
    }
}
