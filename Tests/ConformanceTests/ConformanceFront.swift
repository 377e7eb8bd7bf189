/// One front as the conformance table drives it: each intent in the front's own wire form, each answer
/// normalised to an ``Outcome``. Adding a front (SMPP, the web phone) is one more adapter: the table
/// does not change, because its expectations depend on a front's ``FrontTraits``, never on its name.
protocol ConformanceFront: Sendable {
    /// For test names and failure messages.
    var name: String { get }
    var traits: FrontTraits { get }

    /// A phone dials `dial` (a service code, maybe with answers), sent with `credential`.
    func begin(session: String, caller: String, dial: String, credential: Credential) async throws -> Outcome
    /// The subscriber's answer on the session's current screen.
    func answer(session: String, input: String) async throws -> Outcome
    /// The phone or the network releases the session.
    func abort(session: String) async throws -> Outcome
    /// The session's last request sent again unchanged, as a gateway that timed out does.
    func retryLast(session: String) async throws -> Outcome
    /// An answer under a session id this front never saw, for `caller`.
    func answerUnknown(session: String, caller: String, input: String) async throws -> Outcome
    /// `caller` checks their balance with `pin`: the balance menu on the USSD fronts, a token and
    /// `verify-balance` on the JSON API.
    func checkBalance(session: String, caller: String, pin: String, credential: Credential) async throws -> Outcome
    /// `from` sends `amount` to `to` under `key` (the session id on USSD, the Idempotency-Key on the API).
    func transfer(key: String, from: String, to: String, amount: Int64, pin: String) async throws -> Outcome
    /// A request this front cannot parse.
    func malformed() async throws -> Outcome
    /// One request larger than this front accepts.
    func oversize() async throws -> Outcome
    func close() async
}

/// What the table's expectations depend on.
struct FrontTraits: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// Drives USSD menu sessions: the line socket, `POST /ussd`, the web simulator's API and SMPP.
        case menus
        /// The JSON API for apps: no menu sessions.
        case api
    }

    let kind: Kind
    /// Whether each request repeats every answer so far (`POST /ussd`'s `text`). Such a request can be
    /// retried as it is, so the front keeps an ended session's id to answer its final request again.
    /// A stream front (the socket, SMPP) sends only the newest answer over an ordered connection: there
    /// is nothing to retry, and an id is free again once its session ended.
    let requestsCarryHistory: Bool
    /// Whether session ids belong to one connection (the socket, an SMPP bind), or are global to the
    /// front because it has no connection to scope them by (`POST /ussd`).
    let sessionIDsPerConnection: Bool
    /// Whether the network can release a session (`ABORT`); the callback convention has no such request.
    let releasesSessions: Bool
    /// Whether a session is known by its caller and its id together (SMPP: the phone's number and the
    /// its_session_info session number), so that another caller's id cannot name it.
    var sessionsScopedByCaller = false
    /// Whether a request proves who sends it (a token, an aggregator secret). The web simulator has no
    /// credential: it answers clients on the server's own machine only, and a phone is its number's operator's.
    var authenticates = true
    /// Whether the caller names its sessions. The web simulator names them itself (`web-7`), so no caller can
    /// begin a session under an id another one uses.
    var callersNameSessions = true

    static let socket = FrontTraits(kind: .menus, requestsCarryHistory: false, sessionIDsPerConnection: true, releasesSessions: true)
    static let callback = FrontTraits(kind: .menus, requestsCarryHistory: true, sessionIDsPerConnection: false, releasesSessions: false)
    static let api = FrontTraits(kind: .api, requestsCarryHistory: false, sessionIDsPerConnection: false, releasesSessions: false)
    static let simulator = FrontTraits(
        kind: .menus, requestsCarryHistory: false, sessionIDsPerConnection: false, releasesSessions: true, authenticates: false,
        callersNameSessions: false)
    static let smpp = FrontTraits(
        kind: .menus, requestsCarryHistory: false, sessionIDsPerConnection: true, releasesSessions: true, sessionsScopedByCaller: true)
}

/// How a request proves who sends it.
enum Credential: Sendable, Hashable {
    /// The caller's own: its operator's gateway or aggregator credential; on the API its own token.
    case own
    /// The credential belonging to this other subscriber: their operator's on the USSD fronts, their token on the API.
    case of(String)
    /// No credential at all.
    case none
    /// A credential that is not one.
    case wrong
}

/// A front's answer, normalised: every front maps its wire form (`CON`/`END`/`ERR <id> <code>`, HTTP
/// status and `END …`, JSON errors) to these.
enum Outcome: Sendable, Hashable, CustomStringConvertible {
    /// A screen waiting for input.
    case screen(String)
    /// The session's last screen, or an API success.
    case final(String)
    /// Refused with this code (the line protocol's codes, HTTP statuses).
    case refused(Int)
    /// Accepted with nothing to show (`ABORT`).
    case released
    /// The front has no such request.
    case unsupported
    /// A world-level step was done.
    case done
    /// A balance read from the ledger.
    case balance(Int64)
    /// E-mail notices counted in the mail outbox.
    case mails(Int)
    /// An answer outside the front's documented forms: matches no expectation.
    case unexpected(String)

    var description: String {
        switch self {
        case .screen(let text): "screen(\(text.debugDescription))"
        case .final(let text): "final(\(text.debugDescription))"
        case .refused(let code): "refused(\(code))"
        case .released: "released"
        case .unsupported: "unsupported"
        case .done: "done"
        case .balance(let amount): "balance(\(amount))"
        case .mails(let count): "mails(\(count))"
        case .unexpected(let text): "unexpected(\(text.debugDescription))"
        }
    }
}
