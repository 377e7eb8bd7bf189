import Foundation
import ProviderBridge
import Testing

extension SubprocessTests {
    /// What the README and the help texts tell people to type is what the binary accepts.
    @Suite struct DocumentedCommandTests {
        /// Every `--faults '…'` value in `text`.
        static func faultValues(_ text: String) -> [String] {
            // Help texts wrap at spaces; a fault plan has none, so joining the lines keeps it whole.
            let joined = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            return joined.matches(of: /--faults '([^']*)'/).map { String($0.output.1) }
        }

        /// Issue 16, item 12: the fault syntax the README, docs/PROVIDER_API.md, `serve --help` and
        /// `provider serve --help` show parses, with the values it shows.
        @Test func theDocumentedFaultSyntaxParses() async throws {
            let readme = try String(contentsOf: repository.appending(path: "README.md"), encoding: .utf8)
            let providerAPI = try String(contentsOf: repository.appending(path: "docs/PROVIDER_API.md"), encoding: .utf8)
            let dir = try TemporaryDirectory("sika-help")
            defer { dir.remove() }
            let serveHelp = try await sika(["serve", "--help"], in: dir.url)
            let providerHelp = try await sika(["provider", "serve", "--help"], in: dir.url)
            #expect(serveHelp.status == 0 && providerHelp.status == 0)
            let sources = [
                ("README.md", readme), ("docs/PROVIDER_API.md", providerAPI), ("serve --help", serveHelp.out),
                ("provider serve --help", providerHelp.out),
            ]
            for (source, text) in sources {
                let values = Self.faultValues(text)
                #expect(!values.isEmpty, "\(source) shows no --faults '…' example")
                for value in values {
                    #expect(throws: Never.self, "\(source): --faults '\(value)'") { try FaultPlan.parse(value) }
                }
            }
            // The README's example means what it says.
            let example = try #require(Self.faultValues(readme).first)
            let plan = try FaultPlan.parse(example)
            #expect(example == "seed=7,5xx=0.1,latency=50ms")
            #expect(plan.seed == 7 && plan.serverError == 0.1 && plan.latencyMs == 50)
        }
    }
}
