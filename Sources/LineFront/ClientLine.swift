import GatewayCore

/// A line from an operator's gateway (or a test harness), parsed and checked for syntax.
public enum ClientLine: Sendable, Hashable {
    /// `HELLO <operator> <token>`
    case hello(operatorID: String, token: String)
    /// `BEGIN <session> <msisdn> <ussd-string>`
    case begin(session: String, msisdn: String, dial: String)
    /// `CONTINUE <session> <input>`
    case `continue`(session: String, input: String)
    /// `ABORT <session>` (the network released it: resumable) or `ABORT <session> cancel` (the subscriber cancelled).
    case abort(session: String, cancelled: Bool = false)
    /// `SMS <msisdn> <shortcode> <text>`: mobile-originated.
    case sms(msisdn: String, shortCode: String, text: String)
    /// `PING <token>`
    case ping(token: String)

    /// The line without its LF, text fields escaped: what ``parse(_:)`` reads back. The one place a client
    /// line is written (``LineClient``, the web phone's transcript, the benchmark's journeys).
    public var rendered: String {
        switch self {
        case .hello(let operatorID, let token): "HELLO \(operatorID) \(token)"
        case .begin(let session, let msisdn, let dial): "BEGIN \(session) \(msisdn) \(dial)"
        case .continue(let session, let input): "CONTINUE \(session) \(LineText.escape(input))"
        case .abort(let session, let cancelled): cancelled ? "ABORT \(session) cancel" : "ABORT \(session)"
        case .sms(let msisdn, let shortCode, let text): "SMS \(msisdn) \(shortCode) \(LineText.escape(text))"
        case .ping(let token): "PING \(token)"
        }
    }

    /// Parses one line (terminator already removed). Words are separated by one space and the last field
    /// is the rest of the line, so a text field keeps its spaces.
    public static func parse(_ line: String) throws(GatewayError) -> ClientLine {
        let verbEnd = line.firstIndex(of: " ") ?? line.endIndex
        let verb = line[..<verbEnd]
        let rest = verbEnd == line.endIndex ? nil : line[line.index(after: verbEnd)...]
        switch verb {
        case "HELLO":
            let fields = try split(rest, into: 2, usage: "HELLO <operator> <token>")
            guard !fields[0].isEmpty, !fields[1].isEmpty else { throw GatewayError(.malformed, "usage: HELLO <operator> <token>") }
            return .hello(operatorID: String(fields[0]), token: String(fields[1]))
        case "BEGIN":
            let fields = try split(rest, into: 3, usage: "BEGIN <session> <msisdn> <ussd-string>")
            let session = try sessionID(fields[0])
            guard WireIdentifiers.isMSISDN(fields[1]) else { throw GatewayError(.malformed, session: session, "bad MSISDN (E.164 digits without +)") }
            guard !fields[2].isEmpty else { throw GatewayError(.malformed, session: session, "empty USSD string") }
            return .begin(session: session, msisdn: String(fields[1]), dial: String(fields[2]))
        case "CONTINUE":
            let fields = try split(rest, into: 2, usage: "CONTINUE <session> <input>")
            return .continue(session: try sessionID(fields[0]), input: LineText.unescape(fields[1]))
        case "ABORT":
            guard let rest, let space = rest.firstIndex(of: " ") else {
                let fields = try split(rest, into: 1, usage: "ABORT <session> [cancel]")
                return .abort(session: try sessionID(fields[0]))
            }
            let session = try sessionID(rest[..<space])
            guard rest[rest.index(after: space)...] == "cancel" else {
                throw GatewayError(.malformed, session: session, "usage: ABORT <session> [cancel]")
            }
            return .abort(session: session, cancelled: true)
        case "SMS":
            let fields = try split(rest, into: 3, usage: "SMS <msisdn> <shortcode> <text>")
            guard WireIdentifiers.isMSISDN(fields[0]) else { throw GatewayError(.malformed, "bad MSISDN (E.164 digits without +)") }
            guard !fields[1].isEmpty, fields[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw GatewayError(.malformed, "bad short code")
            }
            return .sms(msisdn: String(fields[0]), shortCode: String(fields[1]), text: LineText.unescape(fields[2]))
        case "PING":
            let fields = try split(rest, into: 1, usage: "PING <token>")
            guard !fields[0].isEmpty else { throw GatewayError(.malformed, "usage: PING <token>") }
            return .ping(token: String(fields[0]))
        case "":
            throw GatewayError(.malformed, "empty line")
        default:
            throw GatewayError(.malformed, "unknown verb")
        }
    }

    /// Session ids are 1–64 characters of `A-Z a-z 0-9 . _ : -`.
    private static func sessionID(_ text: Substring) throws(GatewayError) -> String {
        guard WireIdentifiers.isSessionID(text) else { throw GatewayError(.malformed, "bad session id (1-64 of A-Z a-z 0-9 . _ : -)") }
        return String(text)
    }

    /// Exactly `count` fields, the last one the rest of the line.
    private static func split(_ rest: Substring?, into count: Int, usage: String) throws(GatewayError) -> [Substring] {
        guard let rest else { throw GatewayError(.malformed, "usage: \(usage)") }
        let fields = rest.split(separator: " ", maxSplits: count - 1, omittingEmptySubsequences: false)
        guard fields.count == count else { throw GatewayError(.malformed, "usage: \(usage)") }
        return fields
    }
}
