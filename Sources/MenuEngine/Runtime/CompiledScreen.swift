/// A screen ready to run: references resolved to indices, texts composed per language.
struct CompiledScreen: Sendable {
    struct Argument: Sendable {
        var name: String
        var variable: String
    }

    struct Route: Sendable {
        var condition: Condition?
        var next: Int
    }

    struct Assignment: Sendable {
        var variable: String
        var value: Template
    }

    enum Kind: Sendable {
        case menu(next: [Int])
        case input(validator: Validator, variable: String, next: Int)
        case confirm(next: Int, cancel: Int)
        case action(name: String, arguments: [Argument], routes: [String: Int], otherwise: Int)
        case router(routes: [Route], otherwise: Int)
        case end
    }

    let id: String
    let kind: Kind
    /// The whole screen as shown (title, options, confirmation choices, footer), per language index.
    let body: [Template]
    let assignments: [Assignment]

    /// Whether the screen waits for the subscriber (as opposed to routing or calling the host).
    var isInteractive: Bool {
        switch kind {
        case .menu, .input, .confirm: true
        case .action, .router, .end: false
        }
    }

    var isPinInput: Bool {
        if case .input(let validator, _, _) = kind { validator.isPin } else { false }
    }
}
