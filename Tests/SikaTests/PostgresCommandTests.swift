import Foundation
import LedgerPostgres
import LineFront
import TestSupport
import Testing

extension SubprocessTests {
    /// The `sika` binary on PostgreSQL, the way an operator runs it: `--database` (or `$SIKA_DATABASE_URL`) without the
    /// password, which comes from the environment or serve's `--secrets` file and is never printed.
    @Suite struct PostgresCommandTests {
        /// A fresh schema on the test server; the URL the commands get has no password.
        struct Target {
            let endpoint: PostgresEndpoint
            var url: String { endpoint.location }
            var password: String { endpoint.password ?? "" }
            var env: [String: String] { ["SIKA_DATABASE_PASSWORD": password] }

            init() throws { endpoint = try TestPostgres.endpoint().with(schema: TestPostgres.freshSchema()) }

            func drop() { TestPostgres.drop(schema: endpoint.schema, of: endpoint) }
        }

        @Test func theLedgerCommandsRunOnPostgres() async throws {
            let target = try Target()
            defer { target.drop() }
            let dir = try TemporaryDirectory("sika-pg-cli")
            defer { dir.remove() }
            let store = ["--database", target.url]
            let seed = try await sika(["ledger", "seed"] + store, in: dir.url, env: target.env)
            #expect(seed.status == 0, "\(seed.err)")
            #expect(seed.out.contains("22890112233   Kofi Amegah"))
            // Selected by the environment alone, as a node's unit file would.
            let verify = try await sika(["ledger", "verify"], in: dir.url, env: target.env.merging(["SIKA_DATABASE_URL": target.url]) { $1 })
            #expect(verify.status == 0 && verify.out.contains("ledger is consistent"), "\(verify.err)")
            let cashIn = try await sika(["cashin"] + store + ["22890445566", "1500"], in: dir.url, env: target.env)
            #expect(cashIn.status == 0 && cashIn.out.contains("balance 26 500 FCFA"), "\(cashIn.err)")
            let reference = String(cashIn.out.prefix(while: { $0 != " " }))
            #expect(try await sika(["reverse"] + store + [reference], in: dir.url, env: target.env).status == 0)
            #expect(try await sika(["ledger", "balance"] + store + ["22890445566"], in: dir.url, env: target.env).out.contains("25 000 FCFA"))
            let statement = try await sika(["ledger", "statement"] + store + ["22890445566"], in: dir.url, env: target.env)
            #expect(statement.out.split(separator: "\n").count == 3, "\(statement.out)")
            #expect(try await sika(["subscriber", "show"] + store + ["22892000111"], in: dir.url, env: target.env).out.contains("status blocked"))
            #expect(try await sika(["settlement"] + store, in: dir.url, env: target.env).status == 0)
            #expect(try await sika(["reconcile", "--local"] + store, in: dir.url, env: target.env).status == 0)

            let wrong = try await sika(["ledger", "verify"] + store, in: dir.url, env: ["SIKA_DATABASE_PASSWORD": "not-the-password"])
            #expect(wrong.status != 0)
            #expect(wrong.err.contains(target.url), "the failure names the database: \(wrong.err)")
            for run in [seed, verify, cashIn, statement, wrong] {
                #expect(!run.out.contains(target.password) && !run.err.contains(target.password), "a command printed the password")
            }
        }

        /// A demo world used on SQLite, copied over: both sides read the same, the ledger audits clean, new ids follow the
        /// copied ones, and a second copy into the now non-empty database is refused.
        @Test func ledgerCopyMovesAUsedDemoWorldAndRefusesANonEmptyTarget() async throws {
            let target = try Target()
            defer { target.drop() }
            let dir = try TemporaryDirectory("sika-pg-copy")
            defer { dir.remove() }
            let file = ["--db", "demo.sqlite"]
            #expect(try await sika(["ledger", "seed"] + file, in: dir.url).status == 0)
            let cashIn = try await sika(["cashin"] + file + ["22890445566", "1500"], in: dir.url)
            #expect(try await sika(["reverse"] + file + [String(cashIn.out.prefix(while: { $0 != " " }))], in: dir.url).status == 0)
            #expect(try await sika(["subscriber", "block"] + file + ["22890112233"], in: dir.url).status == 0)

            let copy = try await sika(["ledger", "copy", "--from", "demo.sqlite", "--to", target.url], in: dir.url, env: target.env)
            #expect(copy.status == 0, "\(copy.err)")
            #expect(copy.out.contains("Both sides hold the same rows in every table"), "\(copy.out)")
            #expect(!copy.out.contains(target.password) && !copy.err.contains(target.password))
            let store = ["--database", target.url, "--db", "demo.sqlite"]
            for number in ["22890445566", "22890112233"] {
                let here = try await sika(["ledger", "statement"] + file + [number], in: dir.url)
                let there = try await sika(["ledger", "statement"] + store + [number], in: dir.url, env: target.env)
                #expect(here.status == 0 && here.out == there.out, "\(here.out) / \(there.out) \(there.err)")
            }
            #expect(try await sika(["subscriber", "show"] + store + ["22890112233"], in: dir.url, env: target.env).out.contains("status blocked"))
            // The copy moved the ids' sequences past the copied rows: a new transfer gets a new id.
            let after = try await sika(["cashin"] + store + ["22890445566", "700"], in: dir.url, env: target.env)
            #expect(after.status == 0 && after.out.contains("balance 25 700 FCFA"), "\(after.err)")
            #expect(try await sika(["ledger", "verify"] + store, in: dir.url, env: target.env).out.contains("ledger is consistent"))

            let again = try await sika(["ledger", "copy", "--from", "demo.sqlite", "--to", target.url], in: dir.url, env: target.env)
            #expect(again.status != 0)
            #expect(again.err.contains("is not empty"), "\(again.err)")
        }

        /// `sika serve --database` with the password in its `--secrets` file: a transfer over the line socket is in
        /// PostgreSQL, the start banner shows the durability the writers read back, never the password.
        @Test func serveRunsOnPostgresWithThePasswordFromTheSecretsFile() async throws {
            let target = try Target()
            defer { target.drop() }
            let dir = try TemporaryDirectory("sika-pg-serve")
            defer { dir.remove() }
            let secrets = dir.url.appending(path: "secrets.env").path
            let lines = [
                "SIKA_DATABASE_PASSWORD=\(target.password)", "SIKA_JWT_SECRET=\(String(repeating: "5a", count: 32))",
                "SIKA_ADMIN_TOKEN=postgres-admin-token-0123456789",
            ]
            _ = FileManager.default.createFile(
                atPath: secrets, contents: Data((lines.joined(separator: "\n") + "\n").utf8), attributes: [.posixPermissions: 0o600])
            let serve = try await ServeProcess.start(["--demo", "--database", target.url, "--secrets", secrets], in: dir.url)
            #expect(serve.stdout.contains("Ledger \(target.url): synchronous_commit=on, fsync=on"), "\(serve.stdout)")
            #expect(serve.stdout.contains("Sessions in PostgreSQL \(target.url)"), "\(serve.stdout)")
            #expect(!serve.stdout.contains(target.password) && !serve.stderr.contains(target.password))
            let client = try await LineClient.connect(host: "127.0.0.1", port: serve.linePort)
            try await client.hello(operatorID: "tmoney", token: serve.token("tmoney"))
            let end = try await LiveServeTests.ussd(client, "pg1", "22890112233", "*145*1*1*90445566*1000#", ["1", "2580"])
            #expect(end.contains("reussi"), "\(end)")
            await client.close()
            #expect(try await serve.stop() == 0)
            let balance = try await sika(["ledger", "balance", "--database", target.url, "22890445566"], in: dir.url, env: target.env)
            #expect(balance.out.contains("26 000 FCFA"), "\(balance.out) \(balance.err)")
        }
    }
}
