/// Why the SMPP front cannot start as configured: an ESME file that does not read, a missing password, a code two
/// owners claim. `code` is stable; the message names the file and the entry.
public struct SMPPFrontError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The ESME file does not parse, or an entry breaks a rule.
        case invalidAccounts = "invalid_accounts"
        /// A credential is missing from the secrets file and the environment.
        case missingSecret = "missing_secret"
        /// A `--smpp-connect` value or another setting is wrong.
        case invalidConfiguration = "invalid_configuration"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
