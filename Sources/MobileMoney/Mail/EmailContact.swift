import SMTP

/// An e-mail address with an optional display name, checked by the rules the SMTP client sends by
/// (`EmailAddress`, `Mailbox`), so an address or name accepted here can always go into a header and an
/// envelope, and can never add a line to either.
///
/// Refused: an address that is not a plain `local@host.name` (no spaces, no quoting, no control characters,
/// ASCII only, at most 254 characters); a display name with a control character (CR, LF, NUL, TAB…), a Unicode
/// line or paragraph separator, an encoded-word marker (`=?`), or over 64 characters.
public struct EmailContact: Sendable, Hashable {
    /// At most this many characters in a display name.
    public static let maximumDisplayNameLength = 64

    public let address: String
    /// Nil when none was given (or an empty one).
    public let displayName: String?

    /// - Throws: `MobileMoneyError(.invalidEmail)` naming the field (`address` or `displayName`) in `field`.
    public init(address: String, displayName: String? = nil) throws(MobileMoneyError) {
        let problems = Self.problems(address: address, displayName: displayName)
        if let (field, reason) = problems.sorted(by: { $0.key < $1.key }).first {
            throw MobileMoneyError(.invalidEmail, reason, field: field)
        }
        self.address = address
        self.displayName = displayName?.isEmpty == true ? nil : displayName
    }

    /// What is wrong with each field, by field name (`address`, `displayName`); empty when both are acceptable.
    public static func problems(address: String, displayName: String?) -> [String: String] {
        var problems: [String: String] = [:]
        do {
            _ = try EmailAddress(address, field: "address")
        } catch {
            problems["address"] = "must be a plain e-mail address such as name@example.com (\(error.message))"
        }
        if let displayName {
            if displayName.count > maximumDisplayNameLength {
                problems["displayName"] = "must be at most \(maximumDisplayNameLength) characters"
            } else if displayName.contains("=?") {
                problems["displayName"] = "must not contain '=?'"
            } else {
                do {
                    _ = try Mailbox(address: EmailAddress("checked@example.com"), displayName: displayName, field: "displayName")
                } catch {
                    problems["displayName"] = "must be one line of text, without control characters"
                }
            }
        }
        return problems
    }
}
