import Foundation
import LineFront
import Testing

extension SubprocessTests {
    /// Issue 16, item 15: the binary finds its menus, operator data, demo world, scripts and OpenAPI
    /// document wherever it runs from (package resources), and `$SIKA_HOME` points it at another copy.
    @Suite struct AnyDirectoryTests {
        @Test func seedLintAndScriptsWorkFromAnyDirectory() async throws {
            let dir = try TemporaryDirectory("sika-elsewhere")
            defer { dir.remove() }
            #expect(!FileManager.default.fileExists(atPath: dir.url.appending(path: "menus").path))
            let seed = try await sika(["ledger", "seed", "--db", "seed.sqlite"], in: dir.url)
            #expect(seed.status == 0, "\(seed.err)")
            #expect(seed.out.contains("22890112233   Kofi Amegah"))
            let lint = try await sika(["menus", "lint"], in: dir.url)
            #expect(lint.status == 0, "\(lint.out)\(lint.err)")
            #expect(lint.out.contains("4 file(s): 0 error(s)"), "\(lint.out)")
            let scripts = try await sika(["script", "run"], in: dir.url)
            #expect(scripts.status == 0, "\(scripts.out)\(scripts.err)")
            #expect(scripts.out.contains(" passed, 0 failed"))
        }

        @Test func sikaHomeNamesAnotherCopy() async throws {
            let dir = try TemporaryDirectory("sika-home")
            defer { dir.remove() }
            let home = dir.url.appending(path: "home")
            try FileManager.default.createDirectory(at: home.appending(path: "menus"), withIntermediateDirectories: true)
            for name in ["wallet.yaml", "actions.yaml", "operators.yaml", "receipts.yaml"] {
                try FileManager.default.copyItem(at: repository.appending(path: "menus/\(name)"), to: home.appending(path: "menus/\(name)"))
            }
            let broken = try String(contentsOf: home.appending(path: "menus/wallet.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "next: send_amount", with: "next: nowhere")
            try broken.write(to: home.appending(path: "menus/wallet.yaml"), atomically: true, encoding: .utf8)
            let lint = try await sika(["menus", "lint"], in: dir.url, env: ["SIKA_HOME": home.path])
            #expect(lint.status == 1 && lint.out.contains("'nowhere', which does not exist"), "\(lint.out)")
        }

        @Test func serveDemoWorksFromAnyDirectoryAndServesTheRealOpenAPIDocument() async throws {
            let dir = try TemporaryDirectory("sika-serve-elsewhere")
            defer { dir.remove() }
            let serve = try await ServeProcess.start(["--demo"], in: dir.url)
            #expect(FileManager.default.fileExists(atPath: dir.url.appending(path: "sika.sqlite").path), "the default ledger is ./sika.sqlite")
            let document = try await serve.http(.GET, "/openapi.yaml")
            let shipped = try String(contentsOf: repository.appending(path: "docs/openapi.yaml"), encoding: .utf8)
            #expect(document.status == 200 && document.body == shipped)
            let client = try await LineClient.connect(host: "127.0.0.1", port: serve.linePort)
            try await client.hello(operatorID: "tmoney", token: serve.token("tmoney"))
            let screen = try await client.begin(session: "a1", msisdn: "22890112233", dial: "*145#")
            #expect(screen.rendered.contains("1. Envoyer de l'argent"), "\(screen.rendered)")
            await client.close()
            #expect(try await serve.stop() == 0)
        }
    }
}
