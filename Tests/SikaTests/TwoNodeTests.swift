import Foundation
import LedgerPostgres
import LineFront
import TestSupport
import Testing

extension SubprocessTests {
    /// Two `sika serve` nodes on one PostgreSQL database, as an operator runs them behind a load balancer
    /// (issue 12, phase 2): each node its own directory, ports and provider simulators; one database, one
    /// set of operator and aggregator secrets.
    @Suite struct TwoNodeTests {
        static let kofi = "22890112233"
        static let ama = "22890445566"
        static let secrets = [
            "SIKA_AGGREGATOR_TOKEN_TMONEY": "tm-aggregator-two-nodes-0123", "SIKA_AGGREGATOR_TOKEN_FLOOZ": "fl-aggregator-two-nodes-4567",
            "SIKA_TOKEN_TMONEY": "tm-line-two-nodes-0123456789", "SIKA_TOKEN_FLOOZ": "fl-line-two-nodes-0123456789",
            // Every node checks PINs against the same stored hashes: they share the pepper.
            "SIKA_PIN_PEPPER": String(repeating: "5e", count: 32),
        ]

        /// Both nodes, started one after the other on a fresh schema (the second finds the demo world seeded).
        struct Cluster {
            let target: PostgresCommandTests.Target
            let directories: [TemporaryDirectory]
            let nodes: [ServeProcess]
            var env: [String: String] { target.env.merging(TwoNodeTests.secrets) { $1 } }

            static func start(_ extra: [String] = []) async throws -> Cluster {
                let target = try PostgresCommandTests.Target()
                var directories: [TemporaryDirectory] = []
                var nodes: [ServeProcess] = []
                for name in ["a", "b"] {
                    let dir = try TemporaryDirectory("sika-node-\(name)")
                    directories.append(dir)
                    let env = target.env.merging(TwoNodeTests.secrets) { $1 }
                    nodes.append(try await ServeProcess.start(["--demo", "--database", target.url] + extra, in: dir.url, env: env))
                }
                return Cluster(target: target, directories: directories, nodes: nodes)
            }

            /// Stops both nodes gracefully; the schema stays until ``drop()``, for the checks after.
            func stop() async throws {
                for node in nodes { #expect(try await node.stop() == 0) }
                for dir in directories { dir.remove() }
            }

            func drop() { target.drop() }
        }

        /// One `POST /ussd` session whose steps alternate between node A and node B answers exactly what one node
        /// answers to the same session, moves the money once, and after its `END` the request that ended it gets
        /// the same final screen from either node, while any other request under its id is refused.
        @Test func aCallbackSessionAlternatingBetweenTwoNodesCompletesAsOnOne() async throws {
            let cluster = try await Cluster.start()
            defer { cluster.drop() }
            let (a, b) = (cluster.nodes[0], cluster.nodes[1])
            let token = Self.secrets["SIKA_AGGREGATOR_TOKEN_TMONEY"]!
            // Ama sends 1 000 FCFA to Kofi: send, on-net, number, amount, confirm, PIN.
            let texts = ["", "1", "1*1", "1*1*90112233", "1*1*90112233*1000", "1*1*90112233*1000*1", "1*1*90112233*1000*1*4826"]
            var alone: [String] = []
            for text in texts { alone.append(try await a.ussd("one-node", Self.ama, text, token: token)) }
            var alternating: [String] = []
            for (step, text) in texts.enumerated() {
                alternating.append(try await (step % 2 == 0 ? a : b).ussd("two-nodes", Self.ama, text, token: token))
            }
            // Every screen the same; the END names the same transfer (its reference and the balance after differ).
            #expect(alternating.dropLast() == alone.dropLast(), "\(alternating) vs \(alone)")
            let end = try #require(alternating.last)
            #expect(end.hasPrefix("END Envoi de 1 000 FCFA a KOFI A. reussi"), "\(end)")
            #expect(alone.last?.hasPrefix("END Envoi de 1 000 FCFA a KOFI A. reussi") == true, "\(alone)")
            // An aggregator's retry of a step, on the other node, gets that step's screen again, not a second step.
            #expect(try await b.ussd("retry", Self.ama, "", token: token) == alone[0])
            #expect(try await b.ussd("retry", Self.ama, "1", token: token) == alone[1])
            #expect(try await a.ussd("retry", Self.ama, "1", token: token) == alone[1])
            #expect(try await a.ussd("retry", Self.ama, "1*1", token: token) == alone[2])
            // Replay after END, on both nodes: the same final screen, byte for byte; anything else is refused.
            #expect(try await a.ussd("two-nodes", Self.ama, texts.last!, token: token) == end)
            #expect(try await b.ussd("two-nodes", Self.ama, texts.last!, token: token) == end)
            let other = try await b.ussd("two-nodes", Self.ama, "", token: token)
            #expect(other.hasPrefix("END session two-nodes has ended"), "\(other)")
            try await cluster.stop()
            // Money moved once per session: Kofi got 2 × 1 000.
            let dir = try TemporaryDirectory("sika-node-check")
            defer { dir.remove() }
            let balance = try await sika(["ledger", "balance", "--database", cluster.target.url, Self.kofi], in: dir.url, env: cluster.env)
            #expect(balance.out.contains("52 000 FCFA"), "\(balance.out) \(balance.err)")
        }

        /// A `POST /ussd` session that timed out through node A is offered back when the phone dials again on node B
        /// (a new session id, the plain service code), resumes with its answers and moves the money once; its old id
        /// is over on both nodes, and no other dial is offered it again.
        @Test func aCallbackSessionTimedOutOnOneNodeIsOfferedBackOnTheOther() async throws {
            let cluster = try await Cluster.start()
            defer { cluster.drop() }
            let (a, b) = (cluster.nodes[0], cluster.nodes[1])
            let token = Self.secrets["SIKA_AGGREGATOR_TOKEN_TMONEY"]!
            for text in ["", "1", "1*1"] { _ = try await a.ussd("t1", Self.ama, text, token: token) }
            #expect(try await a.ussd("t1", Self.ama, "1*1*90112233", token: token) == "CON Montant a envoyer (FCFA):")
            // 200 s pass without a step (the idle timeout is 180 s): the shared copy's last step goes back in time.
            let connection = try BlockingPostgresConnection.connect(to: cluster.target.endpoint, applicationName: "sika-test")
            _ = try connection.simple("UPDATE callback_sessions SET updated_at = updated_at - 200 WHERE id = 't1'")
            connection.close()
            #expect(try await b.ussd("t2", Self.ama, "", token: token) == "CON Reprendre l'operation en cours?\n1. Oui\n2. Non")
            #expect(try await b.ussd("t2", Self.ama, "1", token: token) == "CON Montant a envoyer (FCFA):")
            _ = try await b.ussd("t2", Self.ama, "1*1000", token: token)
            _ = try await b.ussd("t2", Self.ama, "1*1000*1", token: token)
            let end = try await b.ussd("t2", Self.ama, "1*1000*1*4826", token: token)
            #expect(end.hasPrefix("END Envoi de 1 000 FCFA a KOFI A. reussi"), "\(end)")
            // The old id is over everywhere; a later dial is not offered anything.
            for node in [a, b] {
                let late = try await node.ussd("t1", Self.ama, "1*1*90112233*1000", token: token)
                #expect(late.hasPrefix("END") && late.contains("t1"), "\(late)")
            }
            #expect(try await a.ussd("t3", Self.ama, "", token: token).hasPrefix("CON T-Money"))
            try await cluster.stop()
            let dir = try TemporaryDirectory("sika-node-check")
            defer { dir.remove() }
            let balance = try await sika(["ledger", "balance", "--database", cluster.target.url, Self.kofi], in: dir.url, env: cluster.env)
            #expect(balance.out.contains("51 000 FCFA"), "\(balance.out) \(balance.err)")
        }
    }
}
