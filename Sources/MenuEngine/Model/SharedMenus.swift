/// Shared menus: one menu file (top-level `menu: wallet`) run by several operators, each filling it with
/// its own values from `operators.yaml`.
///
/// An operator runs a shared menu when its entry says `menu: wallet`. The service built for it takes the
/// operator's `id`, `name`, `ussdCode` and `limits.minTransfer`/`maxTransfer` (the menu file has no
/// `service:`, `name:`, `code:` or `limits:`), and every `{{operator.KEY}}` or `{{peer.KEY}}` in its texts is
/// replaced, once at load time, by the operator's (or its `peer:`'s) value. A key outside
/// ``operatorKeys`` / ``peerKeys`` is an error at the text that uses it.
enum SharedMenus {
    /// What `{{operator.KEY}}` may name.
    static let operatorKeys = ["id", "name", "code", "minTransfer", "maxTransfer"]
    /// What `{{peer.KEY}}` may name: the operator named by `peer:` (the network the off-net screens name).
    static let peerKeys = ["id", "name", "code"]

    /// The services the operators' entries build from `menus`, with every problem found.
    ///
    /// - Parameter rules: the host's rules, for filters applied to substituted values (`{{operator.maxTransfer | money}}`).
    static func instantiate(_ menus: [ServiceDefinition], operators: [OperatorEntry], rules: HostRules) -> (
        services: [ServiceDefinition], diagnostics: [Diagnostic]
    ) {
        var diagnostics: [Diagnostic] = []
        var byName: [String: ServiceDefinition] = [:]
        for menu in menus {
            if let other = byName[menu.id] {
                diagnostics.append(
                    Diagnostic(.error, .duplicateService, at: menu.location, "shared menu '\(menu.id)' is already declared in \(other.file)"))
                continue
            }
            byName[menu.id] = menu
        }
        let operatorsByID = Dictionary(operators.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var used = Set<String>()
        var services: [ServiceDefinition] = []
        for entry in operators {
            guard let reference = entry.menu else { continue }
            guard let menu = byName[reference.id] else {
                diagnostics.append(
                    Diagnostic(
                        .error, .danglingReference, at: reference.location,
                        "operator '\(entry.id)' runs menu '\(reference.id)', which no file declares (a top-level 'menu: \(reference.id)')"))
                continue
            }
            used.insert(menu.id)
            guard let code = entry.code else {
                diagnostics.append(Diagnostic(.error, .structure, at: entry.location, "operator '\(entry.id)' runs a menu but has no ussdCode"))
                continue
            }
            if !ServiceDefinition.isUSSDCode(code) {
                diagnostics.append(
                    Diagnostic(.error, .structure, at: entry.location, "ussdCode of operator '\(entry.id)' must look like \"*145#\", not '\(code)'"))
                continue
            }
            var peer: OperatorEntry?
            if let peerReference = entry.peer {
                peer = operatorsByID[peerReference.id]
                if peer == nil || peerReference.id == entry.id {
                    diagnostics.append(
                        Diagnostic(
                            .error, .danglingReference, at: peerReference.location,
                            "peer of operator '\(entry.id)' must be another operator's id, not '\(peerReference.id)'"))
                }
            }
            var values: [String: String] = [
                "operator.id": entry.id, "operator.name": entry.name ?? entry.id, "operator.code": code,
            ]
            values["operator.minTransfer"] = entry.minTransfer.map(String.init)
            values["operator.maxTransfer"] = entry.maxTransfer.map(String.init)
            if let peer {
                values["peer.id"] = peer.id
                values["peer.name"] = peer.name ?? peer.id
                values["peer.code"] = peer.code
            }
            var service = menu
            service.id = entry.id
            service.name = entry.name ?? entry.id
            service.code = code
            service.amountMinimum = entry.minTransfer
            service.amountMaximum = entry.maxTransfer
            service.limitsLocation = entry.limitsLocation
            var substitution = Substitution(operatorID: entry.id, values: values, hasPeer: entry.peer != nil, currency: menu.currency, rules: rules)
            services.append(substitution.apply(service))
            diagnostics += substitution.diagnostics
        }
        for menu in byName.values where !used.contains(menu.id) {
            diagnostics.append(
                Diagnostic(
                    .warning, .unreachableScreen, at: menu.location,
                    "shared menu '\(menu.id)' is run by no operator (give one 'menu: \(menu.id)' in operators.yaml)"))
        }
        return (services, diagnostics)
    }
}

/// Replaces the `{{operator.KEY}}` and `{{peer.KEY}}` of one service's texts with one operator's values.
private struct Substitution {
    let operatorID: String
    let values: [String: String]
    let hasPeer: Bool
    let currency: String
    let rules: HostRules
    var diagnostics: [Diagnostic] = []

    mutating func apply(_ service: ServiceDefinition) -> ServiceDefinition {
        var service = service
        service.texts = service.texts.map { ($0.key, text($0.text)) }
        service.screens = service.screens.map { screen($0) }
        return service
    }

    mutating func screen(_ screen: ScreenDefinition) -> ScreenDefinition {
        var screen = screen
        screen.text = screen.text.map { text($0) }
        screen.footer = screen.footer.map { text($0) }
        screen.assignments = screen.assignments.map { assignment in
            var assignment = assignment
            assignment.value = template(assignment.value, at: assignment.location)
            return assignment
        }
        switch screen.kind {
        case .menu(let options):
            screen.kind = .menu(options: options.map { option in .init(label: text(option.label), next: option.next) })
        case .input(var validator, let variable, let next):
            validator.reason = validator.reason.map { text($0) }
            screen.kind = .input(validator: validator, variable: variable, next: next)
        default:
            break
        }
        return screen
    }

    mutating func text(_ text: LocalizedText) -> LocalizedText {
        text.mapTemplates { _, template, location in self.template(template, at: location) }
    }

    mutating func template(_ template: Template, at location: SourceLocation) -> Template {
        let context = RenderContext(variables: values, currency: currency, rules: rules)
        var found: [Diagnostic] = []
        let result = template.substituting { reference in
            let parts = reference.path.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["operator", "peer"].contains(parts[0]) else { return nil }
            let known = parts[0] == "operator" ? SharedMenus.operatorKeys : SharedMenus.peerKeys
            if !known.contains(parts[1]) {
                found.append(
                    Diagnostic(
                        .error, .unknownValue, at: location,
                        "'{{\(reference.path)}}' is not a value of operators.yaml (\(parts[0]).\(known.joined(separator: ", \(parts[0]).")))"))
            } else if parts[0] == "peer", !hasPeer {
                found.append(
                    Diagnostic(
                        .error, .unknownValue, at: location,
                        "'{{\(reference.path)}}' needs a peer: operator '\(operatorID)' has no 'peer:' in operators.yaml"))
            } else if values[reference.path] == nil {
                found.append(
                    Diagnostic(
                        .error, .unknownValue, at: location, "'{{\(reference.path)}}': operator '\(operatorID)' has no \(parts[1]) in operators.yaml")
                )
            }
            return context.value(of: reference)
        }
        diagnostics += found
        return result
    }
}
