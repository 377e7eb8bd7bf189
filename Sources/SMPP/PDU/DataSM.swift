/// The body of data_sm (section 4.7.1): like submit_sm, without the short_message field; the text goes in
/// message_payload. Addresses may be up to 64 characters here.
public struct DataSM: Hashable, Sendable {
    public var serviceType: String
    public var source: Address
    public var destination: Address
    public var esmClass: UInt8
    public var registeredDelivery: UInt8
    public var dataCoding: UInt8
    public var options: OptionalParameters

    public init(
        serviceType: String = "", source: Address, destination: Address, esmClass: UInt8 = 0, registeredDelivery: UInt8 = 0,
        dataCoding: UInt8 = 0, options: OptionalParameters = []
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.registeredDelivery = registeredDelivery
        self.dataCoding = dataCoding
        self.options = options
    }
}
