/// Runs session scripts against a target and reports, per script, pass or the first difference.
public struct ScriptRunner: Sendable {
    /// Makes the target for one script: a fresh world each time, so scripts do not depend on
    /// each other's money movements.
    public let makeTarget: @Sendable () async throws -> any ScriptTarget

    /// A runner building a fresh target per script.
    public init(makeTarget: @escaping @Sendable () async throws -> any ScriptTarget) {
        self.makeTarget = makeTarget
    }

    /// Runs the scripts one after the other.
    public func run(_ scripts: [SessionScript]) async -> [ScriptResult] {
        var results: [ScriptResult] = []
        for script in scripts { results.append(await run(script)) }
        return results
    }

    /// Runs one script on a fresh target.
    public func run(_ script: SessionScript) async -> ScriptResult {
        let failure: ScriptFailure?
        do {
            let target = try await makeTarget()
            failure = await Execution(script: script, target: target).run()
        } catch {
            failure = ScriptFailure(
                place: "setup", session: 0, step: 0, line: script.line, expected: "a fresh target", actual: "error: \(error)")
        }
        return ScriptResult(name: script.name, file: script.file, failure: failure)
    }
}

/// One script's run.
private struct Execution {
    let script: SessionScript
    let target: any ScriptTarget

    func run() async -> ScriptFailure? {
        let prefix = script.name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20)
        for (index, conversation) in script.conversations.enumerated() {
            let session = "script-\(prefix)-\(index + 1)"
            if let failure = await run(conversation, number: index + 1, session: session) { return failure }
        }
        for expectation in script.sms {
            if let failure = await check(expectation) { return failure }
        }
        for expectation in script.balances {
            let actual: Int64?
            do {
                actual = try await target.balance(msisdn: expectation.msisdn)
            } catch {
                return afterwards("balance of \(expectation.msisdn)", expectation.line, String(describing: expectation.amount), "error: \(error)")
            }
            if actual != expectation.amount {
                return afterwards(
                    "balance of \(expectation.msisdn)", expectation.line, Self.amount(expectation.amount), Self.amount(actual))
            }
        }
        return nil
    }

    static func amount(_ value: Int64?) -> String { value.map(String.init) ?? "no wallet" }

    func afterwards(_ place: String, _ line: Int, _ expected: String, _ actual: String) -> ScriptFailure {
        ScriptFailure(place: place, session: 0, step: 0, line: line, expected: expected, actual: actual)
    }

    func run(_ conversation: SessionScript.Conversation, number: Int, session: String) async -> ScriptFailure? {
        let label = "session \(number) (\(conversation.from) \(conversation.dial))"
        var screen: Screen
        do {
            screen = try await target.begin(session: session, msisdn: conversation.from, dial: conversation.dial)
        } catch {
            return ScriptFailure(
                place: "\(label), dial", session: number, step: 1, line: conversation.line, expected: "a screen", actual: "error: \(error)")
        }
        for (index, step) in conversation.steps.enumerated() {
            let place = "\(label), step \(index + 1)" + (step.answer.map { " (answer \"\($0)\")" } ?? " (dial)")
            if let answer = step.answer {
                if screen.isFinal {
                    return ScriptFailure(
                        place: place, session: number, step: index + 1, line: step.line, expected: "a screen waiting for an answer",
                        actual: "the session had ended: \(screen)")
                }
                do {
                    screen = try await target.reply(session: session, input: answer)
                } catch {
                    return ScriptFailure(
                        place: place, session: number, step: index + 1, line: step.line, expected: "a screen", actual: "error: \(error)")
                }
            }
            if let expect = step.expect {
                let finalMatches = expect.isFinal.map { $0 == screen.isFinal } ?? true
                if !finalMatches || !expect.text.matches(screen.text) {
                    return ScriptFailure(
                        place: place, session: number, step: index + 1, line: step.line, expected: expect.description,
                        actual: screen.description)
                }
            }
        }
        // `abort: true` is the network dropping the session; a session merely left open is the phone hanging
        // up (it would hold the subscriber in the real gateway), which is a cancel, never offered back.
        if conversation.abort {
            try? await target.abort(session: session)
        } else if !screen.isFinal {
            try? await target.cancel(session: session)
        }
        return nil
    }

    func check(_ expectation: SessionScript.SMSExpectation) async -> ScriptFailure? {
        let place = "sms to \(expectation.to)"
        let received: [String]
        do {
            received = try await target.smsReceived(msisdn: expectation.to)
        } catch {
            return afterwards(place, expectation.line, "the SMS received", "error: \(error)")
        }
        let shown = received.isEmpty ? "no SMS" : received.map { TextMatcher.quoted($0) }.joined(separator: ", ")
        if let count = expectation.count, received.count != count {
            return afterwards(place, expectation.line, "\(count) SMS", "\(received.count): \(shown)")
        }
        let matched: Bool
        switch expectation.order {
        case .sequence: matched = Self.matchesInOrder(expectation.messages, received)
        case .any: matched = Self.matchesAsSet(expectation.messages, received)
        }
        if !matched {
            let order = expectation.order == .sequence ? "in order" : "in any order"
            let wanted = expectation.messages.map(\.description).joined(separator: "; ")
            return afterwards(place, expectation.line, "SMS \(order): \(wanted)", shown)
        }
        return nil
    }

    /// Each matcher matches a later message than the previous one (others may come between).
    static func matchesInOrder(_ matchers: [TextMatcher], _ messages: [String]) -> Bool {
        var position = 0
        for matcher in matchers {
            guard let found = messages[position...].firstIndex(where: matcher.matches) else { return false }
            position = found + 1
        }
        return true
    }

    /// Each matcher matches a different message (a small bipartite matching, by backtracking).
    static func matchesAsSet(_ matchers: [TextMatcher], _ messages: [String]) -> Bool {
        var used = Array(repeating: false, count: messages.count)
        func assign(_ index: Int) -> Bool {
            if index == matchers.count { return true }
            for (position, message) in messages.enumerated() where !used[position] && matchers[index].matches(message) {
                used[position] = true
                if assign(index + 1) { return true }
                used[position] = false
            }
            return false
        }
        return assign(0)
    }
}
