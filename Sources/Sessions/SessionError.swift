/// Why a session step was refused. Codes follow the line protocol's (`ERR <session> <code> …`).
public struct SessionError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Int, Sendable, Hashable {
        /// The dial string names no service, or is malformed.
        case malformed = 400
        /// No such session, or it expired.
        case unknownSession = 404
        /// The session id is in use, or a reply for it is still being computed.
        case conflict = 409
        /// This MSISDN starts sessions faster than a person can dial.
        case rateLimited = 429
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue) \(message)" }
}
