import Foundation
import Ledger
import MenuEngine
import MobileMoney
import Operators
import ScriptTargets
import SessionScripts
import Sessions
import Testing

let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct ScriptSuiteTests {
    let suite = try! ScriptSuite(
        menus: repository.appending(path: "menus"), operators: repository.appending(path: "menus/operators.yaml"),
        world: repository.appending(path: "fixtures/demo-world.yaml"))

    @Test func everySessionScriptPasses() async throws {
        let results = try await suite.run(paths: [repository.appending(path: "fixtures/scripts")])
        #expect(results.count >= 25)
        for result in results where !result.passed { Issue.record("\(result)") }
    }

    @Test func aDeliberatelyBrokenMenuMakesAScriptFail() async throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "broken-menus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["wallet.yaml", "actions.yaml", "operators.yaml", "receipts.yaml"] {
            try FileManager.default.copyItem(at: repository.appending(path: "menus/\(name)"), to: dir.appending(path: name))
        }
        let path = dir.appending(path: "wallet.yaml")
        let original = try String(contentsOf: path, encoding: .utf8)
        let broken = original.replacingOccurrences(of: "Frais:", with: "Frais :")
        #expect(broken != original)
        try broken.write(to: path, atomically: true, encoding: .utf8)
        let brokenSuite = try ScriptSuite(
            menus: dir, operators: dir.appending(path: "operators.yaml"), world: repository.appending(path: "fixtures/demo-world.yaml"))
        let results = try await brokenSuite.run(paths: [repository.appending(path: "fixtures/scripts/01-transfer-onnet.yaml")])
        #expect(results.count == 1)
        #expect(results.first?.passed == false)
        #expect(results.first?.failure?.actual.contains("Frais :") == true)
    }
}

@Suite struct SessionManagerTests {
    /// A session manager over a fresh seeded ledger; the target owns the ledger's files, so keep it alive.
    func manager(idle: Duration = .seconds(180)) async throws -> (SessionManager, InProcessTarget) {
        let catalog = try OperatorCatalog.load(from: repository.appending(path: "menus/operators.yaml"))
        let target = try await InProcessTarget(
            menus: try SessionManager.loadMenus(directory: repository.appending(path: "menus"), catalog: catalog), catalog: catalog,
            world: try DemoWorld.load(from: repository.appending(path: "fixtures/demo-world.yaml")))
        return (SessionManager(menus: target.sessions.engine.menus, money: target.sessions.money, idleTimeout: idle), target)
    }

    func code(_ body: () async throws -> Void) async -> SessionError.Code? {
        do {
            try await body()
            return nil
        } catch let error as SessionError {
            return error.code
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func sessionsAreUniqueKnownAndExpire() async throws {
        // The default idle timeout while the test walks the session: a loaded machine must not expire it.
        let (sessions, target) = try await manager()
        defer { withExtendedLifetime(target) {} }
        let first = try await sessions.begin(id: "s1", msisdn: "22890112233", dial: "*145#")
        #expect(!first.isFinal && first.text.contains("1. Envoyer"))
        #expect(await code { _ = try await sessions.begin(id: "s1", msisdn: "22890112233", dial: "*145#") } == .conflict)
        #expect(await code { _ = try await sessions.reply(id: "nope", input: "1") } == .unknownSession)
        #expect(await code { _ = try await sessions.begin(id: "s2", msisdn: "22890112233", dial: "*999#") } == .malformed)
        _ = try await sessions.reply(id: "s1", input: "1")
        try await sessions.abort(id: "s1")
        #expect(await code { _ = try await sessions.reply(id: "s1", input: "1") } == .unknownSession)
        // Expiry: after sleeping past a 300 ms timeout the session is gone, however slow the machine.
        let (quick, quickTarget) = try await manager(idle: .milliseconds(300))
        defer { withExtendedLifetime(quickTarget) {} }
        _ = try await quick.begin(id: "s3", msisdn: "22890112233", dial: "*145#")
        #expect(await quick.activeSessions == 1)
        try await Task.sleep(for: .milliseconds(400))
        #expect(await quick.expireIdleSessions() == 1)
        #expect(await code { _ = try await quick.reply(id: "s3", input: "1") } == .unknownSession)
    }

    @Test func manyInterleavedSessionsMoveMoneyExactlyOnce() async throws {
        let (sessions, target) = try await manager()
        defer { withExtendedLifetime(target) {} }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask {
                    _ = try await sessions.begin(id: "p\(i)", msisdn: "22890112233", dial: "*145*1*1*90445566*100#")
                    _ = try await sessions.reply(id: "p\(i)", input: "1")
                    let end = try await sessions.reply(id: "p\(i)", input: "2580")
                    #expect(end.isFinal && end.text.contains("reussi"), "\(end.text)")
                }
            }
            try await group.waitForAll()
        }
        #expect(try await sessions.money.balance(msisdn: "22890445566", pin: "4826") == 25_000 + 40 * 100)
        #expect(try await sessions.money.ledger.verify().isClean)
    }
}

@Suite struct SessionStartLimitTests {
    @Test func aPhoneDiallingTooFastIsRefusedWith429() async throws {
        let catalog = try OperatorCatalog.load(from: repository.appending(path: "menus/operators.yaml"))
        let target = try await InProcessTarget(
            menus: try SessionManager.loadMenus(directory: repository.appending(path: "menus"), catalog: catalog), catalog: catalog,
            world: try DemoWorld.load(from: repository.appending(path: "fixtures/demo-world.yaml")))
        let sessions = SessionManager(
            menus: target.sessions.engine.menus, money: target.sessions.money,
            startLimiter: TokenBucketLimiter(capacity: 2, refillPerSecond: 0.01))
        _ = try await sessions.begin(id: "a", msisdn: "22890112233", dial: "*145#")
        _ = try await sessions.begin(id: "b", msisdn: "22890112233", dial: "*145#")
        do {
            _ = try await sessions.begin(id: "c", msisdn: "22890112233", dial: "*145#")
            Issue.record("a third session start was accepted")
        } catch {
            #expect(error.code == .rateLimited)
        }
        // Another phone is not affected.
        _ = try await sessions.begin(id: "d", msisdn: "22890445566", dial: "*145#")
        withExtendedLifetime(target) {}
    }
}
