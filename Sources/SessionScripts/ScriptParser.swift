import Foundation
import Yams

/// Reads session script files (see ``SessionScript`` for the format), stopping at the first
/// mistake with its file and line.
public enum ScriptParser {
    /// The scripts of one file.
    public static func load(contentsOf url: URL) throws(ScriptError) -> [SessionScript] {
        let yaml: String
        do {
            yaml = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ScriptError(file: url.path, line: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(yaml: yaml, file: url.lastPathComponent)
    }

    /// The scripts in `yaml` (one per YAML document); `file` names them in errors and results.
    public static func parse(yaml: String, file: String) throws(ScriptError) -> [SessionScript] {
        var roots: [Node] = []
        do {
            var documents = try Yams.compose_all(yaml: yaml)
            while let root = documents.next() { roots.append(root) }
            // The sequence stops at a syntax error and keeps it instead of throwing.
            if let error = documents.error { throw error }
        } catch let error as YamlError {
            var line = 0
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): line = mark.line
            default: break
            }
            let message = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
            throw ScriptError(file: file, line: line, message: "invalid YAML: \(message)")
        } catch {
            throw ScriptError(file: file, line: 0, message: "invalid YAML: \(error)")
        }
        let reader = Reader(file: file)
        var scripts: [SessionScript] = []
        for root in roots { scripts.append(try reader.script(root, index: scripts.count)) }
        if scripts.isEmpty { throw ScriptError(file: file, line: 1, message: "the file holds no script") }
        return scripts
    }
}

/// Node-by-node reading with errors that point at the node.
private struct Reader {
    let file: String

    func fail(_ node: Node?, _ message: String) -> ScriptError {
        ScriptError(file: file, line: node?.mark?.line ?? 0, message: message)
    }

    func mapping(_ node: Node, _ what: String, allowed: Set<String>) throws(ScriptError) -> Node.Mapping {
        guard let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping") }
        for key in mapping.keys {
            let name = key.scalar?.string ?? ""
            if !allowed.contains(name) {
                throw fail(key, "unknown key '\(name)' in \(what) (expected: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
        return mapping
    }

    func string(_ node: Node?, _ what: String, in parent: Node) throws(ScriptError) -> String {
        guard let node else { throw fail(parent, "\(what) is missing") }
        guard let scalar = node.scalar else { throw fail(node, "\(what) must be a plain value") }
        return scalar.string
    }

    func strings(_ node: Node, _ what: String) throws(ScriptError) -> [String] {
        if let scalar = node.scalar { return [scalar.string] }
        guard let sequence = node.sequence else { throw fail(node, "\(what) must be a string or a list of strings") }
        var result: [String] = []
        for item in sequence { result.append(try string(item, "an item of \(what)", in: node)) }
        return result
    }

    func script(_ root: Node, index: Int) throws(ScriptError) -> SessionScript {
        let mapping = try mapping(root, "a script", allowed: ["script", "description", "sessions", "sms", "balances"])
        let name = try mapping.find("script").map { (node) throws(ScriptError) in try string(node, "script", in: root) }
        guard let sessionsNode = mapping.find("sessions"), let sessions = sessionsNode.sequence, !sessions.isEmpty else {
            throw fail(root, "a script needs 'sessions:', a non-empty list")
        }
        var conversations: [SessionScript.Conversation] = []
        for node in sessions { conversations.append(try conversation(node)) }
        var sms: [SessionScript.SMSExpectation] = []
        if let smsNode = mapping.find("sms") {
            guard let list = smsNode.sequence else { throw fail(smsNode, "sms must be a list of { to:, contains: | messages: }") }
            for node in list { sms.append(try smsExpectation(node)) }
        }
        var balances: [SessionScript.BalanceExpectation] = []
        if let balancesNode = mapping.find("balances") {
            guard let map = balancesNode.mapping else { throw fail(balancesNode, "balances must map a number to an amount (or null)") }
            for (key, value) in map {
                let msisdn = try string(key, "a number", in: balancesNode)
                let text = try string(value, "the balance of \(msisdn)", in: key)
                if value.null != nil || text.isEmpty || text == "~" || text == "null" {
                    balances.append(.init(msisdn: msisdn, amount: nil, line: key.mark?.line ?? 0))
                } else if let amount = Int64(text) {
                    balances.append(.init(msisdn: msisdn, amount: amount, line: key.mark?.line ?? 0))
                } else {
                    throw fail(value, "the balance of \(msisdn) must be a whole number or null, not '\(text)'")
                }
            }
        }
        return SessionScript(
            name: name ?? (index == 0 ? file : "\(file) #\(index + 1)"), file: file, line: root.mark?.line ?? 1,
            conversations: conversations, sms: sms, balances: balances)
    }

    func conversation(_ node: Node) throws(ScriptError) -> SessionScript.Conversation {
        let mapping = try mapping(node, "a session", allowed: ["from", "dial", "steps", "abort"])
        let from = try string(mapping.find("from"), "from (the calling number)", in: node)
        let dial = try string(mapping.find("dial"), "dial (the USSD string)", in: node)
        guard let stepsNode = mapping.find("steps"), let list = stepsNode.sequence, !list.isEmpty else {
            throw fail(node, "a session needs 'steps:', a non-empty list")
        }
        var steps: [SessionScript.Step] = []
        for (index, stepNode) in list.enumerated() {
            let step = try self.step(stepNode)
            if step.answer == nil, index > 0 {
                throw fail(stepNode, "only the first step may omit 'answer:' (it checks the screen shown after dialling)")
            }
            steps.append(step)
        }
        let abort = mapping.find("abort")?.bool ?? false
        return .init(from: from, dial: dial, steps: steps, abort: abort, line: node.mark?.line ?? 0)
    }

    func step(_ node: Node) throws(ScriptError) -> SessionScript.Step {
        let mapping = try mapping(node, "a step", allowed: ["answer", "show", "end", "screen"])
        let answer = try mapping.find("answer").map { (value) throws(ScriptError) in try string(value, "answer", in: node) }
        var expectations: [SessionScript.ScreenExpectation] = []
        for (key, isFinal) in [("show", false as Bool?), ("end", true), ("screen", nil)] {
            if let value = mapping.find(key) { expectations.append(.init(isFinal: isFinal, text: try matcher(value))) }
        }
        if expectations.count > 1 { throw fail(node, "a step has one of show:, end: or screen:, not several") }
        if answer == nil, expectations.isEmpty { throw fail(node, "a step needs 'answer:' or an expectation (show:, end:, screen:)") }
        return .init(answer: answer, expect: expectations.first, line: node.mark?.line ?? 0)
    }

    func matcher(_ node: Node) throws(ScriptError) -> TextMatcher {
        do {
            if let scalar = node.scalar { return try TextMatcher(contains: [scalar.string]) }
            let mapping = try mapping(node, "a text expectation", allowed: ["exact", "contains", "not_contains", "regex"])
            return try TextMatcher(
                exact: mapping.find("exact").map { (value) throws(ScriptError) in try string(value, "exact", in: node) },
                contains: mapping.find("contains").map { (value) throws(ScriptError) in try strings(value, "contains") } ?? [],
                notContains: mapping.find("not_contains").map { (value) throws(ScriptError) in try strings(value, "not_contains") } ?? [],
                regex: mapping.find("regex").map { (value) throws(ScriptError) in try string(value, "regex", in: node) }
            )
        } catch let error as ScriptError {
            throw error
        } catch {
            throw fail(node, "invalid regular expression: \(error.localizedDescription)")
        }
    }

    func smsExpectation(_ node: Node) throws(ScriptError) -> SessionScript.SMSExpectation {
        let mapping = try mapping(node, "an sms expectation", allowed: ["to", "contains", "regex", "messages", "order", "count"])
        let to = try string(mapping.find("to"), "to (the receiving number)", in: node)
        var messages: [TextMatcher] = []
        if mapping.find("contains") != nil || mapping.find("regex") != nil {
            // The short form: one message, described right here.
            do {
                messages.append(
                    try TextMatcher(
                        contains: mapping.find("contains").map { (value) throws(ScriptError) in try strings(value, "contains") } ?? [],
                        regex: mapping.find("regex").map { (value) throws(ScriptError) in try string(value, "regex", in: node) }))
            } catch let error as ScriptError {
                throw error
            } catch {
                throw fail(node, "invalid regular expression: \(error.localizedDescription)")
            }
        }
        if let list = mapping.find("messages") {
            guard let items = list.sequence else { throw fail(list, "messages must be a list of text expectations") }
            for item in items { messages.append(try matcher(item)) }
        }
        var order = SessionScript.SMSExpectation.Order.sequence
        if let orderNode = mapping.find("order") {
            let text = try string(orderNode, "order", in: node)
            guard let value = SessionScript.SMSExpectation.Order(rawValue: text) else {
                throw fail(orderNode, "order is 'sequence' (the default) or 'any', not '\(text)'")
            }
            order = value
        }
        let count = try mapping.find("count").map { (value) throws(ScriptError) -> Int in
            guard let count = Int(try string(value, "count", in: node)), count >= 0 else { throw fail(value, "count must be a whole number") }
            return count
        }
        if messages.isEmpty, count == nil { throw fail(node, "an sms expectation needs contains:, regex:, messages: or count:") }
        return .init(to: to, messages: messages, order: order, count: count, line: node.mark?.line ?? 0)
    }
}

extension Node.Mapping {
    /// The value for a key compared as text (so `on`, `yes`, `1` keys stay strings).
    fileprivate func find(_ key: String) -> Node? {
        first { $0.key.scalar?.string == key }?.value
    }
}
