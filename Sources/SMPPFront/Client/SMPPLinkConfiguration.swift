import NIOCore

/// One bind of the mobile-money service to an operator's SMSC / USSD gateway (`sika serve --smpp-connect
/// OPERATOR=HOST:PORT`): the operator whose subscribers it serves, where it connects, who it binds as.
public struct SMPPLinkConfiguration: Sendable {
    /// The operator this bind serves: its USSD dialogues, its subscribers' receipts, its MO SMS.
    public var operatorID: String
    public var host: String
    public var port: Int
    public var systemID: String
    public var password: String
    public var systemType = ""
    /// submit_sm in flight before more wait (the SMSC's window).
    public var window = 10
    /// submit_sm per second this bind sends at most (the SMSC's throttle); nil: as fast as the window allows.
    public var throttle: Double?
    /// The wait before connecting again after a failure; doubles up to `maximumReconnectDelay`.
    public var reconnectDelay: Duration = .seconds(1)
    public var maximumReconnectDelay: Duration = .seconds(30)
    public var enquireLinkInterval: TimeAmount = .seconds(30)
    public var deadPeerTimeout: TimeAmount = .seconds(10)
    public var requestTimeout: TimeAmount = .seconds(30)

    public init(operatorID: String, host: String, port: Int, systemID: String, password: String) {
        self.operatorID = operatorID
        self.host = host
        self.port = port
        self.systemID = systemID
        self.password = password
    }

    /// The secrets (or environment) variables of an operator's bind: `SIKA_SMPP_SYSTEM_ID_TMONEY`, `SIKA_SMPP_PASSWORD_TMONEY`.
    public static func credentialVariables(operatorID: String) -> (systemID: String, password: String) {
        let name = operatorID.uppercased()
        return ("SIKA_SMPP_SYSTEM_ID_\(name)", "SIKA_SMPP_PASSWORD_\(name)")
    }

    /// Parses `OPERATOR=HOST:PORT` and takes the credentials from `secrets`.
    public static func parse(_ text: String, secrets: [String: String]) throws(SMPPFrontError) -> SMPPLinkConfiguration {
        func invalid(_ message: String) -> SMPPFrontError { SMPPFrontError(.invalidConfiguration, message) }
        guard let equals = text.firstIndex(of: "="), let colon = text.lastIndex(of: ":"), equals < colon else {
            throw invalid("--smpp-connect takes OPERATOR=HOST:PORT (tmoney=smsc.example:2775), got \(text)")
        }
        let operatorID = String(text[..<equals])
        let host = String(text[text.index(after: equals)..<colon])
        guard !operatorID.isEmpty, !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw invalid("--smpp-connect takes OPERATOR=HOST:PORT (tmoney=smsc.example:2775), got \(text)")
        }
        let variables = credentialVariables(operatorID: operatorID)
        guard let systemID = secrets[variables.systemID], !systemID.isEmpty, let password = secrets[variables.password], !password.isEmpty else {
            throw SMPPFrontError(
                .missingSecret, "no SMPP credentials for \(operatorID): set \(variables.systemID) and \(variables.password) in the secrets file")
        }
        return SMPPLinkConfiguration(operatorID: operatorID, host: host, port: port, systemID: systemID, password: password)
    }
}
