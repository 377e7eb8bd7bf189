extension ResumePolicy {
    /// The compiled policy of a `resume:` block; `off` without one.
    init(_ definition: ResumeDefinition?, languages: [String]) {
        guard let definition else {
            self = .off
            return
        }
        var prompt: [String: String] = [:]
        for language in languages {
            if let text = definition.text?.template(for: language)?.plainText { prompt[language] = GSM7.sanitize(text) }
        }
        self.init(mode: definition.mode, window: .seconds(definition.windowSeconds), prompt: prompt)
    }
}

extension MenuSet {
    /// What service `id` does when a dropped session's number dials it again; `off` for an unknown service.
    public func resumePolicy(ofService id: String) -> ResumePolicy {
        (try? service(id: id))?.resume ?? .off
    }
}

extension MenuEngine {
    /// The resume question of a session's service, in the session's language (else the service's first).
    public func resumePrompt(for session: MenuSession) -> Reply {
        let languages = menus.languages(ofService: session.service)
        let policy = menus.resumePolicy(ofService: session.service)
        let language = session.language.flatMap { policy.prompt[$0] != nil ? $0 : nil } ?? languages.first ?? "fr"
        return Reply(text: policy.prompt[language] ?? "", isFinal: false)
    }

    /// The form of `session` that may be written to a store and resumed later: no PIN (nor any value of
    /// a masked input), and so, when it held one or was running an action that consumed one, moved back to
    /// the first screen that asked for it, so that a resume asks again. A session waiting for an action
    /// that took no PIN goes back to the screen whose answer started it.
    ///
    /// Pure and cheap when the session holds no secret (the common case): it is returned as it is.
    public func storable(_ session: MenuSession) -> MenuSession {
        guard let service = try? menus.service(id: session.service) else { return session }
        let heldSecrets = service.secrets.filter { session.variables[$0] != nil }
        let waitingForAction = session.pendingAction != nil
        guard !heldSecrets.isEmpty || waitingForAction else { return session }
        var wanted = heldSecrets
        if waitingForAction, let index = service.screenIndex[session.screen],
            case .action(_, let arguments, _, _) = service.screens[index].kind
        {
            wanted.formUnion(arguments.map(\.variable).filter { service.secrets.contains($0) })
        }
        var stored = session
        for secret in service.secrets { stored.variables[secret] = nil }
        stored.prefill = []
        // The trail of screens that led here, current one last; the first one asking for a wanted secret wins.
        let trail = session.history + (waitingForAction ? [] : [session.screen])
        let asking = trail.firstIndex { id in
            guard let index = service.screenIndex[id], case .input(_, let variable, _) = service.screens[index].kind else { return false }
            return wanted.contains(variable)
        }
        let target: Int? = asking ?? (waitingForAction && !trail.isEmpty ? trail.count - 1 : nil)
        guard let target else { return stored }
        stored.screen = trail[target]
        stored.history = Array(trail[..<target])
        stored.page = 0
        stored.attempts = 0
        stored.state = .awaitingInput
        return stored
    }

    /// Shows a stored session's current screen again (its current page), for a resume: the session goes on
    /// from there with ``step(_:input:)``.
    ///
    /// - Throws: ``MenuError/Code/unknownScreen`` when the menus changed since, ``MenuError/Code/sessionEnded``.
    public func reshow(_ session: MenuSession) throws(MenuError) -> StepResult {
        guard session.state == .awaitingInput else { throw MenuError(.sessionEnded, "only a session waiting for an answer is shown again") }
        let service = try menus.service(id: session.service)
        guard let index = service.screenIndex[session.screen], service.screens[index].isInteractive || isPagedEnd(service.screens[index])
        else {
            throw MenuError(.unknownScreen, "service \(service.id) has no screen '\(session.screen)' to show")
        }
        var machine = Machine(service: service, session: session)
        machine.render(index)
        return machine.result
    }

    private func isPagedEnd(_ screen: CompiledScreen) -> Bool {
        if case .end = screen.kind { true } else { false }
    }
}
