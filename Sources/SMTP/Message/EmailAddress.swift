/// An addr-spec (`local@domain`) checked pragmatically at construction, so it can go into `MAIL FROM:<…>`,
/// `RCPT TO:<…>` and a header without escaping and without being able to add anything to either.
///
/// Accepted: a dot-atom local part of at most 64 octets (letters, digits and ``atext`` punctuation, dots not
/// leading, trailing or doubled), `@`, and a host name of LDH labels (each 1–63 octets, no leading or trailing
/// hyphen, at most 253 octets), 254 octets in all. Refused: quoted local parts, address literals, comments,
/// non-ASCII (IDN and SMTPUTF8 are out of scope), and anything with spaces or control characters.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let localPart: String
    /// The domain as written; compare domains case-insensitively.
    public let domain: String

    /// - Parameter field: names the address in the error (`to[1]`, `from`), for a field error at the API.
    public init(_ address: String, field: String = "address") throws(SMTPError) {
        func refuse(_ why: String) -> SMTPError {
            SMTPError(.invalidAddress, "not an acceptable e-mail address: \(why)", field: field)
        }
        let bytes = Array(address.utf8)
        guard !bytes.isEmpty else { throw refuse("empty") }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw refuse("control characters, spaces or non-ASCII characters")
        }
        guard bytes.count <= 254 else { throw refuse("longer than 254 characters") }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { throw refuse("no @") }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.count <= 64 else { throw refuse("the part before @ must be 1 to 64 characters") }
        guard Self.isDotAtom(local) else { throw refuse("the part before @ has characters that need quoting") }
        guard Self.isHostName(domain) else { throw refuse("the part after @ is not a host name") }
        self.localPart = String(decoding: local, as: UTF8.self)
        self.domain = String(decoding: domain, as: UTF8.self)
    }

    public var description: String { "\(localPart)@\(domain)" }

    /// RFC 5322 atext: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
        }
    }

    /// dot-atom-text: atext runs separated by single dots.
    static func isDotAtom(_ bytes: some BidirectionalCollection<UInt8>) -> Bool {
        guard let first = bytes.first, first != UInt8(ascii: "."), bytes.last != UInt8(ascii: ".") else { return false }
        var previousWasDot = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return false }
                previousWasDot = true
            } else {
                guard isAtext(byte) else { return false }
                previousWasDot = false
            }
        }
        return true
    }

    /// LDH labels separated by dots (a single label such as `localhost` is accepted).
    static func isHostName(_ bytes: some BidirectionalCollection<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard !label.isEmpty, label.count <= 63,
                label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
            return label.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
        }
    }
}
