import Foundation
import NIOSSL
import SMTP

/// The relay notices are submitted to, from `sika serve --smtp URL`:
///
/// | URL | connection |
/// | --- | --- |
/// | `smtp://host[:port]` | STARTTLS when the relay offers it, plaintext otherwise; port 587 by default |
/// | `smtp+starttls://host[:port]` | STARTTLS required: a relay that does not offer it, or a failed handshake, is an error before anything is sent |
/// | `smtps://host[:port]` | TLS from the first byte (RFC 8314), port 465 by default |
///
/// `user@` before the host authenticates as that user (AUTH PLAIN or LOGIN, after TLS; on a plaintext
/// connection only when the relay is on this machine's loopback). The password is never in the URL: it comes
/// from `SIKA_SMTP_PASSWORD` (environment or `--secrets` file). Options after `?`: `ca=FILE` trusts only the PEM
/// certificates in FILE (a relay with its own CA) instead of the system's roots; `tls-name=NAME` is the name the
/// certificate must carry when it is not the host (a relay reached by IP address); `helo=NAME` is the name sent
/// with EHLO (default `localhost`). A certificate is always verified: there is no option to turn that off.
public struct SMTPRelay: Sendable, CustomStringConvertible {
    public static let passwordVariable = "SIKA_SMTP_PASSWORD"

    public let host: String
    public let port: Int
    public let tlsPolicy: SMTPConfiguration.TLSPolicy
    public let username: String?
    let password: String?
    public let certificateFile: String?
    public let tlsServerName: String?
    public let heloName: String

    /// - Parameter password: `SIKA_SMTP_PASSWORD`, required when the URL names a user.
    public init(url text: String, password: String?) throws(MailDeliveryError) {
        func invalid(_ why: String) -> MailDeliveryError { MailDeliveryError(.invalidRelayURL, "--smtp \(Self.redacted(text)): \(why)") }
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            throw invalid("not a URL such as smtp://relay.example.com:587")
        }
        switch scheme {
        case "smtp": tlsPolicy = .opportunistic
        case "smtp+starttls": tlsPolicy = .required
        case "smtps": tlsPolicy = .implicit
        default: throw invalid("the scheme is smtp, smtp+starttls or smtps, not \(scheme)")
        }
        guard let host = url.host, !host.isEmpty else { throw invalid("no host") }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = url.port ?? (tlsPolicy == .implicit ? 465 : 587)
        guard (1...65535).contains(port) else { throw invalid("the port is 1 to 65535") }
        guard url.path.isEmpty || url.path == "/" else { throw invalid("a relay URL has no path") }
        guard url.fragment == nil else { throw invalid("a relay URL has no fragment") }
        if url.password != nil {
            throw MailDeliveryError(.credentials, "the password goes in \(Self.passwordVariable) (environment or --secrets file), never in the URL")
        }
        username = url.user.map { $0.removingPercentEncoding ?? $0 }
        if username != nil, password?.isEmpty ?? true {
            throw MailDeliveryError(.credentials, "--smtp names a user but \(Self.passwordVariable) is not set")
        }
        self.password = username == nil ? nil : password
        var certificateFile: String?
        var tlsServerName: String?
        var heloName = "localhost"
        for item in url.queryItems ?? [] {
            guard let value = item.value, !value.isEmpty else { throw invalid("option \(item.name) needs a value") }
            switch item.name {
            case "ca": certificateFile = value
            case "tls-name": tlsServerName = value
            case "helo": heloName = value
            default: throw invalid("unknown option \(item.name) (ca, tls-name, helo)")
            }
        }
        self.certificateFile = certificateFile
        self.tlsServerName = tlsServerName
        self.heloName = heloName
    }

    /// The client settings for this relay. Timeouts are short: a notice waits in the outbox, not in a socket.
    public func configuration() throws(MailDeliveryError) -> SMTPConfiguration {
        var configuration = SMTPConfiguration(
            host: host, port: port, tlsPolicy: tlsPolicy, heloName: heloName,
            timeouts: SMTPTimeouts(
                connect: .seconds(15), greeting: .seconds(30), tlsHandshake: .seconds(15), command: .seconds(30),
                messageData: .seconds(120), quit: .seconds(5)))
        if let username, let password { configuration.credentials = SMTPCredentials(username: username, password: password) }
        // Plaintext AUTH only to a relay on this machine (a local Postfix, a test server): nobody else can read loopback.
        configuration.allowsPlaintextAuthenticationOnLoopback = true
        configuration.tlsServerName = tlsServerName
        if let certificateFile {
            do {
                configuration.tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificateFile))
            } catch {
                throw MailDeliveryError(.certificate, "cannot read the relay's CA certificate \(certificateFile): \(error)")
            }
        }
        return configuration
    }

    /// The relay as people read it: scheme, user, host and port, what TLS it gets; never the password.
    public var description: String {
        let scheme =
            switch tlsPolicy {
            case .required: "smtp+starttls"
            case .implicit: "smtps"
            default: "smtp"
            }
        let tls =
            switch tlsPolicy {
            case .required: "STARTTLS required"
            case .implicit: "TLS"
            case .opportunistic: "STARTTLS when offered"
            case .disabled: "no TLS"
            }
        let user = username.map { "\($0)@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(user)\(shownHost):\(port) (\(tls)\(username == nil ? "" : ", AUTH"))"
    }

    /// The URL with any password replaced, for an error message.
    static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? "<url>"
    }
}
