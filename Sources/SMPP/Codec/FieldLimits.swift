/// Maximum sizes of the C-octet string fields, terminating NUL included (section 4, field tables).
enum FieldLimits {
    static let systemID = 16
    static let password = 9
    static let systemType = 13
    static let addressRange = 41
    static let serviceType = 6
    static let address = 21
    static let dataSMAddress = 65
    static let time = 17
    static let messageID = 65
    static let shortMessage = 254
    static let tlvValue = 65535
}
