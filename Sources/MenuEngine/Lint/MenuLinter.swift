import Foundation
import Yams

/// Checks a menus directory and reports every mistake with its file and line.
///
/// Errors (the lint fails, and most also stop the engine from loading): YAML and structure
/// mistakes, dangling screen references, unknown actions, arguments, outcomes and validators,
/// missing translations, unknown shared texts, variables shown or passed where some path has not
/// set them yet, PIN variables shown on a screen, characters outside GSM 03.38, and amount limits
/// that disagree with `operators.yaml`. A shared menu is checked as each operator runs it, with the
/// values `operators.yaml` gives it; an `{{operator.KEY}}` or `{{peer.KEY}}` it cannot fill is an error.
/// The notices file is checked by ``NoticeLint``'s rules (unknown or missing notices given the host's
/// ``NoticeRequirements``, undeclared variables, missing languages, characters outside GSM 03.38).
///
/// Warnings (worth a look, harmless at run time): unreachable screens; action outcomes that a
/// screen does not route (they go to the screen's `otherwise`, else the service's `fallback`, so
/// a screen with `otherwise:` is never warned about); screens that can render over 182 septets
/// (the engine pages them, but a menu split over pages is hard to use; `paged: true` says the
/// paging is intended, as for the mini-statement).
///
/// Variable widths assumed for the 182 estimate: `money` 14, `local` 8, names 20, numbers 11,
/// references 14, other amounts 7, anything else 12, `statement` a full page.
public struct MenuLinter: Sendable {
    /// What the host sends, when known: makes missing, unknown and ill-fed notices errors.
    public let notices: NoticeRequirements?

    /// A linter; give it `notices` (the host's ``NoticeRequirements``) to check the notices file against
    /// what the host really sends.
    public init(notices: NoticeRequirements? = nil) {
        self.notices = notices
    }

    /// Lints every YAML file of `directory`.
    public func lint(directory: URL) -> LintReport {
        do {
            return lint(files: try MenuDirectory.read(directory))
        } catch {
            let location = SourceLocation(file: directory.path, line: 0)
            return LintReport(diagnostics: [Diagnostic(.error, .syntax, at: location, error.message)], fileCount: 0)
        }
    }

    /// Lints these files (name, text); menus, `actions.yaml`, `operators.yaml` and the notices file are
    /// recognised by content. Shared menus are checked as each operator runs them, with its values.
    public func lint(files: [(name: String, yaml: String)]) -> LintReport {
        var diagnostics: [Diagnostic] = []
        var services: [ServiceDefinition] = []
        var shared: [ServiceDefinition] = []
        var operators: [OperatorEntry] = []
        var noticeFiles: [NoticeFile] = []
        var catalog: ActionCatalog?
        for file in files {
            let (parsed, found) = MenuFileParser.parse(yaml: file.yaml, file: file.name)
            diagnostics += found
            switch parsed {
            case .service(let service): services.append(service)
            case .sharedMenu(let menu): shared.append(menu)
            case .actions(let actions): catalog = actions
            case .operators(let entries): operators += entries
            case .notices(let notices): noticeFiles.append(notices)
            case .other, nil: break
            }
        }
        var operatorLimits: [String: (min: Int64?, max: Int64?)] = [:]
        for entry in operators {
            if let code = entry.code, operatorLimits[code] == nil { operatorLimits[code] = (entry.minTransfer, entry.maxTransfer) }
        }
        let standalone = Set(services.map(\.id))
        let instances = SharedMenus.instantiate(shared, operators: operators, rules: .plain)
        services += instances.services
        diagnostics += instances.diagnostics
        for file in noticeFiles {
            var lint = NoticeLint(file: file, requirements: notices)
            lint.run()
            diagnostics += lint.diagnostics
        }
        if let notices, noticeFiles.isEmpty, let first = files.first {
            let keys = notices.notices.keys.sorted().joined(separator: ", ")
            diagnostics.append(
                Diagnostic(
                    .error, .missingNotice, at: SourceLocation(file: first.name, line: 0),
                    "no notices file (top-level 'notices:') beside the menus; the host sends \(keys)"))
        }
        if catalog == nil, let first = services.first {
            diagnostics.append(Diagnostic(.error, .unknownAction, at: first.location, "no actions.yaml (top-level 'actions:') beside the menus"))
        }
        var codes: [String: ServiceDefinition] = [:]
        var ids: [String: ServiceDefinition] = [:]
        for service in services {
            if let other = codes[service.code] {
                diagnostics.append(
                    Diagnostic(.error, .duplicateService, at: service.location, "\(service.code) is already the code of \(other.id) (\(other.file))"))
            }
            if let other = ids[service.id] {
                diagnostics.append(
                    Diagnostic(.error, .duplicateService, at: service.location, "service \(service.id) is already declared in \(other.file)"))
            }
            codes[service.code] = service
            ids[service.id] = service
            var linter = ServiceLint(service: service, catalog: catalog ?? ActionCatalog(actions: []))
            linter.run()
            diagnostics += linter.diagnostics
            if standalone.contains(service.id), let limits = operatorLimits[service.code] {
                let location = service.limitsLocation ?? service.location
                if let min = limits.min, service.amountMinimum != min {
                    diagnostics.append(
                        Diagnostic(
                            .error, .limitsMismatch, at: location,
                            "limits.amount.min is \(service.amountMinimum.map(String.init) ?? "unset"), operators.yaml says \(min)"))
                }
                if let max = limits.max, service.amountMaximum != max {
                    diagnostics.append(
                        Diagnostic(
                            .error, .limitsMismatch, at: location,
                            "limits.amount.max is \(service.amountMaximum.map(String.init) ?? "unset"), operators.yaml says \(max)"))
                }
            }
        }
        // The same finding can come from the parser and the compiler; report it once.
        var seen = Set<Diagnostic>()
        diagnostics = diagnostics.filter { seen.insert($0).inserted }
        return LintReport(diagnostics: diagnostics, fileCount: files.count)
    }
}

/// The checks of one service.
private struct ServiceLint {
    let service: ServiceDefinition
    let catalog: ActionCatalog
    var diagnostics: [Diagnostic] = []
    let screens: [String: ScreenDefinition]
    let secrets: Set<String>
    let msisdnVariables: Set<String>

    init(service: ServiceDefinition, catalog: ActionCatalog) {
        self.service = service
        self.catalog = catalog
        screens = Dictionary(service.screens.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var secrets = Set<String>()
        var numbers: Set<String> = [SubscriberContext.msisdnVariable]
        for screen in service.screens {
            guard case .input(let validator, let variable, _) = screen.kind else { continue }
            if case .pin = validator.kind { secrets.insert(variable) }
            if case .msisdn = validator.kind { numbers.insert(variable) }
        }
        self.secrets = secrets
        self.msisdnVariables = numbers
    }

    mutating func error(_ kind: Diagnostic.Kind, _ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.error, kind, at: location, message))
    }

    mutating func warning(_ kind: Diagnostic.Kind, _ location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.warning, kind, at: location, message))
    }

    mutating func run() {
        checkReferences()
        checkActions()
        checkTexts()
        checkReachability()
        checkVariables()
        checkWidths()
    }

    // MARK: References and actions

    var rootReferences: [ScreenDefinition.Reference] {
        [service.start] + [service.home, service.fallback].compactMap { $0 }
    }

    mutating func checkReferences() {
        for reference in rootReferences where screens[reference.id] == nil {
            error(.danglingReference, reference.location, "no screen '\(reference.id)'")
        }
        for screen in service.screens {
            for reference in screen.references where screens[reference.id] == nil {
                error(.danglingReference, reference.location, "screen '\(screen.id)' leads to '\(reference.id)', which does not exist")
            }
        }
    }

    mutating func checkActions() {
        for screen in service.screens {
            guard case .action(let name, let arguments, let routes, let otherwise) = screen.kind else { continue }
            guard let action = catalog[name] else {
                error(.unknownAction, screen.location, "screen '\(screen.id)' calls '\(name)', which actions.yaml does not declare")
                continue
            }
            let given = Set(arguments.map(\.name))
            for argument in arguments where !action.arguments.contains(argument.name) {
                error(
                    .unknownArgument, argument.location,
                    "action '\(name)' takes no argument '\(argument.name)' (\(action.arguments.joined(separator: ", ")))")
            }
            let missing = action.arguments.filter { !given.contains($0) }
            if !missing.isEmpty {
                error(.missingArgument, screen.location, "screen '\(screen.id)' does not pass \(missing.joined(separator: ", ")) to '\(name)'")
            }
            for route in routes where !action.outcomes.contains(route.outcome) {
                error(
                    .unknownOutcome, route.next.location,
                    "action '\(name)' has no outcome '\(route.outcome)' (\(action.outcomes.joined(separator: ", ")))")
            }
            let routed = Set(routes.map(\.outcome))
            let unrouted = action.outcomes.filter { !routed.contains($0) }
            if otherwise == nil, !unrouted.isEmpty {
                warning(
                    .unroutedOutcome, screen.location,
                    "screen '\(screen.id)' does not route \(unrouted.joined(separator: ", ")) of '\(name)' (they go to the fallback screen)")
            }
        }
    }

    // MARK: Texts

    var allTexts: [(owner: String, label: String, text: LocalizedText)] {
        service.texts.map { ("texts", $0.key, $0.text) }
            + service.screens.flatMap { screen in screen.texts.map { ("screen '\(screen.id)'", $0.label, $0.text) } }
    }

    mutating func checkTexts() {
        for (owner, label, text) in allTexts {
            if !text.isNeutral {
                for language in service.languages where text.templates[language] == nil {
                    error(.missingTranslation, text.location, "\(owner) \(label) has no '\(language)' text")
                }
            }
            for (language, template, location) in text.all {
                let bad = GSM7.unencodableCharacters(in: template.literalText)
                if !bad.isEmpty {
                    let list = bad.map { "'\($0)'" }.joined(separator: ", ")
                    error(.nonGSMCharacter, location, "\(owner) \(label) (\(language)) has characters outside GSM 03.38: \(list)")
                }
                for key in template.includes where service.text(key) == nil && DefaultTexts.texts[key] == nil {
                    error(.unknownText, location, "\(owner) \(label) includes '{{@\(key)}}', which texts: does not define")
                }
                for reference in template.variables where secrets.contains(reference.path) {
                    error(.secretShown, location, "\(owner) \(label) shows '\(reference.path)', a PIN: PINs are never shown")
                }
            }
        }
    }

    // MARK: Graph

    /// Screens reached without an explicit reference: the fallback and the default cancel screen.
    var implicitEdges: [String] {
        var result: [String] = []
        let hasConfirmWithoutCancel = service.screens.contains { if case .confirm(_, nil) = $0.kind { true } else { false } }
        if hasConfirmWithoutCancel { result.append("cancelled") }
        if service.fallback == nil { result.append("technical_error") }
        return result
    }

    /// The screens a screen can lead to, with the variables each edge sets and clears.
    func edges(from screen: ScreenDefinition) -> [(target: String, sets: Set<String>, clears: Set<String>)] {
        let fallback = service.fallback?.id ?? "technical_error"
        switch screen.kind {
        case .menu(let options):
            return options.map { ($0.next.id, [], []) }
        case .input(_, let variable, let next):
            return [(next.id, [variable], [])]
        case .confirm(let next, let cancel):
            return [(next.id, [], []), (cancel?.id ?? "cancelled", [], secrets)]
        case .action(let name, let arguments, let routes, let otherwise):
            let provides = Set(catalog[name]?.provides ?? [])
            let consumed = Set(arguments.map(\.variable)).intersection(secrets)
            var result = routes.map { ($0.next.id, provides, consumed) }
            result.append(((otherwise ?? ScreenDefinition.Reference(id: fallback, location: screen.location)).id, provides, consumed))
            return result
        case .router(let routes):
            var result = routes.map { ($0.next.id, Set<String>(), Set<String>()) }
            if !routes.contains(where: { $0.condition == nil }) { result.append((fallback, [], [])) }
            return result
        case .end:
            return []
        }
    }

    mutating func checkReachability() {
        var reached = Set<String>()
        var queue = rootReferences.map(\.id) + implicitEdges
        while let id = queue.popLast() {
            guard let screen = screens[id], reached.insert(id).inserted else { continue }
            queue += edges(from: screen).map(\.target)
        }
        for screen in service.screens where !reached.contains(screen.id) {
            warning(.unreachableScreen, screen.location, "screen '\(screen.id)' cannot be reached from '\(service.start.id)'")
        }
    }

    /// Variables set on every path into each screen (a forward "definitely assigned" analysis).
    func variablesOnEntry() -> [String: Set<String>] {
        var entry: [String: Set<String>] = [:]
        var work: [String] = []
        for root in [service.start.id, service.home?.id].compactMap({ $0 }) + implicitEdges + [service.fallback?.id].compactMap({ $0 }) {
            entry[root] = SubscriberContext.guaranteedVariables
            work.append(root)
        }
        while let id = work.popLast() {
            guard let screen = screens[id], let known = entry[id] else { continue }
            let available = known.union(screen.assignments.map(\.variable))
            for edge in edges(from: screen) {
                let out = available.union(edge.sets).subtracting(edge.clears)
                let merged = entry[edge.target].map { $0.intersection(out) } ?? out
                if entry[edge.target] != merged {
                    entry[edge.target] = merged
                    work.append(edge.target)
                }
            }
        }
        return entry
    }

    mutating func checkVariables() {
        let entry = variablesOnEntry()
        for screen in service.screens {
            guard let known = entry[screen.id] else { continue }
            var available = known
            for assignment in screen.assignments {
                for reference in assignment.value.variables where !reference.isOptional && !available.contains(reference.path) {
                    error(
                        .unsetVariable, assignment.location,
                        "screen '\(screen.id)' sets \(assignment.variable) from '\(reference.path)', which is not set on every path here")
                }
                available.insert(assignment.variable)
            }
            var texts = screen.texts
            texts.removeAll { $0.label == "reason" }
            for (label, text) in texts {
                for (language, template, location) in text.all {
                    for reference in template.variables where !reference.isOptional && !available.contains(reference.path) {
                        error(
                            .unsetVariable, location,
                            "screen '\(screen.id)' \(label) (\(language)) uses '\(reference.path)', which is not set on every path to it")
                    }
                }
            }
            if case .action(let name, let arguments, _, _) = screen.kind {
                for argument in arguments where !available.contains(argument.variable) {
                    error(
                        .unsetVariable, argument.location,
                        "'\(name)' gets \(argument.name) from '\(argument.variable)', which is not set on every path here")
                }
            }
        }
    }

    // MARK: Width

    func width(of reference: Template.VariableReference) -> Int {
        if reference.filters.contains(.money) { return 14 }
        if reference.filters.contains(.local) { return 8 }
        let path = reference.path
        if path == "statement" { return GSM7.pageLimit }
        if path.hasSuffix("name") { return 20 }
        if msisdnVariables.contains(path) || path.hasSuffix("msisdn") { return 11 }
        if path == "reference" { return 14 }
        if ["amount", "fee", "total", "balance", "limit"].contains(path) { return 7 }
        return 12
    }

    func estimate(_ template: Template) -> Int {
        template.segments.reduce(0) { total, segment in
            switch segment {
            case .literal(let text): total + (GSM7.septets(text) ?? text.count * 2)
            case .variable(let reference): total + width(of: reference)
            case .include: total
            }
        }
    }

    mutating func checkWidths() {
        guard let compiled = try? CompiledService(service, amountLimits: nil) else { return }
        for screen in service.screens where !screen.paged {
            guard let index = compiled.screenIndex[screen.id] else { continue }
            let built = compiled.screens[index]
            for (languageIndex, language) in service.languages.enumerated() {
                var width = estimate(built.body[languageIndex])
                if case .input(let validator, _, _) = built.kind {
                    let context = RenderContext(variables: [:], currency: service.currency, rules: compiled.rules, extra: validator.reasonValues)
                    width += validator.reason[languageIndex].render(context).count + 1
                }
                if width > GSM7.pageLimit {
                    warning(
                        .screenTooLong, screen.location,
                        "screen '\(screen.id)' (\(language)) can render \(width) characters, over \(GSM7.pageLimit): it will be split into pages")
                }
            }
        }
    }
}
