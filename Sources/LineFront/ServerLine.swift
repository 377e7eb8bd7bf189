import GatewayCore

/// A line the server sends.
public enum ServerLine: Sendable, Hashable {
    /// `OK HELLO <operator>`
    case helloAccepted(operatorID: String)
    /// `CON <session> <text>`: show the text and wait for input.
    case screen(session: String, text: String)
    /// `END <session> <text>`: show the text; the session is over.
    case end(session: String, text: String)
    /// `SMS <shortcode> <msisdn> <text>`: mobile-terminated.
    case sms(shortCode: String, msisdn: String, text: String)
    /// `PONG <token>`
    case pong(token: String)
    /// `ERR <session or -> <code> <message>`
    case error(GatewayError)

    /// The line without its LF, text fields escaped.
    public var rendered: String {
        switch self {
        case .helloAccepted(let operatorID): "OK HELLO \(operatorID)"
        case .screen(let session, let text): "CON \(session) \(LineText.escape(text))"
        case .end(let session, let text): "END \(session) \(LineText.escape(text))"
        case .sms(let shortCode, let msisdn, let text): "SMS \(shortCode) \(msisdn) \(LineText.escape(text))"
        case .pong(let token): "PONG \(token)"
        case .error(let error): "ERR \(error.session ?? "-") \(error.code.rawValue) \(LineText.escape(error.message))"
        }
    }
}

extension ServerLine {
    /// Parses a line the server sent (terminator removed): the client side of the protocol, used by
    /// `sika phone`, the socket script target and the benchmark.
    public static func parse(_ line: String) -> ServerLine? {
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let rest = parts[1]
        func fields(_ count: Int) -> [Substring]? {
            let fields = rest.split(separator: " ", maxSplits: count - 1, omittingEmptySubsequences: false)
            return fields.count == count ? fields : nil
        }
        switch parts[0] {
        case "OK":
            guard let f = fields(2), f[0] == "HELLO" else { return nil }
            return .helloAccepted(operatorID: String(f[1]))
        case "CON":
            guard let f = fields(2) else { return nil }
            return .screen(session: String(f[0]), text: LineText.unescape(f[1]))
        case "END":
            guard let f = fields(2) else { return nil }
            return .end(session: String(f[0]), text: LineText.unescape(f[1]))
        case "SMS":
            guard let f = fields(3) else { return nil }
            return .sms(shortCode: String(f[0]), msisdn: String(f[1]), text: LineText.unescape(f[2]))
        case "PONG":
            return .pong(token: String(rest))
        case "ERR":
            guard let f = fields(3), let raw = Int(f[1]), let code = GatewayError.Code(rawValue: raw) else { return nil }
            return .error(GatewayError(code, session: f[0] == "-" ? nil : String(f[0]), LineText.unescape(f[2])))
        default:
            return nil
        }
    }
}
