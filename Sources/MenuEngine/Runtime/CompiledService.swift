import Foundation

/// A service ready to run: every screen compiled, every reference an index, every text a template
/// per language, so that stepping never parses YAML, templates or regular expressions.
struct CompiledService: Sendable {
    let id: String
    let name: String
    let code: String
    let languages: [String]
    let languageIndex: [String: Int]
    let navigation: Navigation
    let currency: String
    /// The host's rules for numbers and money.
    let rules: HostRules
    let maxAttempts: Int
    let screens: [CompiledScreen]
    let screenIndex: [String: Int]
    let start: Int
    let home: Int
    /// Variables holding PINs: never rendered, dropped once an action has consumed them.
    let secrets: Set<String>
    /// Engine texts per language index.
    let moreHint: [String]
    let invalidChoice: [Template]
    let tooManyErrors: [Template]
    /// What a redial after a drop does.
    let resume: ResumePolicy

    /// The index of `language`, the default language's (0) when the service does not have it.
    @inline(__always)
    func language(_ code: String?) -> Int {
        code.flatMap { languageIndex[$0] } ?? 0
    }

    /// Compiles `definition`; throws with every reference or text that cannot be resolved.
    ///
    /// - Parameter amountLimits: limits from the host (operator data), which win over the file's.
    init(_ definition: ServiceDefinition, amountLimits: ClosedRange<Int64>?, rules: HostRules = .plain) throws(MenuError) {
        var compiler = ServiceCompiler(definition: definition, amountLimits: amountLimits, rules: rules)
        self = compiler.compile()
        if !compiler.diagnostics.isEmpty {
            throw MenuError(.invalidMenus, "\(definition.file) does not compile", diagnostics: compiler.diagnostics)
        }
    }

    fileprivate init(
        definition: ServiceDefinition, rules: HostRules, screens: [CompiledScreen], screenIndex: [String: Int], start: Int, home: Int,
        secrets: Set<String>, moreHint: [String], invalidChoice: [Template], tooManyErrors: [Template]
    ) {
        self.rules = rules
        id = definition.id
        name = definition.name
        code = definition.code
        languages = definition.languages
        languageIndex = Dictionary(definition.languages.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        navigation = definition.navigation
        currency = definition.currency
        maxAttempts = max(1, definition.maxAttempts)
        self.screens = screens
        self.screenIndex = screenIndex
        self.start = start
        self.home = home
        self.secrets = secrets
        self.moreHint = moreHint
        self.invalidChoice = invalidChoice
        self.tooManyErrors = tooManyErrors
        resume = ResumePolicy(definition.resume, languages: definition.languages)
    }
}

/// The compilation of one service, collecting errors as diagnostics.
private struct ServiceCompiler {
    let definition: ServiceDefinition
    let amountLimits: ClosedRange<Int64>?
    let rules: HostRules
    var diagnostics: [Diagnostic] = []
    var screenIndex: [String: Int] = [:]
    var extraScreens: [CompiledScreen] = []

    init(definition: ServiceDefinition, amountLimits: ClosedRange<Int64>?, rules: HostRules) {
        self.definition = definition
        self.amountLimits = amountLimits
        self.rules = rules
    }

    var languages: [String] { definition.languages }

    mutating func compile() -> CompiledService {
        for (index, screen) in definition.screens.enumerated() {
            if screenIndex[screen.id] != nil {
                diagnostics.append(Diagnostic(.error, .structure, at: screen.location, "screen '\(screen.id)' is declared twice"))
            }
            screenIndex[screen.id] = index
        }
        // Built-in end screens for the cases a menu does not route: they keep the engine total.
        let technicalError = addEndScreen("technical_error")
        let cancelled = addEndScreen("cancelled")
        let fallback = definition.fallback.map { resolve($0) } ?? technicalError

        var screens: [CompiledScreen] = []
        for screen in definition.screens {
            screens.append(compile(screen, fallback: fallback, cancelled: cancelled))
        }
        screens += extraScreens
        let start = resolve(definition.start)
        let home = definition.home.map { resolve($0) } ?? start
        let secrets = Set(
            definition.screens.compactMap { screen -> String? in
                if case .input(let validator, let variable, _) = screen.kind, case .pin = validator.kind { return variable }
                return nil
            })
        return CompiledService(
            definition: definition, rules: rules, screens: screens, screenIndex: screenIndex, start: start, home: home, secrets: secrets,
            moreHint: languages.map { text("more", $0).render(RenderContext(variables: [:], rules: rules)) },
            invalidChoice: languages.map { text("invalid_choice", $0) },
            tooManyErrors: languages.map { text("too_many_errors", $0) }
        )
    }

    /// A synthetic end screen showing the shared text `key`, unless the menu declares a screen
    /// with that id, which then wins.
    mutating func addEndScreen(_ key: String) -> Int {
        if let existing = screenIndex[key] { return existing }
        let index = definition.screens.count + extraScreens.count
        let id = "__" + key
        screenIndex[id] = index
        extraScreens.append(CompiledScreen(id: id, kind: .end, body: languages.map { text(key, $0) }, assignments: []))
        return index
    }

    mutating func resolve(_ reference: ScreenDefinition.Reference) -> Int {
        if let index = screenIndex[reference.id] { return index }
        diagnostics.append(Diagnostic(.error, .danglingReference, at: reference.location, "no screen '\(reference.id)'"))
        return 0
    }

    /// A shared text in `language`: the service's own, else the engine's default.
    mutating func text(_ key: String, _ language: String) -> Template {
        if let text = definition.text(key) {
            if let template = text.template(for: language) ?? text.template(for: languages[0]) { return template }
        }
        return (try? Template(parsing: DefaultTexts.text(key, language: language))) ?? Template(literal: "")
    }

    /// `text` in `language` with its includes resolved, falling back to the default language.
    mutating func localized(_ text: LocalizedText, _ language: String) -> Template {
        let template = text.template(for: language) ?? text.template(for: languages[0]) ?? text.templates.values.first ?? Template(literal: "")
        for key in template.includes where definition.text(key) == nil && DefaultTexts.texts[key] == nil {
            diagnostics.append(Diagnostic(.error, .unknownText, at: text.location, "no shared text '\(key)' in texts:"))
        }
        var resolved: [String: Template] = [:]
        for key in template.includes { resolved[key] = self.text(key, language) }
        return template.resolvingIncludes { resolved[$0] }
    }

    /// The lines of a screen joined by newlines into one template.
    func joined(_ parts: [Template]) -> Template {
        var segments: [Template.Segment] = []
        for part in parts where !part.segments.isEmpty {
            if !segments.isEmpty { segments.append(.literal("\n")) }
            segments += part.segments
        }
        return Template(segments: Template.merged(segments))
    }

    mutating func compile(_ screen: ScreenDefinition, fallback: Int, cancelled: Int) -> CompiledScreen {
        var kind: CompiledScreen.Kind
        var bodies: [Template] = []
        for language in languages {
            var parts: [Template] = []
            if let text = screen.text { parts.append(localized(text, language)) }
            switch screen.kind {
            case .menu(let options):
                for (number, option) in options.enumerated() {
                    let label = localized(option.label, language)
                    parts.append(Template(segments: [.literal("\(number + 1). ")] + label.segments))
                }
            case .confirm:
                parts.append(text("confirm", language))
            default:
                break
            }
            if let footer = screen.footer { parts.append(localized(footer, language)) }
            bodies.append(joined(parts))
        }
        switch screen.kind {
        case .menu(let options):
            kind = .menu(next: options.map { resolve($0.next) })
        case .input(let validator, let variable, let next):
            kind = .input(validator: compile(validator), variable: variable, next: resolve(next))
        case .confirm(let next, let cancel):
            kind = .confirm(next: resolve(next), cancel: cancel.map { resolve($0) } ?? cancelled)
        case .action(let name, let arguments, let routes, let otherwise):
            var table: [String: Int] = [:]
            for route in routes { table[route.outcome] = resolve(route.next) }
            kind = .action(
                name: name, arguments: arguments.map { .init(name: $0.name, variable: $0.variable) }, routes: table,
                otherwise: otherwise.map { resolve($0) } ?? fallback)
        case .router(let routes):
            kind = .router(routes: routes.map { .init(condition: $0.condition, next: resolve($0.next)) }, otherwise: fallback)
        case .end:
            kind = .end
        }
        return CompiledScreen(
            id: screen.id, kind: kind, body: bodies,
            assignments: screen.assignments.map { .init(variable: $0.variable, value: $0.value) })
    }

    mutating func compile(_ definition: ValidatorDefinition) -> Validator {
        let kind: Validator.Kind
        var values: [String: String] = [:]
        switch definition.kind {
        case .digits(let min, let max):
            kind = .digits(min: min, max: max)
            values = ["min": String(min), "max": String(max)]
        case .amount(let min, let max):
            let low = min ?? amountLimits?.lowerBound ?? self.definition.amountMinimum ?? 1
            let high = max ?? amountLimits?.upperBound ?? self.definition.amountMaximum ?? Int64.max
            kind = .amount(min: low, max: high)
            values = ["min": String(low), "max": String(high)]
        case .msisdn:
            kind = .msisdn
        case .pin:
            kind = .pin
        case .regex(let pattern):
            // Checked by the parser; a failure here would be a parser bug, so fall back to "refuse all".
            kind = .regex((try? Validator.anchored(pattern)) ?? (try! NSRegularExpression(pattern: "(?!)")))
        case .choice(let choices):
            kind = .choice(Dictionary(choices.map { ($0.answer, $0.value) }, uniquingKeysWith: { first, _ in first }))
        }
        let reasons = languages.map { language in
            definition.reason.map { localized($0, language) } ?? text(definition.defaultReasonKey, language)
        }
        return Validator(kind: kind, reason: reasons, reasonValues: values)
    }
}
