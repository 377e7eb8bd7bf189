/// The body of submit_sm (section 4.4.1), and of deliver_sm (section 4.6.1), which has the same layout: the SMSC sends
/// deliver_sm with schedule_delivery_time and validity_period empty.
public struct SubmitSM: Hashable, Sendable {
    /// service_type, at most 5 characters; `USSD` marks a USSD dialogue message.
    public var serviceType: String
    /// source_addr_ton, source_addr_npi, source_addr (at most 20 characters).
    public var source: Address
    /// dest_addr_ton, dest_addr_npi, destination_addr (at most 20 characters).
    public var destination: Address
    /// esm_class: bits 5–2 message type (0x04 delivery receipt), bit 6 UDHI (0x40: short_message starts with a UDH).
    public var esmClass: UInt8
    public var protocolID: UInt8
    public var priorityFlag: UInt8
    /// Empty, or the 16-character absolute or relative time format of section 7.1.1.
    public var scheduleDeliveryTime: String
    /// Empty, or the 16-character time format of section 7.1.1.
    public var validityPeriod: String
    /// registered_delivery: bits 1–0 = 01 asks for a delivery receipt on success or failure.
    public var registeredDelivery: UInt8
    public var replaceIfPresentFlag: UInt8
    /// data_coding: 0 SMSC default alphabet (GSM 03.38 here), 3 Latin-1, 8 UCS2; see `DataCoding`.
    public var dataCoding: UInt8
    public var smDefaultMessageID: UInt8
    /// short_message: at most 254 octets, in the encoding data_coding names (a UDH first when esm_class has UDHI).
    public var shortMessage: [UInt8]
    public var options: OptionalParameters

    public init(
        serviceType: String = "", source: Address, destination: Address, esmClass: UInt8 = 0, protocolID: UInt8 = 0,
        priorityFlag: UInt8 = 0, scheduleDeliveryTime: String = "", validityPeriod: String = "", registeredDelivery: UInt8 = 0,
        replaceIfPresentFlag: UInt8 = 0, dataCoding: UInt8 = 0, smDefaultMessageID: UInt8 = 0, shortMessage: [UInt8] = [],
        options: OptionalParameters = []
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.protocolID = protocolID
        self.priorityFlag = priorityFlag
        self.scheduleDeliveryTime = scheduleDeliveryTime
        self.validityPeriod = validityPeriod
        self.registeredDelivery = registeredDelivery
        self.replaceIfPresentFlag = replaceIfPresentFlag
        self.dataCoding = dataCoding
        self.smDefaultMessageID = smDefaultMessageID
        self.shortMessage = shortMessage
        self.options = options
    }

    /// esm_class UDHI (0x40): short_message begins with a user data header.
    public var hasUDH: Bool { esmClass & ESMClass.udhIndicator != 0 }

    /// esm_class message type 0x04: this deliver_sm is a delivery receipt.
    public var isDeliveryReceipt: Bool { esmClass & 0x3C == ESMClass.deliveryReceipt }

    /// The message's user data: message_payload when present, else short_message.
    public var userData: [UInt8] { options.messagePayload ?? shortMessage }
}

/// deliver_sm has exactly submit_sm's body layout.
public typealias DeliverSM = SubmitSM
