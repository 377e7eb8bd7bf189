import Foundation
import TestSupport
import Testing

extension SubprocessTests {
    /// Issue 16, item 14: a command that fails while running says why in one line, `error: …`, and exits 1;
    /// the usage text and exit 64 are for wrong arguments only. Each case runs the binary as a subprocess.
    @Suite struct CommandErrorTests {
        /// Standard error's lines, blank ones dropped.
        static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

        @Test func aRuntimeFailureIsOneLineAndExit1() async throws {
            let dir = try TemporaryDirectory("sika-errors")
            defer { dir.remove() }
            #expect(try await sika(["ledger", "init", "--db", "errors.sqlite"], in: dir.url).status == 0)
            let unknown = try await sika(["ledger", "balance", "--db", "errors.sqlite", "22899999999"], in: dir.url)
            #expect(unknown.status == 1)
            #expect(Self.lines(unknown.err) == ["error: no account 22899999999"], "\(unknown.err)")
            let missing = try await sika(["subscriber", "show", "--db", "errors.sqlite", "22899999999"], in: dir.url)
            #expect(missing.status == 1)
            #expect(Self.lines(missing.err) == ["error: 22899999999 is not registered"], "\(missing.err)")
        }

        @Test func aWrongArgumentPrintsTheUsageAndExits64() async throws {
            let dir = try TemporaryDirectory("sika-usage")
            defer { dir.remove() }
            let bad = try await sika(["cashin", "--db", "usage.sqlite", "22890445566", "abc"], in: dir.url)
            #expect(bad.status == 64)
            #expect(bad.err.contains("amount must be a positive whole number") && bad.err.contains("Usage:"), "\(bad.err)")
            let faults = try await sika(["serve", "--faults", "latency=fast"], in: dir.url)
            #expect(faults.status == 64 && faults.err.contains("latency must be a duration"), "\(faults.err)")
        }

        @Test func aMissingDatabaseDirectoryIsNamed() async throws {
            let dir = try TemporaryDirectory("sika-nodir")
            defer { dir.remove() }
            let database = dir.url.appending(path: "no/such/dir/sika.sqlite").path
            let run = try await sika(["ledger", "seed", "--db", database], in: dir.url)
            #expect(run.status == 1)
            let expected = "error: cannot open the ledger \(database): the directory \(dir.url.appending(path: "no/such/dir").path) does not exist"
            #expect(Self.lines(run.err) == [expected], "\(run.err)")
            #expect(!FileManager.default.fileExists(atPath: database + ".key"), "nothing is created on the way")
        }

        /// "Address in use" names the address, the port and the listener, before the demo table is printed
        /// or anything is seeded.
        @Test(arguments: ["--line-port", "--http-port", "--smpp-port"])
        func anAddressInUseIsNamedBeforeTheDemoTable(flag: String) async throws {
            let dir = try TemporaryDirectory("sika-inuse")
            defer { dir.remove() }
            let squatter = try PortSquatter()
            let others = ["--line-port", "--http-port", "--smpp-port"].filter { $0 != flag }.flatMap { [$0, "0"] }
            let run = try await sika(
                ["serve", "--demo", "--db", "inuse.sqlite", flag, String(squatter.port)] + others + [
                    "--provider-port", String(try TestPorts.free(2)),
                ],
                in: dir.url)
            #expect(run.status == 1)
            let what = ["--line-port": "line protocol", "--http-port": "HTTP", "--smpp-port": "SMPP"][flag] ?? flag
            #expect(Self.lines(run.err) == ["error: cannot listen on 127.0.0.1:\(squatter.port) (\(what)): address already in use"], "\(run.err)")
            #expect(!run.out.contains("MSISDN"), "\(run.out)")
            #expect(!FileManager.default.fileExists(atPath: dir.url.appending(path: "inuse.sqlite").path), "nothing was seeded")
        }

        @Test func reconcileWithTheProvidersUnreachableSaysSoAndFails() async throws {
            let dir = try TemporaryDirectory("sika-reconcile")
            defer { dir.remove() }
            #expect(try await sika(["ledger", "init", "--db", "r.sqlite"], in: dir.url).status == 0)
            let base = try TestPorts.free(2)
            let run = try await sika(["reconcile", "--db", "r.sqlite", "--base-port", String(base)], in: dir.url)
            #expect(run.status == 1)
            let expected =
                "error: cannot reach the providers of flooz at http://127.0.0.1:\(base + 1), tmoney at http://127.0.0.1:\(base) "
                + "(is `sika serve` running?); 0 pending transfer(s) left as they were"
            #expect(Self.lines(run.err).last == expected, "\(run.err)")
            #expect(!run.err.contains("Usage:"))
            #expect(run.out.contains("UNREACHABLE flooz") && run.out.contains("UNREACHABLE tmoney"), "\(run.out)")
        }
    }
}
