import Foundation
import JSONAPI
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
        let exposed = #expect(throws: MobileMoneyError.self) { try APIConfiguration.load(environment: [:], secretsFile: file) }
        #expect(exposed?.code == .configuration && exposed?.message.contains("readable by its owner only") == true)
        chmod(file, 0o600)
        let loaded = try APIConfiguration.load(environment: [:], secretsFile: file)
        #expect(loaded.adminToken == "admin-token-0123456789")
        let overridden = try APIConfiguration.load(environment: ["SIKA_ADMIN_TOKEN": "from-the-environment-42"], secretsFile: file)
        #expect(overridden.adminToken == "from-the-environment-42")
        let none = #expect(throws: APIConfigurationError.self) { try APIConfiguration.load(environment: [:], secretsFile: nil) }
        #expect(none?.description.hasPrefix("set SIKA_JWT_SECRET") == true)
        let weak = #expect(throws: APIConfigurationError.self) {
            try APIConfiguration.fromEnvironment(["SIKA_JWT_SECRET": "abcd", "SIKA_ADMIN_TOKEN": "admin-token-0123456789"])
        }
        #expect(weak?.description == "the JWT secret must be at least 32 bytes")
        let noAdmin = #expect(throws: APIConfigurationError.self) { try APIConfiguration.fromEnvironment(["SIKA_JWT_SECRET": secret]) }
        #expect(noAdmin?.description.hasPrefix("set SIKA_ADMIN_TOKEN") == true)
    }
}
