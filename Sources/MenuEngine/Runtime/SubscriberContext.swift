/// Who is dialling, as the host knows them when a session begins.
///
/// The engine exposes these to menus as variables: `subscriber.msisdn`, `subscriber.operator`,
/// `subscriber.registered` (`true`/`false`), `subscriber.language` and, when known,
/// `subscriber.name`. Changing `subscriber.language` (a screen's `set:`) switches the language
/// the rest of the session is rendered in.
public struct SubscriberContext: Sendable, Hashable, Codable {
    /// The caller, `228XXXXXXXX`.
    public var msisdn: String
    /// The caller's operator id (`tmoney`, `flooz`).
    public var operatorID: String
    /// Whether the caller has a wallet.
    public var registered: Bool
    /// `fr` or `en`; a language the service does not have falls back to its first one.
    public var language: String
    /// The wallet holder's name, when registered.
    public var name: String?

    /// A subscriber context.
    public init(msisdn: String, operatorID: String, registered: Bool, language: String = "fr", name: String? = nil) {
        self.msisdn = msisdn
        self.operatorID = operatorID
        self.registered = registered
        self.language = language
        self.name = name
    }

    /// The session variables this context provides.
    public var variables: [String: String] {
        var variables = [
            Self.msisdnVariable: msisdn,
            Self.operatorVariable: operatorID,
            Self.registeredVariable: registered ? "true" : "false",
            Self.languageVariable: language,
        ]
        if let name { variables[Self.nameVariable] = name }
        return variables
    }

    /// The variable holding the caller's number.
    public static let msisdnVariable = "subscriber.msisdn"
    /// The variable holding the caller's operator id.
    public static let operatorVariable = "subscriber.operator"
    /// The variable holding `true` or `false`.
    public static let registeredVariable = "subscriber.registered"
    /// The variable holding the session's language; the renderer reads it on every reply.
    public static let languageVariable = "subscriber.language"
    /// The variable holding the caller's name (not always set).
    public static let nameVariable = "subscriber.name"
    /// The variables every session has from the start (``nameVariable`` is not one of them).
    public static let guaranteedVariables: Set<String> = [msisdnVariable, operatorVariable, registeredVariable, languageVariable]
}
