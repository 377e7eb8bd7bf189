/// Everything the engine can refuse, with a stable code that the gateway maps to its own errors.
public struct MenuError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable error codes. The raw values never change once shipped.
    public enum Code: String, Sendable, Hashable, Codable {
        /// The dial string is not `*digits(*answer)*#`.
        case invalidDialString = "menu.invalid_dial_string"
        /// No service answers this USSD code.
        case unknownService = "menu.unknown_service"
        /// A session names a service or screen that the loaded menus do not have (menus reloaded).
        case unknownScreen = "menu.unknown_screen"
        /// `step` on a session that waits for an action result.
        case awaitingAction = "menu.awaiting_action"
        /// `resume` on a session that does not wait for an action result.
        case notAwaitingAction = "menu.not_awaiting_action"
        /// The session is over.
        case sessionEnded = "menu.session_ended"
        /// The menu files do not load (see ``MenuError/diagnostics``).
        case invalidMenus = "menu.invalid_menus"
        /// A menu file could not be read.
        case unreadable = "menu.unreadable"
    }

    /// What went wrong.
    public var code: Code
    /// One sentence for logs.
    public var message: String
    /// The loader's findings, for ``Code/invalidMenus``.
    public var diagnostics: [Diagnostic]

    /// An error.
    public init(_ code: Code, _ message: String, diagnostics: [Diagnostic] = []) {
        self.code = code
        self.message = message
        self.diagnostics = diagnostics
    }

    /// The HTTP-like status the line protocol and JSON API use for this error.
    public var status: Int {
        switch code {
        case .invalidDialString: 400
        case .unknownService, .unknownScreen, .sessionEnded: 404
        case .awaitingAction, .notAwaitingAction: 409
        case .invalidMenus, .unreadable: 500
        }
    }

    public var description: String {
        ([code.rawValue + ": " + message] + diagnostics.map(\.description)).joined(separator: "\n")
    }
}
