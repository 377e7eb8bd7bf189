/// One USSD conversation, as a plain value the engine steps purely.
///
/// It is `Codable` so a session store can keep it anywhere, and cheap to copy (a few strings, a
/// small dictionary, a short history). The idle timeout is the store's business: it keeps the
/// last activity time next to the value and drops sessions that are ``isEnded``.
/// PINs live in ``variables`` only between their input and the action that consumes them; the
/// session that waits for an action result no longer holds them.
public struct MenuSession: Sendable, Hashable, Codable {
    /// Where the session is.
    public enum State: Sendable, Hashable, Codable {
        /// A reply was shown; the next call is ``MenuEngine/step(_:input:)``.
        case awaitingInput
        /// The host must run this action; the next call is ``MenuEngine/resume(_:outcome:)``.
        case awaitingAction(String)
        /// The session is over.
        case ended
    }

    /// The service id (`tmoney`).
    public internal(set) var service: String
    /// The current screen's id.
    public internal(set) var screen: String
    /// Values collected so far: subscriber context, answers (normalised), action results.
    public internal(set) var variables: [String: String]
    /// The page of the current screen being shown (0-based).
    public internal(set) var page: Int
    /// How many pages the current screen has, as last rendered.
    public internal(set) var pageCount: Int
    /// Screens to return to with the back key, most recent last.
    public internal(set) var history: [String]
    /// Wrong answers given on the current screen.
    public internal(set) var attempts: Int
    /// Direct-dial answers not yet used.
    public internal(set) var prefill: [String]
    /// Where the session is.
    public internal(set) var state: State

    /// Whether the session is over.
    public var isEnded: Bool { state == .ended }

    /// The action the host must run, if the session waits for one.
    public var pendingAction: String? {
        if case .awaitingAction(let name) = state { name } else { nil }
    }

    /// The language replies are rendered in.
    public var language: String? { variables[SubscriberContext.languageVariable] }

    init(service: String, screen: String, variables: [String: String], prefill: [String]) {
        self.service = service
        self.screen = screen
        self.variables = variables
        self.page = 0
        self.pageCount = 1
        self.history = []
        self.attempts = 0
        self.prefill = prefill
        self.state = .awaitingInput
    }
}
