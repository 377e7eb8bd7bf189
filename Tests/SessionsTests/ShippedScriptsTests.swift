import Foundation
import MenuEngine
import ScriptTargets
import SessionScripts
import Sessions
import Synchronization
import TestSupport
import Testing
import Yams

/// Runs every script of `fixtures/scripts` against the real host: the shipped menus, the real
/// `MobileMoney`, a fresh seeded ledger per script, the provider bridge and its simulators.
@Suite struct ShippedScriptsTests {
    static let scriptsDirectory = Repository.url("fixtures/scripts")

    static func scripts() throws -> [SessionScript] {
        let names = try FileManager.default.contentsOfDirectory(atPath: scriptsDirectory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return try names.flatMap { try ScriptParser.load(contentsOf: scriptsDirectory.appending(path: $0)) }
    }

    static func runner(menus: MenuSet = Shipped.menus, screens: ScreenRecorder? = nil) -> ScriptRunner {
        var observer: (@Sendable (String, String) -> Void)?
        if let screens { observer = { service, screen in screens.record(service, screen) } }
        let observe = observer
        return ScriptRunner {
            try await InProcessTarget(menus: menus, catalog: Shipped.catalog, world: Shipped.world, onScreen: observe)
        }
    }

    @Test func atLeastTwentyFiveScripts() throws {
        #expect(try Self.scripts().count >= 25)
    }

    @Test func scriptsVisitEveryScreen() async throws {
        let visited = ScreenRecorder()
        let results = await Self.runner(screens: visited).run(try Self.scripts())
        for result in results where !result.passed { Issue.record("\(result)") }
        let seen = visited.screens
        // Every interactive or final screen of both menus (routers and actions are passed through),
        // but those only a misbehaving host reaches (amounts the menu already refuses, host failures),
        // which the engine tests cover.
        // The demo world has no blocked or tier-0 Flooz wallet: those Flooz screens are the same as
        // T-Money's, which the scripts do reach.
        // offnet_unavailable needs a provider that cannot be reached at all; the bridge tests cover it.
        var hostOnly: Set<String> = [
            "below_minimum", "above_maximum", "technical_error", "reg_already", "reg_invalid_name", "offnet_unavailable",
        ]
        let floozOnlyWithOtherData: Set<String> = ["recipient_blocked", "limit_exceeded", "account_blocked"]
        var missing: [String] = []
        for service in ["tmoney", "flooz"] {
            // Both operators run the shared wallet menu.
            let yaml = try String(contentsOf: Repository.url("menus/wallet.yaml"), encoding: .utf8)
            let screens = try #require((try Yams.load(yaml: yaml) as? [String: Any])?["screens"] as? [String: [String: Any]])
            hostOnly.formUnion(service == "flooz" ? floozOnlyWithOtherData : [])
            for (id, screen) in screens where !["router", "action"].contains(screen["type"] as? String) && !hostOnly.contains(id) {
                if !seen.contains("\(service)/\(id)") { missing.append("\(service)/\(id)") }
            }
        }
        #expect(missing.isEmpty, "screens no script reaches: \(missing)")
    }

    @Test func aBrokenMenuMakesAScriptFail() async throws {
        // Copy the menus and show the total where the fee belongs: the transfer script must notice.
        let copy = try TestLedger.temporaryDirectory("broken-menus")
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in try FileManager.default.contentsOfDirectory(atPath: Repository.url("menus").path) {
            try FileManager.default.copyItem(at: Repository.url("menus/\(name)"), to: copy.appending(path: name))
        }
        let file = copy.appending(path: "wallet.yaml")
        let original = try String(contentsOf: file, encoding: .utf8)
        let broken = original.replacingOccurrences(of: "Frais: {{fee | money}}", with: "Frais: {{total | money}}")
        #expect(broken != original)
        try broken.write(to: file, atomically: true, encoding: .utf8)

        let menus = try SessionManager.loadMenus(directory: copy, catalog: Shipped.catalog)
        let script = try ScriptParser.load(contentsOf: Self.scriptsDirectory.appending(path: "01-transfer-onnet.yaml"))
        let result = await Self.runner(menus: menus).run(script[0])
        let failure = try #require(result.failure)
        #expect(failure.step == 5)
        #expect(failure.actual.contains("Frais: 5 050 FCFA"))
    }

    /// A PIN never reaches a screen, and the session kept between steps no longer holds it once its
    /// action ran (the statement pages after the PIN are served from a stored session).
    @Test func pinsNeverReachRepliesOrStoredSessions() async throws {
        let target = try await InProcessTarget(menus: Shipped.menus, catalog: Shipped.catalog, world: Shipped.world)
        let pin = "2580"
        var screens: [Screen] = []
        // Six transfers make the mini-statement longer than one page.
        for n in 0..<6 {
            screens.append(try await target.begin(session: "s\(n)", msisdn: "22890112233", dial: "*145*1*1*90445566*1000#"))
            screens.append(try await target.reply(session: "s\(n)", input: "1"))
            screens.append(try await target.reply(session: "s\(n)", input: pin))
            #expect(screens.last?.isFinal == true)
        }
        #expect(screens.allSatisfy { !$0.text.contains(pin) })

        _ = try await target.begin(session: "t", msisdn: "22890112233", dial: "*145#")
        for input in ["4", "2"] { _ = try await target.reply(session: "t", input: input) }
        let statement = try await target.reply(session: "t", input: pin)
        #expect(!statement.isFinal && !statement.text.contains(pin))
        let stored = try #require(await target.sessions.storedSession(id: "t"))
        #expect(!stored.variables.values.contains(pin), "\(stored.variables)")
    }
}

/// The screens sessions went through, as `service/screen`.
final class ScreenRecorder: Sendable {
    private let seen = Mutex<Set<String>>([])
    var screens: Set<String> { seen.withLock { $0 } }
    func record(_ service: String, _ screen: String) { _ = seen.withLock { $0.insert("\(service)/\(screen)") } }
}
