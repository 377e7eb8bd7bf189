/// A screen as written in a menu file, before it is compiled; keeps locations for diagnostics.
struct ScreenDefinition: Sendable {
    /// A reference to another screen by id.
    struct Reference: Sendable {
        var id: String
        var location: SourceLocation
    }

    /// One numbered option of a `menu` screen.
    struct Option: Sendable {
        var label: LocalizedText
        var next: Reference
    }

    /// One argument of an `action` screen: the action's argument name and the variable it reads.
    struct Argument: Sendable {
        var name: String
        var variable: String
        var location: SourceLocation
    }

    /// One outcome route of an `action` screen.
    struct OutcomeRoute: Sendable {
        var outcome: String
        var next: Reference
    }

    /// One branch of a `router` screen; the branch without a condition is the default.
    struct Route: Sendable {
        var condition: Condition?
        var next: Reference
        var location: SourceLocation
    }

    /// An assignment done when the screen is entered (`set: { subscriber.language: "{{language}}" }`).
    struct Assignment: Sendable {
        var variable: String
        var value: Template
        var location: SourceLocation
    }

    /// What the screen does.
    enum Kind: Sendable {
        case menu(options: [Option])
        case input(validator: ValidatorDefinition, variable: String, next: Reference)
        case confirm(next: Reference, cancel: Reference?)
        case action(name: String, arguments: [Argument], routes: [OutcomeRoute], otherwise: Reference?)
        case router(routes: [Route])
        case end

        var name: String {
            switch self {
            case .menu: "menu"
            case .input: "input"
            case .confirm: "confirm"
            case .action: "action"
            case .router: "router"
            case .end: "end"
            }
        }
    }

    var id: String
    var location: SourceLocation
    var kind: Kind
    /// The screen's text: a menu's title, an input's prompt, a confirmation or a final text.
    var text: LocalizedText?
    /// A text shown last (after a menu's options or a confirmation's choices), e.g. `0. Retour`.
    var footer: LocalizedText?
    var assignments: [Assignment]
    /// Declares that the screen is expected to need several pages (exempts it from the width lint).
    var paged: Bool

    /// Every screen this one can lead to, with where the reference is written.
    var references: [Reference] {
        switch kind {
        case .menu(let options): options.map(\.next)
        case .input(_, _, let next): [next]
        case .confirm(let next, let cancel): [next] + (cancel.map { [$0] } ?? [])
        case .action(_, _, let routes, let otherwise): routes.map(\.next) + (otherwise.map { [$0] } ?? [])
        case .router(let routes): routes.map(\.next)
        case .end: []
        }
    }

    /// Every text of the screen, with a label for messages.
    var texts: [(label: String, text: LocalizedText)] {
        var result: [(String, LocalizedText)] = []
        if let text { result.append(("text", text)) }
        if case .menu(let options) = kind {
            for (index, option) in options.enumerated() { result.append(("option \(index + 1)", option.label)) }
        }
        if case .input(let validator, _, _) = kind, let reason = validator.reason { result.append(("reason", reason)) }
        if let footer { result.append(("footer", footer)) }
        return result
    }
}
