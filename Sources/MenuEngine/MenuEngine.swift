/// The USSD menu state machine: pure, deterministic, no I/O.
///
/// A driver (the gateway's session layer) uses it like this:
/// ```swift
/// var result = try engine.begin(dial: "*145#", context: subscriber)
/// while let call = result.actionCall {          // the host runs actions, the engine never does
///     result = try engine.resume(result.session, outcome: host.run(call))
/// }
/// show(result.reply!)                            // CON or END
/// // …later, with the subscriber's answer:
/// result = try engine.step(result.session, input: "1")   // and the same loop again
/// ```
/// Navigation answers (per service, by default `0` back, `00` home, `98` next page) work on every
/// screen that waits for an answer. A wrong answer re-shows the screen under a short reason; the
/// service's `attempts` (3) wrong answers on one screen end the session politely.
public struct MenuEngine: Sendable {
    /// The services this engine runs.
    public let menus: MenuSet

    /// An engine running `menus`.
    public init(menus: MenuSet) {
        self.menus = menus
    }

    /// Starts a session for a dial string. Answers given in the dial string (`*145*1*90112233#`)
    /// are played in order until none is left, a screen refuses one, or a PIN is asked (a PIN is
    /// never taken from a dial string).
    ///
    /// - Throws: ``MenuError/Code/invalidDialString`` or ``MenuError/Code/unknownService``.
    public func begin(dial: String, context: SubscriberContext) throws(MenuError) -> StepResult {
        let dialString = try DialString(parsing: dial)
        let service = try menus.service(forDial: dialString)
        let session = MenuSession(
            service: service.id, screen: service.screens[service.start].id, variables: context.variables,
            prefill: dialString.answers)
        var machine = Machine(service: service, session: session)
        machine.enter(service.start)
        return machine.result
    }

    /// Applies the subscriber's answer to a session waiting for one.
    ///
    /// - Throws: ``MenuError/Code/awaitingAction`` when an action result is due first,
    ///   ``MenuError/Code/sessionEnded``, or ``MenuError/Code/unknownScreen`` when the menus changed.
    public func step(_ session: MenuSession, input: String) throws(MenuError) -> StepResult {
        switch session.state {
        case .awaitingInput: break
        case .awaitingAction(let name): throw MenuError(.awaitingAction, "the session waits for the result of '\(name)'")
        case .ended: throw MenuError(.sessionEnded, "the session is over")
        }
        let service = try menus.service(id: session.service)
        guard let index = service.screenIndex[session.screen] else {
            throw MenuError(.unknownScreen, "service \(service.id) has no screen '\(session.screen)'")
        }
        var machine = Machine(service: service, session: session)
        machine.handle(input, on: index)
        return machine.result
    }

    /// Continues a session after the host ran the action it asked for: the outcome's values are
    /// merged into the variables and the action screen routes on the outcome's name (an outcome
    /// the screen does not route goes to its `otherwise`, then to the service's `fallback`).
    ///
    /// - Throws: ``MenuError/Code/notAwaitingAction`` or ``MenuError/Code/unknownScreen``.
    public func resume(_ session: MenuSession, outcome: ActionOutcome) throws(MenuError) -> StepResult {
        guard case .awaitingAction = session.state else {
            throw MenuError(.notAwaitingAction, "the session does not wait for an action result")
        }
        let service = try menus.service(id: session.service)
        guard let index = service.screenIndex[session.screen], case .action(_, _, let routes, let otherwise) = service.screens[index].kind
        else {
            throw MenuError(.unknownScreen, "service \(service.id) has no action screen '\(session.screen)'")
        }
        var machine = Machine(service: service, session: session)
        for (key, value) in outcome.values where !service.secrets.contains(key) {
            machine.session.variables[key] = value
        }
        machine.session.state = .awaitingInput
        machine.enter(routes[outcome.name] ?? otherwise)
        return machine.result
    }
}

/// One engine call's work on a session.
struct Machine {
    let service: CompiledService
    var session: MenuSession
    var reply: Reply?
    var effects: [Effect] = []

    /// Back history is bounded so that a subscriber going round in circles cannot grow a session.
    static let maxHistory = 16
    /// Routers that lead to routers without ever reaching a screen would loop forever.
    static let maxHops = 64

    var result: StepResult { StepResult(session: session, reply: reply, effects: effects) }

    var language: Int { service.language(session.variables[SubscriberContext.languageVariable]) }

    /// Moves to screen `index` and runs it: routers route, actions ask the host, end screens
    /// end, and screens that wait for an answer use a direct-dial answer if one is left.
    mutating func enter(_ start: Int) {
        var index = start
        for _ in 0..<Self.maxHops {
            let screen = service.screens[index]
            session.screen = screen.id
            session.page = 0
            session.attempts = 0
            apply(screen.assignments)
            switch screen.kind {
            case .router(let routes, let otherwise):
                index = routes.first { $0.condition?.holds(in: session.variables) ?? true }?.next ?? otherwise
                continue
            case .action(let name, let arguments, _, _):
                var values: [String: String] = [:]
                for argument in arguments { values[argument.name] = session.variables[argument.variable] ?? "" }
                // The PIN leaves the session with the call: a stored session never holds it.
                for argument in arguments where service.secrets.contains(argument.variable) {
                    session.variables[argument.variable] = nil
                }
                session.state = .awaitingAction(name)
                effects.append(.callAction(ActionCall(name: name, arguments: values)))
                return
            case .end:
                show(index)
                return
            case .menu, .input, .confirm:
                guard !session.prefill.isEmpty else {
                    show(index)
                    return
                }
                if screen.isPinInput {
                    session.prefill.removeAll()
                    show(index)
                    return
                }
                handle(session.prefill.removeFirst(), on: index)
                return
            }
        }
        // A router cycle: a menu bug the linter reports; end politely rather than spin.
        session.prefill.removeAll()
        show(service.screenIndex["__technical_error"] ?? index)
    }

    /// Applies an answer to the screen at `index`, which waits for one.
    mutating func handle(_ input: String, on index: Int) {
        let screen = service.screens[index]
        let navigation = service.navigation
        if input == navigation.next, session.page + 1 < session.pageCount {
            session.page += 1
            render(index)
            return
        }
        if input == navigation.back {
            if session.page > 0 {
                session.page -= 1
                render(index)
            } else if let previous = session.history.popLast(), let previousIndex = service.screenIndex[previous] {
                session.screen = previous
                session.page = 0
                session.attempts = 0
                show(previousIndex)
            } else {
                render(index)
            }
            return
        }
        if input == navigation.home {
            session.history.removeAll()
            session.prefill.removeAll()
            forgetSecrets()
            enter(service.home)
            return
        }
        switch screen.kind {
        case .menu(let next):
            if let choice = Int(input), choice >= 1, choice <= next.count {
                remember(screen)
                enter(next[choice - 1])
            } else {
                refuse(index, reason: service.invalidChoice[language], values: [:])
            }
        case .input(let validator, let variable, let next):
            if let value = validator.validate(input, rules: service.rules) {
                session.variables[variable] = value
                remember(screen)
                enter(next)
            } else {
                refuse(index, reason: validator.reason[language], values: validator.reasonValues)
            }
        case .confirm(let next, let cancel):
            switch input {
            case "1":
                remember(screen)
                enter(next)
            case "2":
                forgetSecrets()
                enter(cancel)
            default:
                refuse(index, reason: service.invalidChoice[language], values: [:])
            }
        case .end, .router, .action:
            // Only a paged end screen waits for an answer, and only for navigation.
            refuse(index, reason: service.invalidChoice[language], values: [:])
        }
    }

    mutating func remember(_ screen: CompiledScreen) {
        session.history.append(screen.id)
        if session.history.count > Self.maxHistory { session.history.removeFirst() }
    }

    mutating func forgetSecrets() {
        for secret in service.secrets { session.variables[secret] = nil }
    }

    mutating func apply(_ assignments: [CompiledScreen.Assignment]) {
        for assignment in assignments {
            let value = assignment.value.render(context)
            if assignment.variable == SubscriberContext.languageVariable, session.variables[assignment.variable] != value {
                effects.append(.setLanguage(value))
            }
            session.variables[assignment.variable] = value
        }
    }

    var context: RenderContext {
        RenderContext(variables: session.variables, secrets: service.secrets, currency: service.currency, rules: service.rules)
    }

    /// A wrong answer: say why and ask again, or end the session after too many.
    mutating func refuse(_ index: Int, reason: Template, values: [String: String]) {
        session.prefill.removeAll()
        session.attempts += 1
        if session.attempts >= service.maxAttempts {
            finish(text: service.tooManyErrors[language].render(context), reason: .tooManyAttempts)
            return
        }
        var renderContext = context
        renderContext.extra = values
        session.page = 0
        render(index, prefix: reason.render(renderContext))
    }

    /// Shows screen `index` from its first page.
    mutating func show(_ index: Int) {
        session.page = 0
        render(index)
    }

    /// Renders the current page of screen `index`, with an optional line above it.
    mutating func render(_ index: Int, prefix: String? = nil) {
        let screen = service.screens[index]
        let language = self.language
        var text = ""
        if let prefix, !prefix.isEmpty {
            text = prefix
            text += "\n"
        }
        screen.body[language].render(into: &text, context: context)
        let pages = Pager.pages(of: GSM7.sanitize(text), moreHint: service.moreHint[language])
        session.pageCount = pages.count
        session.page = min(session.page, pages.count - 1)
        let isLastPage = session.page == pages.count - 1
        if case .end = screen.kind, isLastPage {
            finish(text: pages[session.page], reason: .completed)
            return
        }
        reply = Reply(text: pages[session.page], isFinal: false)
    }

    mutating func finish(text: String, reason: Effect.EndReason) {
        forgetSecrets()
        session.prefill.removeAll()
        session.state = .ended
        reply = Reply(text: GSM7.sanitize(text), isFinal: true)
        effects.append(.sessionEnded(reason))
    }
}
