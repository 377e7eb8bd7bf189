/// A mail delivery setting that cannot be used (`--smtp`, `--mail-from`, the password). `code` is stable.
public struct MailDeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The `--smtp` URL does not parse, or names an unknown scheme or option.
        case invalidRelayURL = "invalid_relay_url"
        /// A password in the URL (it belongs in the secrets file), or a user without a password.
        case credentials
        /// The `--mail-from` address or name cannot go into a header.
        case invalidSender = "invalid_sender"
        /// A certificate file named by the URL cannot be read.
        case certificate
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
