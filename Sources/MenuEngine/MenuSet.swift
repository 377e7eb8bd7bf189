import Foundation

/// Every USSD service loaded from a menus directory, looked up by dial string or id.
///
/// A directory holds the service menus: shared menus (a top-level `menu:` key) that the operators of
/// `operators.yaml` run with their own values (see ``SharedMenus``), and possibly services of their own
/// (a top-level `service:` key); the host action catalog (`actions.yaml`, a top-level `actions:` key); and
/// other data (the notices of `receipts.yaml`, which ``NoticeBook`` loads), ignored here.
public struct MenuSet: Sendable {
    let services: [CompiledService]
    private let byCode: [String: Int]
    private let byID: [String: Int]
    /// The host actions the menus may call, when the directory declares them.
    public let actions: ActionCatalog?
    /// Warnings found while loading (errors make loading throw).
    public let warnings: [Diagnostic]

    /// Loads every `*.yaml` / `*.yml` file of `directory`.
    ///
    /// - Parameter amountLimits: per service id, the amount limits of the operator data; they win
    ///   over the `limits:` written in the menu file, so the ledger and the menus never disagree.
    /// - Throws: ``MenuError/Code/unreadable`` or ``MenuError/Code/invalidMenus`` with diagnostics.
    /// - Parameter rules: the host's numbering and money rules (see ``HostRules``).
    public static func load(directory: URL, amountLimits: [String: ClosedRange<Int64>] = [:], rules: HostRules = .plain) throws(MenuError)
        -> MenuSet
    {
        try MenuSet(files: MenuDirectory.read(directory), amountLimits: amountLimits, rules: rules)
    }

    /// Builds the set from file texts; `name` is used in diagnostics.
    public init(files: [(name: String, yaml: String)], amountLimits: [String: ClosedRange<Int64>] = [:], rules: HostRules = .plain)
        throws(MenuError)
    {
        var definitions: [ServiceDefinition] = []
        var shared: [ServiceDefinition] = []
        var operators: [OperatorEntry] = []
        var catalog: ActionCatalog?
        var diagnostics: [Diagnostic] = []
        for file in files {
            let (parsed, found) = MenuFileParser.parse(yaml: file.yaml, file: file.name)
            diagnostics += found
            switch parsed {
            case .service(let definition): definitions.append(definition)
            case .sharedMenu(let definition): shared.append(definition)
            case .actions(let actions): catalog = actions
            case .operators(let entries): operators += entries
            case .notices, .other, nil: break
            }
        }
        let instances = SharedMenus.instantiate(shared, operators: operators, rules: rules)
        definitions += instances.services
        diagnostics += instances.diagnostics
        var services: [CompiledService] = []
        var byCode: [String: Int] = [:]
        var byID: [String: Int] = [:]
        for definition in definitions {
            if byCode[definition.code] != nil || byID[definition.id] != nil {
                diagnostics.append(
                    Diagnostic(.error, .duplicateService, at: definition.location, "service \(definition.id) (\(definition.code)) is declared twice"))
                continue
            }
            if let catalog { diagnostics += Self.checkActions(definition, catalog) }
            do {
                let service = try CompiledService(definition, amountLimits: amountLimits[definition.id], rules: rules)
                byCode[service.code] = services.count
                byID[service.id] = services.count
                services.append(service)
            } catch {
                diagnostics += error.diagnostics
            }
        }
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            throw MenuError(.invalidMenus, "the menus do not load (\(errors.count) error(s))", diagnostics: errors)
        }
        self.services = services
        self.byCode = byCode
        self.byID = byID
        self.actions = catalog
        self.warnings = diagnostics
    }

    /// Refuses action screens that call undeclared actions or outcomes: the host could not run them.
    private static func checkActions(_ definition: ServiceDefinition, _ catalog: ActionCatalog) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for screen in definition.screens {
            guard case .action(let name, _, let routes, _) = screen.kind else { continue }
            guard let action = catalog[name] else {
                found.append(Diagnostic(.error, .unknownAction, at: screen.location, "screen '\(screen.id)' calls unknown action '\(name)'"))
                continue
            }
            for route in routes where !action.outcomes.contains(route.outcome) {
                found.append(
                    Diagnostic(.error, .unknownOutcome, at: route.next.location, "action '\(name)' has no outcome '\(route.outcome)'"))
            }
        }
        return found
    }

    /// The ids of the loaded services, in load order.
    public var serviceIDs: [String] { services.map(\.id) }

    /// The USSD code of the service `id` (`*145#`).
    public func code(ofService id: String) -> String? {
        byID[id].map { services[$0].code }
    }

    /// The languages of the service `id`, its default first.
    public func languages(ofService id: String) -> [String] {
        byID[id].map { services[$0].languages } ?? []
    }

    /// The service id that answers a dial string (`*145#` or `*145*1*…#`).
    public func serviceID(forDial dial: String) throws(MenuError) -> String {
        try service(forDial: DialString(parsing: dial)).id
    }

    func service(forDial dial: DialString) throws(MenuError) -> CompiledService {
        guard let index = byCode[dial.code] else {
            throw MenuError(.unknownService, "no service answers \(dial.code)")
        }
        return services[index]
    }

    func service(id: String) throws(MenuError) -> CompiledService {
        guard let index = byID[id] else { throw MenuError(.unknownScreen, "no service '\(id)'") }
        return services[index]
    }
}

/// Reading a menus directory.
enum MenuDirectory {
    /// The YAML files of `directory`, sorted by name, as (file name, text).
    static func read(_ directory: URL) throws(MenuError) -> [(name: String, yaml: String)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MenuError(.unreadable, "cannot list \(directory.path): \(error.localizedDescription)")
        }
        var files: [(String, String)] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let url = directory.appending(path: name)
            do {
                files.append((name, try String(contentsOf: url, encoding: .utf8)))
            } catch {
                throw MenuError(.unreadable, "cannot read \(url.path): \(error.localizedDescription)")
            }
        }
        return files
    }
}
