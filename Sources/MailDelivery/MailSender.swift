import SMTP

/// Who notices are from, from `sika serve --mail-from`: `notices@sika.example` or `Sika <notices@sika.example>`.
public struct MailSender: Sendable, CustomStringConvertible {
    public let mailbox: Mailbox

    public init(_ text: String) throws(MailDeliveryError) {
        var name: String?
        var address = text.trimmingSpaces
        if address.hasSuffix(">"), let open = address.lastIndex(of: "<") {
            name = String(address[..<open]).trimmingSpaces
            address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
            if let quoted = name, quoted.count >= 2, quoted.hasPrefix("\""), quoted.hasSuffix("\"") {
                name = String(quoted.dropFirst().dropLast())
            }
        }
        do {
            mailbox = try Mailbox(address, displayName: name?.isEmpty == true ? nil : name, field: "from")
        } catch {
            throw MailDeliveryError(.invalidSender, "--mail-from \(text.debugDescription): \(error.message)")
        }
    }

    /// The domain of the address, for the notices' `Message-ID`s.
    public var domain: String { mailbox.address.domain }

    public var description: String { mailbox.description }
}

extension StringProtocol {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
