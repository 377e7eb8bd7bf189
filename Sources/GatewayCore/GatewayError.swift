/// A refused line or request, with the line protocol's stable code (`ERR <session or -> <code> <message>`).
///
/// The HTTP front maps the same codes to its status codes, so an operator sees one vocabulary.
public struct GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The protocol's error codes (see `docs/PROTOCOL.md`).
    public enum Code: Int, Sendable, Hashable, CaseIterable {
        case malformed = 400
        case notAuthenticated = 401
        case forbidden = 403
        case unknownSession = 404
        case conflict = 409
        case lineTooLong = 413
        case rateLimited = 429
        case unavailable = 503
    }

    public let code: Code
    /// The session the refused line named, when it could be parsed.
    public let session: String?
    public let message: String

    public init(_ code: Code, session: String? = nil, _ message: String) {
        self.code = code
        self.session = session
        self.message = message
    }

    public var description: String { "\(session ?? "-") \(code.rawValue) \(message)" }
}
