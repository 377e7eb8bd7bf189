import SMPP

/// An application allowed to bind to the SMPP server (an ESME): who it is, what it owns on the simulated network,
/// and how much it may do. Read from the file `sika serve --esmes` names; the password comes from the secrets.
public struct ESMEAccount: Sendable, Hashable {
    /// system_id, 1 to 15 characters.
    public let systemID: String
    /// 1 to 8 characters (the SMPP 3.4 password field's limit).
    public let password: String
    /// SMS short codes it sends from, and receives the phones' SMS on (`8080`).
    public let shortCodes: [String]
    /// USSD codes whose dialogues it serves (`*384#`, and every `*384*…#`).
    public let ussdCodes: [String]
    /// submit_sm per second (and burst) of each of its binds; nil takes the server's default.
    public let throttle: ThrottleRate?
    /// deliver_sm in flight to each of its binds; nil takes the server's default.
    public let window: Int?
    /// The operator whose mobile-money service this ESME is (Sika's own SMPP client, say): it owns that operator's
    /// USSD code and SMS short code, and the simulated network routes them to it instead of to this process's menus.
    public let servesOperator: String?

    public init(
        systemID: String, password: String, shortCodes: [String] = [], ussdCodes: [String] = [], throttle: ThrottleRate? = nil,
        window: Int? = nil, servesOperator: String? = nil
    ) {
        self.systemID = systemID
        self.password = password
        self.shortCodes = shortCodes
        self.ussdCodes = ussdCodes
        self.throttle = throttle
        self.window = window
        self.servesOperator = servesOperator
    }

    /// The variable (in the secrets file or the environment) that holds an account's password:
    /// `SIKA_ESME_PASSWORD_<SYSTEM_ID>`, the id upper-cased with every other character than A–Z and 0–9 as `_`.
    public static func passwordVariable(systemID: String) -> String {
        let name = systemID.uppercased().unicodeScalars.map { scalar -> Character in
            (("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)) ? Character(scalar) : "_"
        }
        return "SIKA_ESME_PASSWORD_" + String(name)
    }
}
