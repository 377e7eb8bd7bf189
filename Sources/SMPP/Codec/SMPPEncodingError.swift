/// A PDU that cannot be put on the wire as it stands: a field longer than the spec allows, or a character a C-octet
/// string cannot carry. Raised before any byte is written.
public struct SMPPEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The spec's field name, e.g. `source_addr`.
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "cannot encode \(field): \(reason)" }
}
