import Foundation
import Ledger
import MenuEngine
import Sessions
import SessionsPostgres
import SessionsSQLite
import TestSupport
import Testing

/// Sessions that survive: resume after a drop or a timeout, a PIN asked again, a money action replayed
/// under its own idempotency key, a restart on the durable store, and random drops that never move money twice.
@Suite struct SessionResumeTests {
    static let kofi = "22890112233"
    static let ama = "22890445566"
    static let prompt = "Reprendre l'operation en cours?\n1. Oui\n2. Non"
    static let mainMenu = "T-Money\n1. Envoyer de l'argent\n2. Retrait\n3. Achat de credit\n4. Mon compte"

    static func manager(_ world: TestWorld, store: any SessionStore = MemorySessionStore(), menus: MenuSet = Shipped.menus) -> SessionManager {
        SessionManager(menus: menus, money: world.money, store: store)
    }

    /// The shipped menus with another resume mode.
    static func menus(mode: String) throws -> MenuSet {
        let directory = Repository.url("menus")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            let yaml = try String(contentsOf: directory.appending(path: name), encoding: .utf8)
            return (name: name, yaml: yaml.replacingOccurrences(of: "  mode: ask\n", with: "  mode: \(mode)\n"))
        }
        let limits = Dictionary(uniqueKeysWithValues: Shipped.catalog.operators.map { ($0.id, $0.limits.minTransfer...$0.limits.maxTransfer) })
        return try MenuSet(files: files, amountLimits: limits, rules: Shipped.rules)
    }

    /// Dial, send money, on-net, Ama, 5 000: the session waits on the confirmation.
    static func toConfirmation(_ sessions: SessionManager, id: String) async throws {
        _ = try await sessions.begin(id: id, msisdn: kofi, dial: "*145#")
        for input in ["1", "1", "90445566"] { _ = try await sessions.reply(id: id, input: input) }
        let confirm = try await sessions.reply(id: id, input: "5000")
        #expect(confirm.text.contains("Envoyer 5 000 FCFA a AMA M."))
    }

    @Test(arguments: TestBackend.allCases) func aTimedOutSessionIsOfferedBackAndResumesWithItsAnswers(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let sessions = SessionManager(menus: Shipped.menus, money: world.money, idleTimeout: .seconds(180))
        _ = try await sessions.begin(id: "a", msisdn: Self.kofi, dial: "*145#")
        _ = try await sessions.reply(id: "a", input: "1")
        _ = try await sessions.reply(id: "a", input: "1")
        // Judged past the timeout rather than waited for: a short real timeout could also strike between two steps.
        #expect(await sessions.expireIdleSessions(asOf: .now + .seconds(181)) == 1)
        #expect(await sessions.resumableSessions == 1)
        let offer = try await sessions.begin(id: "b", msisdn: Self.kofi, dial: "*145#")
        #expect(offer == Reply(text: Self.prompt, isFinal: false))
        #expect(try await sessions.reply(id: "b", input: "1").text == "Numero du beneficiaire:")
        #expect(try await sessions.reply(id: "b", input: "90445566").text == "Montant a envoyer (FCFA):")
        #expect(await sessions.resumableSessions == 0)
    }

    @Test(arguments: TestBackend.allCases) func anotherNumberOrADirectDialIsNotOffered(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let sessions = Self.manager(world)
        try await Self.toConfirmation(sessions, id: "a")
        try await sessions.abort(id: "a")
        #expect(try await sessions.begin(id: "other", msisdn: Self.ama, dial: "*145#").text.hasPrefix("T-Money"))
        #expect(try await sessions.begin(id: "direct", msisdn: Self.kofi, dial: "*145*4#").text.hasPrefix("Mon compte"))
        #expect(try await sessions.begin(id: "line", msisdn: Self.kofi, dial: "*145#", front: "line").text == Self.mainMenu)
        #expect(try await sessions.begin(id: "same", msisdn: Self.kofi, dial: "*145#").text == Self.prompt)
    }

    @Test(arguments: TestBackend.allCases) func aStoredSessionNeverHoldsAPinAndAsksForItAgain(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let store = MemorySessionStore()
        let sessions = Self.manager(world, store: store)
        _ = try await sessions.begin(id: "a", msisdn: Self.kofi, dial: "*145#")
        _ = try await sessions.reply(id: "a", input: "4")
        _ = try await sessions.reply(id: "a", input: "3")
        #expect(try await sessions.reply(id: "a", input: "2580").text == "Nouveau code secret (4 chiffres):")
        // The live session holds the current PIN until the action; the store never does.
        let stored = try #require(store.all().first { $0.id == "a" })
        #expect(stored.session.variables.values.contains("2580") == false)
        #expect(stored.session.screen != "new_pin" && stored.session.state == .awaitingInput)
        try await sessions.abort(id: "a")
        let suspended = try #require(store.all().first { $0.id == "a" })
        #expect(!suspended.session.variables.values.contains("2580"))
        _ = try await sessions.begin(id: "b", msisdn: Self.kofi, dial: "*145#")
        #expect(try await sessions.reply(id: "b", input: "1").text == "Code secret actuel:")
    }

    @Test(arguments: TestBackend.allCases) func refusingForgetsTheOldSession(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let store = MemorySessionStore()
        let sessions = Self.manager(world, store: store)
        try await Self.toConfirmation(sessions, id: "a")
        try await sessions.abort(id: "a")
        _ = try await sessions.begin(id: "b", msisdn: Self.kofi, dial: "*145#")
        #expect(try await sessions.reply(id: "b", input: "9").text == Self.prompt)
        #expect(try await sessions.reply(id: "b", input: "2").text == Self.mainMenu)
        #expect(!store.all().contains { $0.id == "a" })
        #expect(try await sessions.begin(id: "c", msisdn: Self.kofi, dial: "*145#").text == Self.mainMenu)
    }

    @Test(arguments: TestBackend.allCases) func anEndedOrCancelledSessionIsNotResumable(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let sessions = Self.manager(world)
        try await Self.toConfirmation(sessions, id: "a")
        #expect(try await sessions.reply(id: "a", input: "2").isFinal)
        #expect(await sessions.resumableSessions == 0)
        #expect(try await sessions.begin(id: "b", msisdn: Self.kofi, dial: "*145#").text == Self.mainMenu)
    }

    @Test(arguments: TestBackend.allCases) func silentResumesAtOnceAndOffNever(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let silent = Self.manager(world, menus: try Self.menus(mode: "silent"))
        try await Self.toConfirmation(silent, id: "a")
        try await silent.abort(id: "a")
        #expect(try await silent.begin(id: "b", msisdn: Self.kofi, dial: "*145#").text.contains("Envoyer 5 000 FCFA a AMA M."))
        let off = Self.manager(world, menus: try Self.menus(mode: "off"))
        try await Self.toConfirmation(off, id: "a")
        try await off.abort(id: "a")
        #expect(await off.resumableSessions == 0)
        #expect(try await off.begin(id: "b", msisdn: Self.kofi, dial: "*145#").text == Self.mainMenu)
    }

    /// The process dies between the PIN and the answer, after the transfer committed: the store still
    /// holds the session as it was before the PIN. The resumed session asks for the PIN again and replays
    /// the transfer under the same key: one transfer, one pair of receipts, the first reference.
    @Test(arguments: TestBackend.allCases) func aDropBetweenThePinAndTheAnswerNeverSendsTwice(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let before = MemorySessionStore()
        let first = Self.manager(world, store: before)
        try await Self.toConfirmation(first, id: "a")
        #expect(try await first.reply(id: "a", input: "1").text == "Entrez votre code secret:")
        // What the store held when the PIN step started: the state the crash leaves behind.
        let snapshot = before.all()
        let done = try await first.reply(id: "a", input: "2580")
        #expect(done.isFinal && done.text.contains("reussi"))
        let reference = try #require(done.text.firstMatch(of: /Ref: (\S+)/)?.1).description

        let afterCrash = MemorySessionStore()
        for record in snapshot { afterCrash.save(record) }
        let restarted = Self.manager(world, store: afterCrash)
        #expect(try await restarted.recover() == 1)
        #expect(try await restarted.begin(id: "b", msisdn: Self.kofi, dial: "*145#").text == Self.prompt)
        #expect(try await restarted.reply(id: "b", input: "1").text == "Entrez votre code secret:")
        let replayed = try await restarted.reply(id: "b", input: "2580")
        #expect(replayed.isFinal && replayed.text.contains("Ref: \(reference)"))
        #expect(try await world.balance(Self.kofi) == 44950)
        #expect(try await world.balance(Self.ama) == 30000)
        #expect(try await world.sms(Self.kofi).count == 1)
        #expect(try await world.sms(Self.ama).count == 1)
    }

    /// The network releases the session while its transfer runs: the phone never saw the outcome, so
    /// the next dial offers it, and 1 shows that outcome (nothing runs again).
    @Test(arguments: TestBackend.allCases) func aDropDuringTheTransferResumesToItsOutcome(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        let sessions = Self.manager(world)
        try await Self.toConfirmation(sessions, id: "a")
        _ = try await sessions.reply(id: "a", input: "1")
        let done = try await sessions.reply(id: "a", input: "2580")
        try await sessions.abort(id: "a")
        #expect(try await sessions.begin(id: "b", msisdn: Self.kofi, dial: "*145#").text == Self.prompt)
        #expect(try await sessions.reply(id: "b", input: "1") == done)
        #expect(try await world.balance(Self.kofi) == 44950)
        #expect(try await world.sms(Self.kofi).count == 1)
    }

    @Test func thePostgresStoreRunsWithSynchronousCommitOffReadBack() async throws {
        let world = try await TestWorld.make(.postgres, seed: false)
        let store = try await PostgresSessionStore.open(endpoint: try #require(world.storage.endpoint))
        #expect(store.synchronousCommit == "off")
        #expect(store.summary.contains("synchronous_commit=off"))
        #expect(!store.summary.contains(try #require(world.storage.endpoint?.password)), "the summary never shows the password")
        try await store.close()
    }

    /// Sessions that ended on money wait a moment for a late drop, up to a capacity: beyond it the oldest are
    /// forgotten first (their drop is an unknown session), the newest stay resumable to their outcome.
    @Test func pastTheLateDropCapacityTheOldestEndedMoneySessionsGoFirst() async throws {
        let world = try await TestWorld.make()
        let sessions = SessionManager(menus: Shipped.menus, money: world.money, lateDropCapacity: 2)
        var outcomes: [String: Reply] = [:]
        for id in ["a", "b", "c"] {
            try await Self.toConfirmation(sessions, id: id)
            _ = try await sessions.reply(id: id, input: "1")
            outcomes[id] = try await sessions.reply(id: id, input: "2580")
        }
        await #expect(throws: SessionError.self) { try await sessions.abort(id: "a") }
        try await sessions.abort(id: "c")
        try await sessions.abort(id: "b")
        // One number has one resumable session: b's later drop replaced c's, and dialling again offers b's outcome.
        #expect(try await sessions.begin(id: "d", msisdn: Self.kofi, dial: "*145#").text == Self.prompt)
        #expect(try await sessions.reply(id: "d", input: "1") == outcomes["b"])
        #expect(try await world.balance(Self.kofi) == 50_000 - 3 * 5050)
    }

    @Test func theSQLiteStoreRunsWALNormalOwnerOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sika-sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "x.sqlite.sessions.sqlite").path
        let store = try SQLiteSessionStore.open(path: path)
        #expect(store.journalMode == "wal")
        #expect(store.synchronous == 1)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)
        #expect(throws: SessionStoreError.self) { try SQLiteSessionStore.open(path: directory.appending(path: "missing/x.sqlite").path) }
    }

    /// A durable session store of either kind, opened again as a restarted `sika serve` would open it.
    static func durableStore(_ world: TestWorld) async throws -> any DurableSessionStore {
        switch world.backend {
        case .sqlite: try SQLiteSessionStore.open(path: world.directory.appending(path: "sika.sqlite.sessions.sqlite").path)
        case .postgres: try await PostgresSessionStore.open(endpoint: try #require(world.storage.endpoint))
        }
    }

    /// `sika serve` stopped (SIGTERM or SIGKILL) and started again on the same store (the SQLite file, or the
    /// ledger's PostgreSQL database): the waiting session is resumed by its number, and an ended callback
    /// session answers its final screen again, byte for byte.
    @Test(arguments: TestBackend.allCases)
    func aRestartOnTheDurableStoreKeepsWaitingAndEndedSessions(_ backend: TestBackend) async throws {
        let world = try await TestWorld.make(backend)
        do {
            let store = try await Self.durableStore(world)
            let sessions = Self.manager(world, store: store)
            try await Self.toConfirmation(sessions, id: "a")
            store.endedSessions.retain(
                EndedSession(operatorID: "tmoney", msisdn: Self.kofi, serviceCode: "*145#", text: "1*2", outcome: .ended(reply: "END Au revoir")),
                id: "AT-9")
            // No flush, no close: the coalescing delay passes, then the process is gone.
            try await Task.sleep(for: .milliseconds(100))
        }
        let reopened = try await Self.durableStore(world)
        #expect(reopened.endedSessions.lookup("AT-9")?.outcome == .ended(reply: "END Au revoir"))
        let sessions = Self.manager(world, store: reopened)
        #expect(try await sessions.recover() == 1)
        #expect(try await sessions.begin(id: "b", msisdn: Self.kofi, dial: "*145#").text == Self.prompt)
        #expect(try await sessions.reply(id: "b", input: "1").text.contains("Envoyer 5 000 FCFA a AMA M."))
        _ = try await sessions.reply(id: "b", input: "1")
        #expect(try await sessions.reply(id: "b", input: "2580").text.contains("reussi"))
        try await reopened.flush()
        #expect(try reopened.storedCount() == 0)
    }

    /// Two nodes on one PostgreSQL database, each with a waiting session under the same key (every process numbers
    /// its line connections from 1): neither overwrites the other's row, each restarted node takes back its own
    /// session only, and rows written before nodes had names go to the first node that recovers.
    @Test func twoNodesKeepTheirSessionsApartUnderTheSameKey() async throws {
        let world = try await TestWorld.make(.postgres)
        let endpoint = try #require(world.storage.endpoint)
        func store(_ node: String) async throws -> PostgresSessionStore { try await PostgresSessionStore.open(endpoint: endpoint, node: node) }
        let (a, b) = (try await store("a:7145"), try await store("b:7145"))
        try await Self.toConfirmation(Self.manager(world, store: a), id: "tmoney/1/s1")
        let onB = Self.manager(world, store: b)
        _ = try await onB.begin(id: "tmoney/1/s1", msisdn: Self.ama, dial: "*145#")
        #expect(try await onB.reply(id: "tmoney/1/s1", input: "4").text.hasPrefix("Mon compte"))
        try await a.close()
        try await b.close()
        let restartedA = try await store("a:7145")
        let sessionsA = Self.manager(world, store: restartedA)
        #expect(try await sessionsA.recover() == 1)
        #expect(try restartedA.all().map(\.binding.msisdn) == [Self.kofi])
        #expect(try await sessionsA.begin(id: "n1", msisdn: Self.kofi, dial: "*145#").text == Self.prompt)
        let restartedB = try await store("b:7145")
        #expect(try restartedB.all().map(\.binding.msisdn) == [Self.ama])
        #expect(try await Self.manager(world, store: restartedB).recover() == 1)
        // A row of an unnamed node (as every row was before names): the next node to recover takes it.
        let unnamed = try await store("")
        try await Self.toConfirmation(Self.manager(world, store: unnamed), id: "tmoney/2/s1")
        try await unnamed.close()
        let c = try await store("c:7145")
        #expect(try c.all().map(\.id) == ["tmoney/2/s1"])
        let unnamedAgain = try await store("")
        #expect(try unnamedAgain.storedCount() == 0)
        for s in [restartedA, restartedB, c, unnamedAgain] { try await s.close() }
    }

    /// A front's session ids start again after a restart (a line connection's number, the web phone's `web-1`): a new
    /// session under the id of one waiting from before the restart never overwrites it in the store, so it is still
    /// offered back after the next restart.
    @Test func aSessionIdUsedAgainAfterARestartNeverOverwritesTheOneWaiting() async throws {
        let world = try await TestWorld.make()
        // The ledger's directory, removed with the world: the session file goes beside the ledger, as in `sika serve`.
        let path = world.directory.appending(path: "sika.sqlite.sessions.sqlite").path
        do {
            let store = try SQLiteSessionStore.open(path: path)
            try await Self.toConfirmation(Self.manager(world, store: store), id: "tmoney/1/s1")
            try await store.flush()
        }
        do {
            let store = try SQLiteSessionStore.open(path: path)
            let sessions = Self.manager(world, store: store)
            #expect(try await sessions.recover() == 1)
            // Ama, under the same id, gets past her first screen: her session is stored under that id too.
            #expect(try await sessions.begin(id: "tmoney/1/s1", msisdn: Self.ama, dial: "*145#").text == Self.mainMenu)
            _ = try await sessions.reply(id: "tmoney/1/s1", input: "4")
            try await store.flush()
        }
        let store = try SQLiteSessionStore.open(path: path)
        let sessions = Self.manager(world, store: store)
        #expect(try await sessions.recover() == 2)
        #expect(try await sessions.begin(id: "b", msisdn: Self.kofi, dial: "*145#").text == Self.prompt)
        #expect(try await sessions.reply(id: "b", input: "1").text.contains("Envoyer 5 000 FCFA a AMA M."))
        #expect(try await sessions.begin(id: "c", msisdn: Self.ama, dial: "*145#").text == Self.prompt)
        #expect(try await sessions.reply(id: "c", input: "1").text.hasPrefix("Mon compte"))
    }

    /// Random journeys, dropped at random steps, resumed or refused at random, with crashes that lose the
    /// steps since a random snapshot: money never moves twice for one session, and every transfer the ledger
    /// holds has its receipts.
    @Test(arguments: TestBackend.allCases, [UInt64(1), 2, 3])
    func randomDropsAndResumesNeverMoveMoneyTwice(_ backend: TestBackend, seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let world = try await TestWorld.make(backend)
        var store = MemorySessionStore()
        var sessions = Self.manager(world, store: store)
        let journey = ["1", "1", "90445566", "100", "1", "2580"]
        var completed = 0
        var sessionCounter = 0
        for _ in 0..<12 {
            sessionCounter += 1
            var id = "s\(sessionCounter)"
            var reply = try await sessions.begin(id: id, msisdn: Self.kofi, dial: "*145#")
            var position = 0
            var steps = 0
            while !reply.isFinal, steps < 40 {
                steps += 1
                if reply.text == Self.prompt {
                    let yes = random.next() % 3 != 0
                    reply = try await sessions.reply(id: id, input: yes ? "1" : "2")
                    if !yes { position = 0 } else { position = Self.position(of: reply.text, in: journey) ?? position }
                    continue
                }
                switch random.next() % 6 {
                case 0:
                    // A drop, then the same number dials again.
                    try await sessions.abort(id: id)
                    sessionCounter += 1
                    id = "s\(sessionCounter)"
                    reply = try await sessions.begin(id: id, msisdn: Self.kofi, dial: "*145#")
                    if reply.text != Self.prompt { position = 0 }
                case 1:
                    // A crash: the store keeps what it held a moment ago, the live sessions are gone.
                    let survived = MemorySessionStore()
                    for record in store.all() { survived.save(record) }
                    store = survived
                    sessions = Self.manager(world, store: store)
                    _ = try await sessions.recover()
                    sessionCounter += 1
                    id = "s\(sessionCounter)"
                    reply = try await sessions.begin(id: id, msisdn: Self.kofi, dial: "*145#")
                    if reply.text != Self.prompt { position = 0 }
                default:
                    guard let at = Self.position(of: reply.text, in: journey) else {
                        reply = try await sessions.reply(id: id, input: "00")
                        position = 0
                        continue
                    }
                    position = at
                    reply = try await sessions.reply(id: id, input: journey[position])
                }
            }
            if reply.isFinal && reply.text.contains("reussi") { completed += 1 }
        }
        let account = try #require(try await world.money.subscriber(Self.kofi)).accountID
        let transfers = try await world.ledger.read { rows in
            try rows.statement(account: account, limit: 1000, before: Int64.max).map(\.transfer).filter { $0.kind == .p2p }
        }
        // One transfer per session lineage at most: keys are `ussd:<base>:<n>`, and n is 0 for every one here.
        let keys = transfers.map(\.idempotencyKey)
        #expect(Set(keys).count == keys.count)
        #expect(transfers.count >= completed)
        #expect(try await world.sms(Self.ama).count == transfers.count)
        #expect(try await world.balance(Self.kofi) == 50_000 - Int64(transfers.count) * 110)
        #expect(try await world.ledger.verify().isClean)
    }

    /// Which answer of `journey` the screen `text` waits for.
    static func position(of text: String, in journey: [String]) -> Int? {
        if text.hasPrefix("T-Money") { return 0 }
        if text.hasPrefix("Envoyer de l'argent") { return 1 }
        if text.hasPrefix("Numero du beneficiaire") { return 2 }
        if text.hasPrefix("Montant a envoyer") { return 3 }
        if text.hasPrefix("Envoyer 100 FCFA") { return 4 }
        if text.hasPrefix("Entrez votre code secret") { return 5 }
        return nil
    }
}

/// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The durable session stores, as the restart test reopens them.
protocol DurableSessionStore: SessionStore {
    /// Rows in the sessions table now.
    func storedCount() throws -> Int
}

extension SQLiteSessionStore: DurableSessionStore {}
extension PostgresSessionStore: DurableSessionStore {}
