import Foundation
import Yams

/// What one YAML file in the menus directory holds.
enum MenuFile: Sendable {
    /// A USSD service (a file with a top-level `service:` key).
    case service(ServiceDefinition)
    /// A shared menu (a top-level `menu:` key), run by the operators whose entry names it.
    case sharedMenu(ServiceDefinition)
    /// The host action catalog (a file with a top-level `actions:` key).
    case actions(ActionCatalog)
    /// The operator data (a top-level `operators:` key): the engine reads which menu each runs and its values.
    case operators([OperatorEntry])
    /// The SMS notices (a top-level `notices:` key), see ``NoticeFile``.
    case notices(NoticeFile)
    /// Something else: not the engine's business.
    case other
}

/// Parses menu files into ``ServiceDefinition`` values, reporting structural mistakes with lines.
///
/// The file format, by example:
/// ```yaml
/// service: tmoney            # operator id
/// name: T-Money
/// code: "*145#"
/// languages: [fr, en]        # the first one is the default
/// start: start               # the first screen; `home:` (00) defaults to it
/// fallback: technical_error  # where an unrouted action outcome goes
/// navigation: { back: "0", home: "00", next: "98" }
/// limits: { amount: { min: 100, max: 500000 } }
/// texts:                     # shared texts, included with {{@key}}
///   back: { fr: "0. Retour", en: "0. Back" }
/// screens:
///   main:
///     type: menu
///     text: "T-Money"
///     options:
///       - { label: { fr: "Envoyer de l'argent", en: "Send money" }, next: send }
/// ```
/// A shared menu has `menu: wallet` instead of `service:`, `name:`, `code:` and `limits:`: each operator
/// whose entry in `operators.yaml` says `menu: wallet` runs it with its own values (see ``SharedMenus``).
///
/// Screen types: `menu` (options), `input` (text, validate, var, next), `confirm` (text, next,
/// cancel), `action` (action, args, on, otherwise), `router` (routes of `when` + `next`), `end`.
/// Any screen may have `footer:`, `set:` (assignments on entry) and `paged: true`.
enum MenuFileParser {
    static let serviceKeys: Set<String> = [
        "service", "name", "code", "languages", "start", "home", "fallback", "navigation", "limits", "currency",
        "attempts", "texts", "screens", "resume",
    ]
    /// A shared menu's keys: the service's, less what each operator supplies.
    static let sharedMenuKeys = serviceKeys.subtracting(["service", "name", "code", "limits"]).union(["menu"])
    static let commonScreenKeys: Set<String> = ["type", "text", "footer", "set", "paged"]
    static let screenKeys: [String: Set<String>] = [
        "menu": ["options"],
        "input": ["validate", "var", "next"],
        "confirm": ["next", "cancel"],
        "action": ["action", "args", "on", "otherwise"],
        "router": ["routes"],
        "end": [],
    ]

    /// Parses one file; the diagnostics hold every structural problem found.
    static func parse(yaml: String, file: String) -> (file: MenuFile?, diagnostics: [Diagnostic]) {
        var reader = NodeReader(file: file)
        guard let root = reader.document(yaml) else { return (nil, reader.diagnostics) }
        guard let mapping = root.mapping else { return (.other, reader.diagnostics) }
        if mapping.value("service") != nil {
            let service = reader.service(root, mapping)
            return (service.map(MenuFile.service), reader.diagnostics)
        }
        if mapping.value("menu") != nil {
            let menu = reader.service(root, mapping, shared: true)
            return (menu.map(MenuFile.sharedMenu), reader.diagnostics)
        }
        if mapping.value("actions") != nil {
            let catalog = reader.actionCatalog(root)
            return (catalog.map(MenuFile.actions), reader.diagnostics)
        }
        if mapping.value("operators") != nil {
            return (.operators(reader.operatorEntries(root)), reader.diagnostics)
        }
        if mapping.value("notices") != nil {
            let notices = reader.noticeFile(root, mapping)
            return (notices.map(MenuFile.notices), reader.diagnostics)
        }
        return (.other, reader.diagnostics)
    }
}

extension NodeReader {
    mutating func reference(_ node: Node?, _ what: String) -> ScreenDefinition.Reference? {
        guard let node, let id = identifier(node, what) else { return nil }
        return ScreenDefinition.Reference(id: id, location: location(node))
    }

    /// A service file, or with `shared` a shared menu (its id from `menu:`, its code and limits left for
    /// each operator to fill in).
    mutating func service(_ root: Node, _ mapping: Node.Mapping, shared: Bool = false) -> ServiceDefinition? {
        let what = shared ? "the shared menu" : "the service"
        checkKeys(mapping, allowed: shared ? MenuFileParser.sharedMenuKeys : MenuFileParser.serviceKeys, in: what)
        let id = requiredIdentifier(mapping, shared ? "menu" : "service", in: root, what)
        let code = shared ? "*0#" : requiredString(mapping, "code", in: root, what)
        if !shared, let code, !ServiceDefinition.isUSSDCode(code) {
            error(.structure, mapping.value("code"), "code must look like \"*145#\", not '\(code)'")
        }
        let languages = languages(mapping, empty: mapping.value("languages"))
        let start = reference(mapping.value("start"), "start")
        if mapping.value("start") == nil { error(.structure, root, "\(what) needs 'start:' (its first screen)") }

        var navigation = Navigation()
        if let node = mapping.value("navigation"), let nav = self.mapping(node, "navigation") {
            checkKeys(nav, allowed: ["back", "home", "next"], in: "navigation")
            navigation.back = digitString(nav.value("back"), "navigation.back") ?? navigation.back
            navigation.home = digitString(nav.value("home"), "navigation.home") ?? navigation.home
            navigation.next = digitString(nav.value("next"), "navigation.next") ?? navigation.next
        }
        if Set([navigation.back, navigation.home, navigation.next]).count < 3 {
            error(
                .structure, mapping.value("navigation") ?? root,
                "navigation: back (\(navigation.back)), home (\(navigation.home)) and next (\(navigation.next)) must be three different answers")
        }
        var minimum: Int64?
        var maximum: Int64?
        if let node = mapping.value("limits"), let limits = self.mapping(node, "limits") {
            checkKeys(limits, allowed: ["amount"], in: "limits")
            if let amountNode = limits.value("amount"), let amount = self.mapping(amountNode, "limits.amount") {
                checkKeys(amount, allowed: ["min", "max"], in: "limits.amount")
                minimum = int(amount.value("min"), "limits.amount.min", in: 1...Int.max).map(Int64.init)
                maximum = int(amount.value("max"), "limits.amount.max", in: 1...Int.max).map(Int64.init)
                if let minimum, let maximum, minimum > maximum {
                    error(.structure, amountNode, "limits.amount: min (\(minimum)) is above max (\(maximum))")
                }
            }
        }
        var texts: [(String, LocalizedText)] = []
        if let node = mapping.value("texts"), let textMapping = self.mapping(node, "texts") {
            for (name, _, value) in namedPairs(textMapping, "texts") {
                if let text = localizedText(value, "text '\(name)'") {
                    if text.all.contains(where: { !$0.template.includes.isEmpty }) {
                        error(.template, value, "shared text '\(name)' may not include other shared texts")
                    }
                    texts.append((name, text))
                }
            }
        }
        var screens: [ScreenDefinition] = []
        if let node = mapping.value("screens"), let screenMapping = self.mapping(node, "screens") {
            for (screenID, key, value) in namedPairs(screenMapping, "screens") {
                if let screen = screen(screenID, key: key, value) { screens.append(screen) }
            }
        } else if mapping.value("screens") == nil {
            error(.structure, root, "\(what) needs 'screens:'")
        }
        checkNavigation(navigation, against: screens, at: mapping.value("navigation") ?? root)
        let resume = mapping.value("resume").flatMap { self.resume($0, languages: languages.isEmpty ? ["fr"] : languages) }
        guard let id, let code, let start else { return nil }
        var definition = ServiceDefinition(
            id: id,
            name: string(mapping.value("name"), "name") ?? id,
            code: code,
            languages: languages.isEmpty ? ["fr"] : languages,
            start: start,
            home: reference(mapping.value("home"), "home"),
            fallback: reference(mapping.value("fallback"), "fallback"),
            navigation: navigation,
            amountMinimum: minimum,
            amountMaximum: maximum,
            limitsLocation: mapping.value("limits").map { location($0) },
            currency: string(mapping.value("currency"), "currency") ?? "FCFA",
            maxAttempts: int(mapping.value("attempts"), "attempts", in: 1...10) ?? 3,
            texts: texts,
            screens: screens,
            file: file,
            location: location(root)
        )
        definition.resume = resume
        return definition
    }

    /// The engine reads a navigation answer before the screen's own: one that is also a menu option's
    /// number or a confirmation's 1 or 2 would make that choice impossible to pick.
    mutating func checkNavigation(_ navigation: Navigation, against screens: [ScreenDefinition], at node: Node) {
        var taken: [String: String] = [:]
        for screen in screens {
            switch screen.kind {
            case .menu(let options):
                for number in 1...max(1, options.count) where taken[String(number)] == nil {
                    taken[String(number)] = "option \(number) of '\(screen.id)'"
                }
            case .confirm:
                for answer in ["1", "2"] where taken[answer] == nil { taken[answer] = "answer \(answer) of confirmation '\(screen.id)'" }
            default:
                break
            }
        }
        for (name, answer) in [("back", navigation.back), ("home", navigation.home), ("next", navigation.next)] {
            if let owner = taken[answer] {
                error(.structure, node, "navigation.\(name) is \(answer), which is also \(owner): that choice could never be made")
            }
        }
    }

    mutating func screen(_ id: String, key: Node, _ node: Node) -> ScreenDefinition? {
        let what = "screen '\(id)'"
        guard let mapping = mapping(node, what) else { return nil }
        guard let type = requiredString(mapping, "type", in: key, what) else { return nil }
        guard let specific = MenuFileParser.screenKeys[type] else {
            error(.structure, mapping.value("type"), "\(what): unknown type '\(type)' (menu, input, confirm, action, router, end)")
            return nil
        }
        checkKeys(mapping, allowed: MenuFileParser.commonScreenKeys.union(specific), in: what)
        let text = localizedText(mapping.value("text"), "\(what) text")
        let footer = localizedText(mapping.value("footer"), "\(what) footer")
        var assignments: [ScreenDefinition.Assignment] = []
        if let setNode = mapping.value("set"), let setMapping = self.mapping(setNode, "\(what) set") {
            for (variableNode, valueNode) in setMapping {
                guard let variable = identifier(variableNode, "a variable of \(what) set"),
                    let source = string(valueNode, "a value of \(what) set"),
                    let template = template(source, at: valueNode)
                else { continue }
                assignments.append(.init(variable: variable, value: template, location: location(variableNode)))
            }
        }
        let paged = bool(mapping.value("paged"), "\(what) paged") ?? false

        let kind: ScreenDefinition.Kind
        switch type {
        case "menu":
            guard let optionsNode = mapping.value("options"), let sequence = optionsNode.sequence, !sequence.isEmpty else {
                error(.structure, key, "\(what): a menu needs a non-empty 'options:' list")
                return nil
            }
            var options: [ScreenDefinition.Option] = []
            for optionNode in sequence {
                guard let option = self.mapping(optionNode, "an option of \(what)") else { continue }
                checkKeys(option, allowed: ["label", "next"], in: "an option of \(what)")
                guard let label = localizedText(option.value("label"), "option label of \(what)") else {
                    error(.structure, optionNode, "an option of \(what) needs 'label:'")
                    continue
                }
                guard let next = reference(option.value("next"), "next") else {
                    error(.structure, optionNode, "an option of \(what) needs 'next:'")
                    continue
                }
                options.append(.init(label: label, next: next))
            }
            kind = .menu(options: options)
        case "input":
            guard let validator = validator(mapping.value("validate"), in: what, at: key),
                let variable = requiredIdentifier(mapping, "var", in: key, what),
                let next = reference(mapping.value("next"), "next")
            else {
                if mapping.value("next") == nil { error(.structure, key, "\(what) needs 'next:'") }
                return nil
            }
            kind = .input(validator: validator, variable: variable, next: next)
        case "confirm":
            guard let next = reference(mapping.value("next"), "next") else {
                error(.structure, key, "\(what) needs 'next:' (where 1 leads)")
                return nil
            }
            kind = .confirm(next: next, cancel: reference(mapping.value("cancel"), "cancel"))
        case "action":
            guard let name = requiredIdentifier(mapping, "action", in: key, what) else { return nil }
            var arguments: [ScreenDefinition.Argument] = []
            if let argsNode = mapping.value("args"), let args = self.mapping(argsNode, "\(what) args") {
                for (argument, variable) in args {
                    guard let argumentName = identifier(argument, "an argument name of \(what)"),
                        let variableName = identifier(variable, "the variable of argument '\(argument.scalar?.string ?? "")' of \(what)")
                    else { continue }
                    arguments.append(.init(name: argumentName, variable: variableName, location: location(argument)))
                }
            }
            var routes: [ScreenDefinition.OutcomeRoute] = []
            if let onNode = mapping.value("on"), let on = self.mapping(onNode, "\(what) on") {
                for (outcome, next) in on {
                    guard let outcomeName = identifier(outcome, "an outcome of \(what)"), let reference = reference(next, "next") else { continue }
                    routes.append(.init(outcome: outcomeName, next: reference))
                }
            }
            kind = .action(name: name, arguments: arguments, routes: routes, otherwise: reference(mapping.value("otherwise"), "otherwise"))
        case "router":
            guard let routesNode = mapping.value("routes"), let sequence = routesNode.sequence, !sequence.isEmpty else {
                error(.structure, key, "\(what): a router needs a non-empty 'routes:' list")
                return nil
            }
            var routes: [ScreenDefinition.Route] = []
            for routeNode in sequence {
                guard let route = self.mapping(routeNode, "a route of \(what)") else { continue }
                checkKeys(route, allowed: ["when", "next"], in: "a route of \(what)")
                var condition: Condition?
                if let whenNode = route.value("when"), let source = string(whenNode, "when") {
                    condition = Condition(parsing: source)
                    if condition == nil {
                        error(.structure, whenNode, "\(what): cannot read condition '\(source)' (use `var`, `!var`, `var == value`, `var != value`)")
                    }
                }
                guard let next = reference(route.value("next"), "next") else {
                    error(.structure, routeNode, "a route of \(what) needs 'next:'")
                    continue
                }
                routes.append(.init(condition: condition, next: next, location: location(routeNode)))
            }
            kind = .router(routes: routes)
        default:
            if text == nil { error(.structure, key, "\(what): an end screen needs 'text:'") }
            kind = .end
        }
        if text == nil, ["input", "confirm"].contains(type) {
            error(.structure, key, "\(what): a \(type) screen needs 'text:'")
        }
        return ScreenDefinition(
            id: id, location: location(key), kind: kind, text: text, footer: footer, assignments: assignments, paged: paged)
    }

    mutating func validator(_ node: Node?, in what: String, at key: Node) -> ValidatorDefinition? {
        guard let node else {
            error(.structure, key, "\(what) needs 'validate:' (\(ValidatorDefinition.names.joined(separator: ", ")))")
            return nil
        }
        var name: String?
        var options: Node.Mapping?
        if let scalar = node.scalar {
            name = scalar.string
        } else if let mapping = self.mapping(node, "validate") {
            options = mapping
            name = requiredString(mapping, "type", in: node, "validate")
        }
        guard let name else { return nil }
        let optionNode = { (key: String) in options?.value(key) }
        let allowed: Set<String>
        let kind: ValidatorDefinition.Kind
        switch name {
        case "digits":
            allowed = ["length", "min", "max"]
            if let length = int(optionNode("length"), "length", in: 1...64) {
                kind = .digits(min: length, max: length)
            } else {
                let low = int(optionNode("min"), "min", in: 1...64) ?? 1
                let high = int(optionNode("max"), "max", in: 1...64) ?? 20
                if low > high { error(.structure, node, "a digits validator's min (\(low)) is above its max (\(high))") }
                kind = .digits(min: low, max: high)
            }
        case "amount":
            allowed = ["min", "max"]
            let low = int(optionNode("min"), "min", in: 1...Int.max).map(Int64.init)
            let high = int(optionNode("max"), "max", in: 1...Int.max).map(Int64.init)
            if let low, let high, low > high { error(.structure, node, "an amount validator's min (\(low)) is above its max (\(high))") }
            kind = .amount(min: low, max: high)
        case "msisdn":
            allowed = []
            kind = .msisdn
        case "pin":
            allowed = []
            kind = .pin
        case "regex":
            allowed = ["pattern"]
            guard let pattern = string(optionNode("pattern"), "pattern") else {
                error(.structure, node, "a regex validator needs 'pattern:'")
                return nil
            }
            do {
                _ = try Validator.anchored(pattern)
            } catch {
                self.error(.structure, optionNode("pattern"), "invalid regular expression '\(pattern)': \(error)")
                return nil
            }
            kind = .regex(pattern: pattern)
        case "choice":
            allowed = ["choices"]
            var choices: [(String, String)] = []
            if let choicesNode = optionNode("choices") {
                if let list = choicesNode.sequence {
                    choices = list.compactMap { string($0, "a choice") }.map { ($0, $0) }
                } else if let mapping = choicesNode.mapping {
                    for (answer, value) in mapping {
                        if let answer = string(answer, "a choice"), let value = string(value, "a choice value") {
                            choices.append((answer, value))
                        }
                    }
                } else {
                    error(.structure, choicesNode, "choices must be a list or a mapping of answer to value, not \(Self.describe(choicesNode))")
                }
                let answers = choices.map(\.0)
                if Set(answers).count < answers.count { error(.structure, choicesNode, "a choice validator lists the same answer twice") }
            }
            if choices.isEmpty {
                error(.structure, node, "a choice validator needs 'choices:' (a list or a mapping of answer to value)")
                return nil
            }
            kind = .choice(choices)
        default:
            error(.unknownValidator, node, "unknown validator '\(name)' (\(ValidatorDefinition.names.joined(separator: ", ")))")
            return nil
        }
        if let options {
            checkKeys(options, allowed: allowed.union(["type", "reason"]), in: "validate '\(name)'")
        }
        let reason = localizedText(optionNode("reason"), "reason")
        return ValidatorDefinition(kind: kind, reason: reason, location: location(node))
    }
}
