import Testing

/// One thing a case does, on a front or to the world.
enum Action: Sendable, CustomStringConvertible {
    case begin(session: String, caller: String, dial: String, credential: Credential = .own)
    case answer(session: String, input: String)
    case abort(session: String)
    case retryLast(session: String)
    case answerUnknown(session: String, caller: String, input: String)
    case checkBalance(caller: String, pin: String, credential: Credential = .own)
    case transfer(key: String, from: String, to: String, amount: Int64, pin: String)
    case malformed
    case oversize
    /// The server starts shutting down (`503` for new sessions).
    case drain
    /// Time passes (longer than a configured timeout: never a synchronisation).
    case wait(Duration)
    /// The wallet's balance, read from the ledger.
    case balanceOf(String)
    /// The e-mail notices written for a subscriber (to a verified address), read from the mail outbox.
    case mailsTo(String)

    var description: String {
        switch self {
        case .begin(let session, let caller, let dial, let credential):
            "\(session): \(caller) dials `\(dial)`\(credential.note)"
        case .answer(let session, let input): "\(session): answer `\(input)`"
        case .abort(let session): "\(session): the network releases it"
        case .retryLast(let session): "\(session): the last request again"
        case .answerUnknown(let session, let caller, let input): "\(session) (never begun): \(caller) answers `\(input)`"
        case .checkBalance(let caller, let pin, let credential): "\(caller) checks the balance with PIN \(pin)\(credential.note)"
        case .transfer(let key, let from, let to, let amount, let pin): "\(key): \(from) sends \(amount) to \(to), PIN \(pin)"
        case .malformed: "a request that does not parse"
        case .oversize: "a request over the size limit"
        case .drain: "the server starts shutting down"
        case .wait(let duration): "wait \(duration) (past the idle timeout)"
        case .balanceOf(let msisdn): "balance of \(msisdn) in the ledger"
        case .mailsTo(let msisdn): "e-mails to \(msisdn) in the mail outbox"
        }
    }
}

extension Credential {
    fileprivate var note: String {
        switch self {
        case .own: ""
        case .of(let msisdn): " with \(msisdn)'s credential"
        case .none: " without a credential"
        case .wrong: " with a wrong credential"
        }
    }
}

/// What a step should come to on one front.
enum Expected: Sendable, Hashable, CustomStringConvertible {
    /// A screen whose text contains this.
    case screen(String)
    /// A last screen (or API success) whose text contains this.
    case final(String)
    case refused(Int)
    case released
    case unsupported
    /// The front has no way to express this step, for the reason given (shown in the table).
    case notApplicable(String)
    case done
    case balance(Int64)
    /// This many e-mail notices.
    case mails(Int)
    /// Byte for byte what step `n` of the same run answered.
    case sameAs(step: Int)

    func matches(_ outcome: Outcome, earlier: [Outcome]) -> Bool {
        switch (self, outcome) {
        case (.screen(let part), .screen(let text)), (.final(let part), .final(let text)): text.contains(part)
        case (.refused(let a), .refused(let b)): a == b
        case (.released, .released), (.unsupported, .unsupported), (.notApplicable, .unsupported), (.done, .done): true
        case (.balance(let a), .balance(let b)): a == b
        case (.mails(let a), .mails(let b)): a == b
        case (.sameAs(let step), _): step < earlier.count && earlier[step] == outcome && outcome != .unsupported
        default: false
        }
    }

    var description: String { rendered(on: .socket) }

    /// As `docs/PROTOCOL.md` shows it in a front's column: a success on the API is a `2xx`, not an `END`.
    func rendered(on traits: FrontTraits) -> String {
        switch self {
        case .screen(let text): "`CON` “\(Self.shown(text))…”"
        case .final(let text) where traits.kind == .api: "`2xx` “…\(Self.shown(text))…”"
        case .final(let text): "`END` “…\(Self.shown(text))…”"
        case .refused(let code): "**\(code)**"
        case .released: "released, no answer"
        case .unsupported: "n/a"
        case .notApplicable(let why): "n/a: \(why)"
        case .done: "—"
        case .balance(let amount): "\(amount)"
        case .mails(let count): "\(count) e-mail\(count == 1 ? "" : "s")"
        case .sameAs(let step): "same bytes as step \(step + 1)"
        }
    }

    private static func shown(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\\n") }
}

/// A step's expectations, resolved from a front's traits: the table never names a front, so a new one
/// with known traits needs no new column.
struct Expect: Sendable {
    let resolve: @Sendable (FrontTraits) -> Expected

    static func every(_ expected: Expected) -> Expect { Expect { _ in expected } }

    /// The same on every menu front; the JSON API its own way.
    static func menus(_ expected: Expected, api: Expected) -> Expect {
        Expect { $0.kind == .api ? api : expected }
    }

    /// Depends on whether a menu front's requests carry the session's whole history (`POST /ussd`) or
    /// only the newest answer on an ordered stream (the socket, SMPP).
    static func byHistory(carried: Expected, streamed: Expected, api: Expected) -> Expect {
        Expect { $0.kind == .api ? api : $0.requestsCarryHistory ? carried : streamed }
    }

    /// Depends on whether session ids are scoped per connection.
    static func byIDScope(perConnection: Expected, global: Expected, api: Expected) -> Expect {
        Expect { $0.kind == .api ? api : $0.sessionIDsPerConnection ? perConnection : global }
    }

    /// Depends on whether a session id is the caller's own (SMPP), or one id space for every caller of a connection.
    static func byCallerScope(perCaller: Expected, shared: Expected, api: Expected) -> Expect {
        Expect { $0.kind == .api ? api : $0.sessionsScopedByCaller ? perCaller : shared }
    }

    /// Depends on whether the network can release a session.
    static func byRelease(released: Expected, kept: Expected, api: Expected) -> Expect {
        Expect { $0.kind == .api ? api : $0.releasesSessions ? released : kept }
    }

    /// As this expectation says, except on the fronts where `applies` is false: there the step cannot be
    /// expressed, for the reason `why`, which the table shows.
    func unless(_ applies: @escaping @Sendable (FrontTraits) -> Bool, _ why: String) -> Expect {
        let resolve = self.resolve
        return Expect { applies($0) ? resolve($0) : .notApplicable(why) }
    }
}

struct Step: Sendable {
    let action: Action
    let expect: Expect
    /// Run on every front of the world, each held to its own expectation, instead of the case's front only.
    let onEveryFront: Bool

    init(_ action: Action, _ expect: Expect, onEveryFront: Bool = false) {
        self.action = action
        self.expect = expect
        self.onEveryFront = onEveryFront
    }
}

/// Limits and timeouts a case needs to reach a refusal in a test.
struct WorldSettings: Sendable {
    /// Session starts per phone: burst, and a refill slow enough not to matter during a test.
    var sessionStartBurst = 30
    /// JSON API requests per phone, with the same negligible refill.
    var apiRequestBurst = 50
    var idleTimeout: Duration = .seconds(180)
}

/// One behaviour, written once, run against every front.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let name: String
    var settings = WorldSettings()
    let steps: [Step]

    var testDescription: String { name }
}
