/// One menu file as written, before compilation: a USSD service and its screens.
struct ServiceDefinition: Sendable {
    /// The operator id (`tmoney`), also the service's id.
    var id: String
    /// The name shown to people (`T-Money`).
    var name: String
    /// The USSD code (`*145#`).
    var code: String
    /// Languages, the first being the default.
    var languages: [String]
    var start: ScreenDefinition.Reference
    var home: ScreenDefinition.Reference?
    /// Where an action outcome or router with no matching route goes.
    var fallback: ScreenDefinition.Reference?
    var navigation: Navigation
    var amountMinimum: Int64?
    var amountMaximum: Int64?
    var limitsLocation: SourceLocation?
    var currency: String
    /// Wrong answers allowed on one screen before the session ends.
    var maxAttempts: Int
    /// Shared texts by key, in file order.
    var texts: [(key: String, text: LocalizedText)]
    /// Screens in file order.
    var screens: [ScreenDefinition]
    var file: String
    var location: SourceLocation
    /// The `resume:` block; nil when the file has none (the service never resumes).
    var resume: ResumeDefinition? = nil

    func text(_ key: String) -> LocalizedText? {
        texts.first { $0.key == key }?.text
    }

    func screen(_ id: String) -> ScreenDefinition? {
        screens.first { $0.id == id }
    }

    /// Whether `code` is a USSD code such as `*145#`.
    static func isUSSDCode(_ code: String) -> Bool {
        code.hasPrefix("*") && code.hasSuffix("#") && code.count > 2 && code.dropFirst().dropLast().allSatisfy(\.isNumber)
    }
}
