import SessionScripts
import Testing

/// A target that plays back canned screens, so the runner is tested without any engine.
actor CannedTarget: ScriptTarget {
    var screens: [String: [Screen]]
    var sms: [String: [String]]
    var balances: [String: Int64]
    var aborted: [String] = []
    var queues: [String: [Screen]] = [:]

    init(screens: [String: [Screen]], sms: [String: [String]] = [:], balances: [String: Int64] = [:]) {
        self.screens = screens
        self.sms = sms
        self.balances = balances
    }

    func begin(session: String, msisdn: String, dial: String) async throws -> Screen {
        var queue = screens[dial] ?? []
        let first = queue.removeFirst()
        queues[session] = queue
        return first
    }

    func reply(session: String, input: String) async throws -> Screen {
        queues[session]!.removeFirst()
    }

    func abort(session: String) async throws { aborted.append(session) }
    func smsReceived(msisdn: String) async throws -> [String] { sms[msisdn] ?? [] }
    func balance(msisdn: String) async throws -> Int64? { balances[msisdn] }
}

@Suite struct ScriptRunnerTests {
    static let script = """
        script: demo
        sessions:
          - from: "22890112233"
            dial: "*145#"
            steps:
              - show: "Menu"
              - answer: "1"
                show: { exact: "Second\\nscreen" }
              - answer: "2"
                end: { regex: "^Done [0-9]+$", not_contains: "2580" }
        sms:
          - to: "22890445566"
            messages: [{ contains: "b" }, { contains: "a" }]
            order: any
          - to: "22890112233"
            messages: ["first", "second"]
            count: 2
        balances:
          "22890112233": 100
          "22893000000": null
        """

    static let screens = [
        "*145#": [Screen(text: "Menu", isFinal: false), Screen(text: "Second\nscreen", isFinal: false), Screen(text: "Done 42", isFinal: true)]
    ]

    func run(
        _ yaml: String = script, screens: [String: [Screen]] = screens,
        sms: [String: [String]] = ["22890445566": ["a", "b"], "22890112233": ["first", "x", "second"]],
        balances: [String: Int64] = ["22890112233": 100]
    ) async throws -> ScriptResult {
        let scripts = try ScriptParser.parse(yaml: yaml, file: "demo.yaml")
        let runner = ScriptRunner { CannedTarget(screens: screens, sms: sms, balances: balances) }
        return await runner.run(scripts[0])
    }

    @Test func passingScript() async throws {
        let result = try await run(sms: ["22890445566": ["a", "b"], "22890112233": ["first", "second"]])
        #expect(result.passed, "\(result)")
        #expect(result.description == "PASS demo.yaml: demo")
    }

    @Test func smsCountIsExact() async throws {
        let result = try await run()
        let failure = try #require(result.failure)
        #expect(failure.place == "sms to 22890112233")
        #expect(failure.expected == "2 SMS")
        #expect(failure.line == 15)
    }

    @Test func wrongTextReportsStepExpectedAndActual() async throws {
        let screens = ["*145#": [Screen(text: "Menu", isFinal: false), Screen(text: "Other", isFinal: false), Screen(text: "Done 1", isFinal: true)]]
        let result = try await run(screens: screens)
        let failure = try #require(result.failure)
        #expect(failure.session == 1)
        #expect(failure.step == 2)
        #expect(failure.line == 7)
        #expect(failure.expected == "CON exactly \"Second\\nscreen\"")
        #expect(failure.actual == "CON Other")
        #expect(result.description.hasPrefix("FAIL demo.yaml:7: demo: session 1 (22890112233 *145#), step 2 (answer \"1\")"))
    }

    @Test func endVersusContinueIsChecked() async throws {
        let screens = [
            "*145#": [Screen(text: "Menu", isFinal: false), Screen(text: "Second\nscreen", isFinal: false), Screen(text: "Done 1", isFinal: false)]
        ]
        let failure = try #require(try await run(screens: screens).failure)
        #expect(failure.step == 3)
        #expect(failure.actual == "CON Done 1")
    }

    @Test func answeringAnEndedSessionFails() async throws {
        let screens = ["*145#": [Screen(text: "Menu", isFinal: true)]]
        let yaml = "script: x\nsessions:\n  - { from: \"1\", dial: \"*145#\", steps: [{ screen: Menu }, { answer: \"1\" }] }\n"
        let failure = try #require(try await run(yaml, screens: screens).failure)
        #expect(failure.step == 2)
        #expect(failure.actual.contains("the session had ended"))
    }

    @Test func smsOrderAndSetSemantics() async throws {
        let inOrder = try TextMatcher(contains: ["a"])
        let second = try TextMatcher(contains: ["b"])
        let yamlInOrder = Self.script.replacingOccurrences(of: "order: any", with: "order: sequence")
        let result = try await run(yamlInOrder, sms: ["22890445566": ["a", "b"], "22890112233": ["first", "second"]])
        let failure = try #require(result.failure)
        #expect(failure.place == "sms to 22890445566")
        #expect(inOrder.matches("xa") && second.matches("b"))
    }

    @Test func balanceDifference() async throws {
        let result = try await run(sms: ["22890445566": ["a", "b"], "22890112233": ["first", "second"]], balances: ["22890112233": 90])
        let failure = try #require(result.failure)
        #expect(failure.place == "balance of 22890112233")
        #expect(failure.expected == "100")
        #expect(failure.actual == "90")
    }

    @Test func missingWalletIsNull() async throws {
        let result = try await run(
            sms: ["22890445566": ["a", "b"], "22890112233": ["first", "second"]], balances: ["22890112233": 100, "22893000000": 5])
        #expect(result.failure?.actual == "5")
        #expect(result.failure?.expected == "no wallet")
    }

    @Test func unfinishedSessionsAreReleased() async throws {
        let target = CannedTarget(screens: ["*145#": [Screen(text: "Menu", isFinal: false)]])
        let scripts = try ScriptParser.parse(
            yaml: "script: open\nsessions:\n  - { from: \"1\", dial: \"*145#\", steps: [{ show: Menu }] }\n", file: "open.yaml")
        let result = await ScriptRunner { target }.run(scripts[0])
        #expect(result.passed)
        #expect(await target.aborted.count == 1)
    }

    @Test func severalScriptsPerFile() throws {
        let yaml =
            "script: one\nsessions: [{ from: \"1\", dial: \"*1#\", steps: [{ show: a }] }]\n---\n"
            + "sessions: [{ from: \"1\", dial: \"*1#\", steps: [{ end: b }] }]\n"
        let scripts = try ScriptParser.parse(yaml: yaml, file: "two.yaml")
        #expect(scripts.map(\.name) == ["one", "two.yaml #2"])
        #expect(scripts[1].conversations[0].steps[0].expect?.isFinal == true)
    }

    @Test(arguments: [
        ("sessions: []", 1, "non-empty list"),
        ("script: x\nsessions:\n  - from: \"1\"\n    steps: [{ show: a }]", 3, "dial"),
        ("script: x\nsessions:\n  - from: \"1\"\n    dial: \"*1#\"\n    steps:\n      - show: a\n      - show: b", 7, "only the first step"),
        ("script: x\nsessions:\n  - from: \"1\"\n    dial: \"*1#\"\n    steps:\n      - answer: \"1\"\n        shw: a", 7, "unknown key 'shw'"),
        ("script: x\nsessions:\n  - { from: \"1\", dial: \"*1#\", steps: [{ show: { regex: \"(\" } }] }", 3, "invalid regular expression"),
        ("script: x\nsessions: [{ from: \"1\", dial: \"*1#\", steps: [{ show: a }] }]\nbalances: { \"1\": lots }", 3, "whole number"),
        ("script: x\nsessions: [{ from: \"1\", dial: \"*1#\", steps: [{ show: a }] }]\nsms: [{ to: \"1\", order: random, count: 1 }]", 3, "order"),
        ("script: [unclosed", 2, "invalid YAML"),
    ])
    func parseErrorsNameTheLine(yaml: String, line: Int, message: String) {
        #expect {
            _ = try ScriptParser.parse(yaml: yaml, file: "bad.yaml")
        } throws: { error in
            guard let error = error as? ScriptError else { return false }
            return error.file == "bad.yaml" && error.line == line && error.message.contains(message)
        }
    }
}
