/// A request the simulated network refuses, with a stable code (the web API's `error.code`) and the HTTP
/// status that carries it.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Not an MSISDN, an input too long, a dial string missing…
        case malformed = "malformed"
        /// No operator of the catalog owns the number.
        case unknownOperator = "unknown_operator"
        /// No such phone on the network.
        case unknownPhone = "unknown_phone"
        /// No such session, or it is over.
        case unknownSession = "unknown_session"
        /// A step of the session is still running.
        case busy = "busy"
        /// As many phones (or watchers) as the network holds.
        case full = "full"
        /// No operator and no application has this SMS short code.
        case unknownShortCode = "unknown_short_code"
        /// The application behind a short code cannot take the message now.
        case unreachable = "unreachable"

        public var httpStatus: Int {
            switch self {
            case .malformed, .unknownOperator: 400
            case .unknownPhone, .unknownSession, .unknownShortCode: 404
            case .busy, .full: 409
            case .unreachable: 503
            }
        }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
