import Foundation
import MobileMoney
import Sessions

/// Secrets and limits of the JSON API.
public struct APIConfiguration: Sendable {
    /// HMAC key for session tokens (HS256), at least 32 bytes.
    public var jwtSecret: [UInt8]
    /// Bearer credential of the admin endpoints, separate from subscribers' tokens.
    public var adminToken: String
    /// How long a session token lives.
    public var tokenLifetime: Duration = .seconds(15 * 60)
    /// Requests per MSISDN: burst and sustained rate.
    public var perSubscriberBurst = 10
    public var perSubscriberPerSecond = 1.0
    /// Requests per client address: burst and sustained rate.
    public var perClientBurst = 100
    public var perClientPerSecond = 20.0
    /// Subscribers and clients each limiter remembers at once (see `TokenBucketLimiter`).
    public var rateLimitKeys = TokenBucketLimiter.defaultMaxKeys

    public init(jwtSecret: [UInt8], adminToken: String) throws {
        guard jwtSecret.count >= 32 else { throw APIConfigurationError("the JWT secret must be at least 32 bytes") }
        guard adminToken.utf8.count >= 16 else { throw APIConfigurationError("the admin token must be at least 16 characters") }
        self.jwtSecret = jwtSecret
        self.adminToken = adminToken
    }

    /// Reads the secrets from the environment, or from a `KEY=value` file readable by its owner only
    /// (the environment wins), refusing to start without them.
    public static func load(environment: [String: String], secretsFile: String?) throws -> APIConfiguration {
        var values = try secretsFile.map(SecretFile.readAssignments) ?? [:]
        values.merge(environment) { $1 }
        return try fromEnvironment(values)
    }

    /// Reads `SIKA_JWT_SECRET` (hex, 64+ digits) and `SIKA_ADMIN_TOKEN`, refusing to start without them.
    public static func fromEnvironment(_ environment: [String: String]) throws -> APIConfiguration {
        guard let hex = environment["SIKA_JWT_SECRET"], let secret = Self.bytes(hex: hex) else {
            throw APIConfigurationError("set SIKA_JWT_SECRET to 64 or more hex digits (e.g. openssl rand -hex 32)")
        }
        guard let admin = environment["SIKA_ADMIN_TOKEN"] else {
            throw APIConfigurationError("set SIKA_ADMIN_TOKEN (16 or more characters) for the admin endpoints")
        }
        return try APIConfiguration(jwtSecret: secret, adminToken: admin)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
            index += 2
        }
        return bytes
    }
}

/// The API cannot start: a secret is missing or too weak.
public struct APIConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
