import Foundation
import LedgerPostgres
import LineFront
import TestSupport
import Testing

extension SubprocessTests.TwoNodeTests {
    /// Rows of the cluster's outbox, read from the database (the schema of the test).
    static func query<T: Sendable>(_ cluster: Cluster, _ body: @escaping @Sendable (BlockingPostgresConnection) throws -> T) async throws -> T {
        let endpoint = cluster.target.endpoint
        return try await BlockingWork.run {
            let connection = try BlockingPostgresConnection.connect(to: endpoint, applicationName: "sika-test-outbox")
            defer { connection.close() }
            return try body(connection)
        }
    }

    /// The receipts of transfers (`FCFA` and a reference) an operator connection got, keyed by number and text.
    static func receipts(_ client: LineClient) -> [String] {
        client.receivedSMS.filter { $0.text.contains("1 000 FCFA") && $0.text.contains("Ref") }.map { "\($0.msisdn) \($0.text)" }
    }

    /// A transfer made through node A reaches T-Money's line connection on node B, once, woken by the database's
    /// NOTIFY (the nodes look at the outbox only once a minute here); then, with T-Money connected to both nodes,
    /// every receipt of transfers made through either node goes out exactly once, through one of them.
    @Test func aTransferThroughOneNodeIsReceivedOnceByTheOperatorOnTheOther() async throws {
        let cluster = try await Cluster.start(["--sms-poll", "60000"])
        defer { cluster.drop() }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        let aggregator = Self.secrets["SIKA_AGGREGATOR_TOKEN_TMONEY"]!
        let onB = try await LineClient.connect(host: "127.0.0.1", port: b.linePort)
        try await onB.hello(operatorID: "tmoney", token: Self.secrets["SIKA_TOKEN_TMONEY"]!)
        // The seeding's SMS go out first (a new connection makes its node look at once).
        try await waitUntil("the seeding's SMS delivered", timeout: .seconds(90), every: .milliseconds(100)) {
            try await Self.query(cluster) { try $0.query("SELECT count(*) FROM outbox WHERE operator = 'tmoney' AND delivered_at IS NULL") }
                .first.map { try PostgresCells($0).int(0) } == 0
        }
        let texts = ["", "1", "1*1", "1*1*90112233", "1*1*90112233*1000", "1*1*90112233*1000*1", "1*1*90112233*1000*1*4826"]
        for text in texts { _ = try await a.ussd("wake", Self.ama, text, token: aggregator) }
        do {
            try await waitUntil("both receipts on node B", timeout: .seconds(30), every: .milliseconds(100)) { Self.receipts(onB).count >= 2 }
        } catch {
            Issue.record("\(error): \(onB.receivedSMS.suffix(4))")
            throw error
        }
        try await Task.sleep(for: .seconds(2))
        let first = Self.receipts(onB)
        #expect(first.count == 2 && Set(first).count == 2, "\(first)")
        #expect(first.contains { $0.hasPrefix(Self.ama) } && first.contains { $0.hasPrefix(Self.kofi) }, "\(first)")

        // T-Money connects to node A too: transfers through both nodes, each receipt out once through one node.
        let onA = try await LineClient.connect(host: "127.0.0.1", port: a.linePort)
        try await onA.hello(operatorID: "tmoney", token: Self.secrets["SIKA_TOKEN_TMONEY"]!)
        let transfers = 6
        var ends: [String] = []
        for round in 0..<transfers {
            let node = round % 2 == 0 ? a : b
            for text in texts { ends.append(try await node.ussd("both-\(round)", Self.ama, text, token: aggregator)) }
            #expect(ends.last?.hasPrefix("END Envoi de 1 000 FCFA") == true, "\(ends.suffix(3))")
        }
        let expected = 2 + 2 * transfers
        do {
            try await waitUntil("every receipt delivered", timeout: .seconds(90), every: .milliseconds(100)) {
                Self.receipts(onA).count + Self.receipts(onB).count >= expected
            }
        } catch {
            let left: [String] = try await Self.query(cluster) { c in
                try c.query("SELECT id, coalesce(claimed_by, '-'), claimed_until, left(body, 40) FROM outbox WHERE delivered_at IS NULL").map { row in
                    let cells = PostgresCells(row)
                    return "\(try cells.int(0)) \(try cells.text(1)) \(try cells.int(2)) \(try cells.text(3))"
                }
            }
            Issue.record("\(error): A got \(Self.receipts(onA).count), B got \(Self.receipts(onB).count); undelivered: \(left)")
            throw error
        }
        try await Task.sleep(for: .seconds(2))
        let all = Self.receipts(onA) + Self.receipts(onB)
        #expect(all.count == expected, "\(all.count) receipts for \(expected): \(all)")
        #expect(Set(all).count == all.count, "a receipt went out twice")
        await onA.close()
        await onB.close()
        try await cluster.stop()
    }

    /// Node A claims T-Money's SMS for a connection that stops reading, then is killed with SIGKILL while its writes
    /// hang: nothing is lost. What it had claimed stays claimed until the lease lapses, then node B delivers it;
    /// every message of the outbox ends up delivered, and node B's connection receives everything A did not mark
    /// delivered.
    @Test func aNodeKilledMidDeliveryLosesNothingAndItsClaimsGoOutAfterTheLease() async throws {
        let lease = 5
        let cluster = try await Cluster.start(["--sms-lease", String(lease)])
        defer { cluster.drop() }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        // Far more than the socket buffers hold: node A's writes must hang.
        let bulk = 12_000
        _ = try await Self.query(cluster) { connection in
            try connection.query(
                """
                INSERT INTO outbox (msisdn, operator, sender, body, created_at)
                SELECT '22890112233', 'tmoney', '145', 'bulk ' || g || ' ' || repeat('x', 1000), 0 FROM generate_series(1, \(bulk)) g
                """)
        }
        let stuck = try StuckLineClient(port: a.linePort, hello: "HELLO tmoney \(Self.secrets["SIKA_TOKEN_TMONEY"]!)\n")
        defer { stuck.close() }
        // Node A claims and writes until the connection stops taking bytes; then its claims stop moving.
        var last = -1
        var steady = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while steady < 10 {
            guard ContinuousClock.now < deadline else { throw CommandLineFailure("node A never held claims it could not deliver") }
            let now = try await Self.query(cluster) { c in
                try c.query("SELECT count(*) FROM outbox WHERE claimed_by IS NOT NULL AND delivered_at IS NULL").first.map {
                    try PostgresCells($0).int(0)
                } ?? 0
            }
            steady = now > 0 && now == last ? steady + 1 : 0
            last = Int(now)
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(a.process.processIdentifier, SIGKILL)
        await a.process.exited()
        // A COMMIT node A sent just before it died still completes on the server: let it land before looking.
        try await Task.sleep(for: .seconds(2))
        let claimed: [(id: Int64, until: Int64, body: String)] = try await Self.query(cluster) { c in
            try c.query("SELECT id, claimed_until, body FROM outbox WHERE claimed_by IS NOT NULL AND delivered_at IS NULL").map {
                let cells = PostgresCells($0)
                return (try cells.int(0), try cells.int(1), try cells.text(2))
            }
        }
        #expect(!claimed.isEmpty)
        let undelivered = try await Self.query(cluster) { c in
            Set(try c.query("SELECT body FROM outbox WHERE delivered_at IS NULL AND operator = 'tmoney'").map { try PostgresCells($0).text(0) })
        }

        let onB = try await LineClient.connect(host: "127.0.0.1", port: b.linePort)
        try await onB.hello(operatorID: "tmoney", token: Self.secrets["SIKA_TOKEN_TMONEY"]!)
        do {
            // T-Money's: no gateway of Flooz is connected, its SMS wait for one.
            try await waitUntil("T-Money's whole outbox delivered", timeout: .seconds(180), every: .milliseconds(100)) {
                try await Self.query(cluster) { try $0.query("SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND operator = 'tmoney'") }.first
                    .map {
                        try PostgresCells($0).int(0)
                    } == 0
            }
        } catch {
            let left: [String] = try await Self.query(cluster) { c in
                try c.query(
                    "SELECT coalesce(claimed_by, '-'), operator, count(*), min(id), max(claimed_until) FROM outbox WHERE delivered_at IS NULL GROUP BY 1, 2"
                ).map { row in
                    let cells = PostgresCells(row)
                    return "\(try cells.text(0)) \(try cells.text(1)) \(try cells.int(2)) from \(try cells.int(3)) until \(try cells.int(4))"
                }
            }
            Issue.record("\(error): left \(left); node B's connection got \(onB.receivedSMS.count); B: \(b.stderr.suffix(2000))")
            throw error
        }
        do {
            try await waitUntil("node B's connection read it all", timeout: .seconds(90), every: .milliseconds(100)) {
                Set(onB.receivedSMS.map(\.text)).isSuperset(of: undelivered)
            }
        } catch {
            let got = Set(onB.receivedSMS.map(\.text))
            let missing = undelivered.subtracting(got)
            Issue.record("\(error): \(got.count) received, \(missing.count) of \(undelivered.count) missing, e.g. \(missing.first?.prefix(80) ?? "")")
            throw error
        }
        // A's claims went out only after their lease, through node B.
        let after: [Int64: (by: String, at: Int64)] = try await Self.query(cluster) { c in
            var rows: [Int64: (String, Int64)] = [:]
            for row in try c.query("SELECT id, claimed_by, delivered_at FROM outbox WHERE id = ANY($1)", [PostgresBind.ints(claimed.map(\.id))]) {
                let cells = PostgresCells(row)
                rows[try cells.int(0)] = (try cells.text(1), try cells.int(2))
            }
            return rows
        }
        for row in claimed {
            let now = try #require(after[row.id])
            #expect(now.at >= row.until, "message \(row.id) delivered before A's lease lapsed")
            #expect(!now.by.hasSuffix(":\(a.process.processIdentifier)"), "message \(row.id) still claimed by the dead node")
        }
        await onB.close()
        try await b.stop()
        for dir in cluster.directories { dir.remove() }
    }
}

/// An operator's line connection that says HELLO and then never reads, with a small receive buffer: the server's
/// writes to it hang once a few kilobytes are in flight.
final class StuckLineClient {
    let fd: Int32

    init(port: Int, hello: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CommandLineFailure("socket: \(String(cString: strerror(errno)))") }
        var size: Int32 = 2048
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            Glibc.connect(fd, UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr.self), socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw CommandLineFailure("connect: \(String(cString: strerror(errno)))")
        }
        let bytes = Array(hello.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    func close() { Glibc.close(fd) }
}
