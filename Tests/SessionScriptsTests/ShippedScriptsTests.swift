import Foundation
import MenuEngine
import SessionScripts
import Testing
import Yams

/// Runs every script of `fixtures/scripts` against the real engine and the shipped menus, with
/// ``FakeWorld`` standing in for MobileMoney.
@Suite struct ShippedScriptsTests {
    static let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scriptsDirectory = root.appending(path: "fixtures/scripts")

    static func scripts() throws -> [SessionScript] {
        let names = try FileManager.default.contentsOfDirectory(atPath: scriptsDirectory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return try names.flatMap { try ScriptParser.load(contentsOf: scriptsDirectory.appending(path: $0)) }
    }

    static func runner(menus: MenuSet) -> ScriptRunner {
        ScriptRunner { EngineScriptTarget(menus: menus, world: try FakeWorld.demo(root: root)) }
    }

    @Test func atLeastTwentyFiveScripts() throws {
        let count = try Self.scripts().count
        #expect(count >= 25)
    }

    @Test func everyScriptPasses() async throws {
        let menus = try MenuSet.load(directory: Self.root.appending(path: "menus"))
        let results = await Self.runner(menus: menus).run(try Self.scripts())
        for result in results where !result.passed {
            Issue.record("\(result)")
        }
        #expect(results.allSatisfy { $0.passed })
    }

    @Test func scriptsVisitEveryScreen() async throws {
        // Screens reached by the scripts, recorded by wrapping the engine target's sessions.
        let menus = try MenuSet.load(directory: Self.root.appending(path: "menus"))
        let visited = ScreenRecorder()
        let runner = ScriptRunner {
            RecordingTarget(inner: EngineScriptTarget(menus: menus, world: try FakeWorld.demo(root: Self.root)), recorder: visited)
        }
        _ = await runner.run(try Self.scripts())
        let seen = await visited.screens
        // Every interactive or final screen of both menus (routers and actions are passed
        // through), but those only a misbehaving host reaches (amounts the menu already refuses,
        // host failures), which the engine tests cover.
        // The demo world has no blocked or tier-0 Flooz wallet: those Flooz screens are the same as
        // T-Money's, which the scripts do reach.
        // offnet_unavailable needs a provider that cannot be reached at all; the bridge tests cover it.
        var hostOnly: Set<String> = [
            "below_minimum", "above_maximum", "technical_error", "reg_already", "reg_invalid_name", "offnet_unavailable",
        ]
        let floozOnlyWithOtherData: Set<String> = ["recipient_blocked", "limit_exceeded", "account_blocked"]
        var missing: [String] = []
        for service in ["tmoney", "flooz"] {
            let yaml = try String(contentsOf: Self.root.appending(path: "menus/\(service).yaml"), encoding: .utf8)
            let screens = try #require((try Yams.load(yaml: yaml) as? [String: Any])?["screens"] as? [String: [String: Any]])
            hostOnly.formUnion(service == "flooz" ? floozOnlyWithOtherData : [])
            for (id, screen) in screens where !["router", "action"].contains(screen["type"] as? String) && !hostOnly.contains(id) {
                if !seen.contains("\(service)/\(id)") { missing.append("\(service)/\(id)") }
            }
        }
        #expect(missing.isEmpty, "screens no script reaches: \(missing)")
    }

    @Test func aBrokenMenuMakesAScriptFail() async throws {
        // Copy the menus and route a confirmed transfer straight to "cancelled": the transfer
        // script must notice.
        let copy = FileManager.default.temporaryDirectory.appending(path: "sika-broken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.root.appending(path: "menus").path) {
            try FileManager.default.copyItem(at: Self.root.appending(path: "menus/\(name)"), to: copy.appending(path: name))
        }
        let file = copy.appending(path: "tmoney.yaml")
        let original = try String(contentsOf: file, encoding: .utf8)
        let broken = original.replacingOccurrences(of: "Frais: {{fee | money}}", with: "Frais: {{total | money}}")
        #expect(broken != original)
        try broken.write(to: file, atomically: true, encoding: .utf8)

        let menus = try MenuSet.load(directory: copy)
        let script = try ScriptParser.load(contentsOf: Self.scriptsDirectory.appending(path: "01-transfer-onnet.yaml"))
        let result = await Self.runner(menus: menus).run(script[0])
        let failure = try #require(result.failure)
        #expect(failure.step == 5)
        #expect(failure.actual.contains("Frais: 5 050 FCFA"))
    }

    @Test func pinsNeverReachRepliesOrStoredSessions() async throws {
        let menus = try MenuSet.load(directory: Self.root.appending(path: "menus"))
        let target = EngineScriptTarget(menus: menus, world: try FakeWorld.demo(root: Self.root))
        let pin = "2580"
        var screens = [try await target.begin(session: "s", msisdn: "22890112233", dial: "*145*1*1*90445566*5000#")]
        screens.append(try await target.reply(session: "s", input: "1"))
        screens.append(try await target.reply(session: "s", input: pin))
        #expect(screens.allSatisfy { !$0.text.contains(pin) })
        #expect(await target.actionCalls.contains { $0.arguments["pin"] == pin })
        #expect(await target.openSessions().isEmpty)
    }
}

/// The screens each session went through, as `service/screen`.
actor ScreenRecorder {
    var screens: Set<String> = []
    func record(_ names: [String]) { screens.formUnion(names) }
}

/// Wraps the engine target to record which screens were shown.
actor RecordingTarget: ScriptTarget {
    let inner: EngineScriptTarget
    let recorder: ScreenRecorder

    init(inner: EngineScriptTarget, recorder: ScreenRecorder) {
        self.inner = inner
        self.recorder = recorder
    }

    func record() async {
        await recorder.record(await inner.visited)
    }

    func begin(session: String, msisdn: String, dial: String) async throws -> Screen {
        let screen = try await inner.begin(session: session, msisdn: msisdn, dial: dial)
        await record()
        return screen
    }

    func reply(session: String, input: String) async throws -> Screen {
        let screen = try await inner.reply(session: session, input: input)
        await record()
        return screen
    }

    func abort(session: String) async throws { try await inner.abort(session: session) }
    func smsReceived(msisdn: String) async throws -> [String] {
        await record()
        return try await inner.smsReceived(msisdn: msisdn)
    }
    func balance(msisdn: String) async throws -> Int64? { try await inner.balance(msisdn: msisdn) }
}
