import Foundation
import Gateway
import MobileMoney
import Testing

@Suite struct APIConfigurationTests {
    @Test func secretsComeFromTheEnvironmentOrAPrivateFile() throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "api-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appending(path: "secrets.env").path
        let secret = String(repeating: "ab", count: 32)
        try "# API secrets\nSIKA_JWT_SECRET=\(secret)\nSIKA_ADMIN_TOKEN=admin-token-0123456789\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        #expect(throws: MobileMoneyError.self) { try APIConfiguration.load(environment: [:], secretsFile: file) }
        chmod(file, 0o600)
        let loaded = try APIConfiguration.load(environment: [:], secretsFile: file)
        #expect(loaded.adminToken == "admin-token-0123456789")
        let overridden = try APIConfiguration.load(environment: ["SIKA_ADMIN_TOKEN": "from-the-environment-42"], secretsFile: file)
        #expect(overridden.adminToken == "from-the-environment-42")
        #expect(throws: APIConfigurationError.self) { try APIConfiguration.load(environment: [:], secretsFile: nil) }
        #expect(throws: APIConfigurationError.self) {
            try APIConfiguration.fromEnvironment(["SIKA_JWT_SECRET": "abcd", "SIKA_ADMIN_TOKEN": "admin-token-0123456789"])
        }
    }
}
