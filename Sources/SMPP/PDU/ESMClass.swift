/// esm_class bits this library sets or reads (section 5.2.12).
public enum ESMClass {
    /// Message type "SMSC delivery receipt" (bits 5–2 = 0001).
    public static let deliveryReceipt: UInt8 = 0x04
    /// UDHI: the user data starts with a user data header.
    public static let udhIndicator: UInt8 = 0x40
}
