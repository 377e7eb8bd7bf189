/// An address with an optional display name: `Ama Mensah <ama@example.tg>`.
public struct Mailbox: Sendable, Hashable, CustomStringConvertible {
    /// At most this many characters in a display name.
    public static let maximumDisplayNameLength = 256

    public let displayName: String?
    public let address: EmailAddress

    /// - Parameter field: names the mailbox in errors (`from`, `to[0]`).
    public init(address: EmailAddress, displayName: String? = nil, field: String = "mailbox") throws(SMTPError) {
        if let displayName {
            try HeaderText.validate(displayName, field: field + ".name", maximumLength: Self.maximumDisplayNameLength)
        }
        self.address = address
        self.displayName = displayName?.isEmpty == true ? nil : displayName
    }

    /// Parses the address and checks the name.
    public init(_ address: String, displayName: String? = nil, field: String = "mailbox") throws(SMTPError) {
        try self.init(address: EmailAddress(address, field: field), displayName: displayName, field: field)
    }

    public var description: String {
        displayName.map { "\($0) <\(address)>" } ?? "<\(address)>"
    }
}
