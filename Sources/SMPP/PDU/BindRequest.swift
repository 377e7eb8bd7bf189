/// The body of bind_transmitter, bind_receiver and bind_transceiver (section 4.1.1): who the ESME is.
public struct BindRequest: Hashable, Sendable {
    /// system_id, at most 15 characters.
    public var systemID: String
    /// password, at most 8 characters.
    public var password: String
    /// system_type, at most 12 characters (often empty; some SMSCs use it to pick a service).
    public var systemType: String
    /// interface_version: 0x34 for SMPP 3.4.
    public var interfaceVersion: UInt8
    /// addr_ton, addr_npi and address_range (a regular expression of the addresses this ESME serves, at most 40).
    public var addressRange: Address

    public init(
        systemID: String, password: String, systemType: String = "", interfaceVersion: UInt8 = 0x34,
        addressRange: Address = Address()
    ) {
        self.systemID = systemID
        self.password = password
        self.systemType = systemType
        self.interfaceVersion = interfaceVersion
        self.addressRange = addressRange
    }
}
