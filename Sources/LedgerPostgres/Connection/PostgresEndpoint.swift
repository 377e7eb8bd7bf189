import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is and how to reach it, from a `postgres://user:password@host:port/db?…` URL.
///
/// The URL follows libpq's: `sslmode` is `disable`, `prefer` (the default), `require` (encrypted, server not
/// verified), `verify-ca` (certificate checked against `sslrootcert` or the system's roots) or `verify-full`
/// (and the host name too); `connect_timeout` is seconds to wait for a connection (default 10; libpq's "0 waits
/// forever" is refused: a node that cannot reach its database should say so). Sika adds `schema=NAME`, the schema its tables live in (created if missing;
/// default `public`), which lets tests and several tenants share one database.
///
/// The password never leaves this value in text: ``location`` and ``description`` hide it.
public struct PostgresEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// TLS to the server, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A PEM file of the certificate authorities to trust (`sslrootcert`); the system's roots when nil.
    public var rootCertificatePath: String?
    /// The schema Sika's tables live in.
    public var schema: String
    /// How long a new connection may take before it fails (`connect_timeout`).
    public var connectTimeout: Duration = Self.defaultConnectTimeout
    /// `connect_timeout` when the URL says nothing.
    public static let defaultConnectTimeout: Duration = .seconds(10)

    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String, tls: TLSMode = .prefer,
        rootCertificatePath: String? = nil, schema: String = "public"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.rootCertificatePath = rootCertificatePath
        self.schema = schema
    }

    /// Whether `text` asks for PostgreSQL rather than naming a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a `postgres://` (or `postgresql://`) URL.
    ///
    /// - Throws: `PostgresStoreError(.configuration)` saying what is wrong, without repeating the password.
    public init(url text: String) throws(PostgresStoreError) {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw PostgresStoreError(.configuration, "not a postgres://user:password@host:port/database URL")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresStoreError(.configuration, "the database URL names no user (postgres://USER@host/database)")
        }
        let host = components.host.map { $0.hasPrefix("[") ? String($0.dropFirst().dropLast()) : $0 } ?? ""
        let database = String(components.path.drop(while: { $0 == "/" }))
        var endpoint = PostgresEndpoint(
            host: host.isEmpty ? "localhost" : host, port: components.port ?? 5432, user: user, password: components.password,
            database: database.isEmpty ? user : database)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw PostgresStoreError(
                        .configuration, "sslmode=\(value) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                endpoint.tls = mode
            case "sslrootcert": endpoint.rootCertificatePath = value
            case "schema":
                guard Self.isIdentifier(value) else {
                    throw PostgresStoreError(.configuration, "schema=\(value): letters, digits and _ only, not starting with a digit")
                }
                endpoint.schema = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw PostgresStoreError(.configuration, "connect_timeout=\(value): a whole number of seconds above 0")
                }
                endpoint.connectTimeout = .seconds(seconds)
            case "application_name": break
            default:
                throw PostgresStoreError(.configuration, "unknown database URL parameter \(item.name)")
            }
        }
        self = endpoint
    }

    /// The URL for people: everything but the password.
    public var location: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var text = "postgres://\(user)@\(hostPart):\(port)/\(database)"
        var query: [String] = []
        if tls != .prefer { query.append("sslmode=\(tls.rawValue)") }
        if schema != "public" { query.append("schema=\(schema)") }
        if connectTimeout != Self.defaultConnectTimeout { query.append("connect_timeout=\(connectTimeout.components.seconds)") }
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text
    }

    public var description: String { location }

    /// This endpoint with another schema (tests give each database its own).
    public func with(schema: String) -> PostgresEndpoint {
        var copy = self
        copy.schema = schema
        return copy
    }

    /// A schema name PostgreSQL accepts unquoted: the store interpolates it into DDL, so nothing else passes.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 63 else { return false }
        let letters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz_")
        let rest = letters.union(CharacterSet(charactersIn: "0123456789"))
        return letters.contains(first) && text.unicodeScalars.allSatisfy(rest.contains)
    }

    /// postgres-nio's configuration for one connection.
    func configuration(applicationName: String) throws(PostgresStoreError) -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: try tlsConfiguration())
        configuration.options.connectTimeout = .seconds(connectTimeout.components.seconds)
        configuration.options.additionalStartupParameters = [("application_name", applicationName), ("search_path", schema)]
        if tls == .verifyFull { configuration.options.tlsServerName = host }
        return configuration
    }

    private func tlsConfiguration() throws(PostgresStoreError) -> PostgresConnection.Configuration.TLS {
        guard tls != .disable else { return .disable }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let rootCertificatePath {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(rootCertificatePath))
            } catch {
                throw PostgresStoreError(.configuration, "cannot read sslrootcert \(rootCertificatePath): \(error)")
            }
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw PostgresStoreError(.configuration, "cannot set up TLS: \(error)")
        }
        return tls == .prefer ? .prefer(context) : .require(context)
    }
}
