import NIOCore
import NIOSSL

/// Where and how to submit: the relay, the TLS policy, credentials, timeouts and limits.
public struct SMTPConfiguration: Sendable {
    /// How the connection is protected.
    public enum TLSPolicy: String, Sendable, Hashable, CaseIterable {
        /// Never negotiate TLS. Only for tests and trusted loopback relays; credentials are then refused unless
        /// ``SMTPConfiguration/allowsPlaintextAuthenticationOnLoopback`` is set and the relay is on loopback.
        case disabled
        /// STARTTLS when the server offers it, plaintext otherwise (and when the server answers STARTTLS with an
        /// error). A failed handshake is an error, never a silent fallback to plaintext.
        case opportunistic
        /// STARTTLS must be offered and succeed, or the attempt fails with ``SMTPError/Code/tlsUnavailable`` or
        /// ``SMTPError/Code/tlsHandshakeFailed`` before anything else is sent.
        case required
        /// TLS from the first byte ("submissions", port 465, RFC 8314).
        case implicit
    }

    public var host: String
    public var port: Int
    public var tlsPolicy: TLSPolicy
    /// The TLS client settings. The default verifies the certificate chain against the system's trust roots and
    /// the host name; for a test relay with its own certificate set `trustRoots = .certificates([…])` rather than
    /// turning verification off.
    public var tlsConfiguration: TLSConfiguration
    /// The name the certificate must carry (and sent as SNI); nil means ``host``. An IP address is verified
    /// against the certificate's IP entries and not sent as SNI.
    public var tlsServerName: String?
    /// When set, the client authenticates after TLS with the first of ``authenticationMechanisms`` the server offers.
    public var credentials: SMTPCredentials?
    /// In order of preference.
    public var authenticationMechanisms: [SMTPAuthenticationMechanism]
    /// Allows AUTH without TLS when, and only when, the peer address is a loopback address (tests, a local relay).
    public var allowsPlaintextAuthenticationOnLoopback: Bool
    /// The name sent with EHLO/HELO.
    public var heloName: String
    public var timeouts: SMTPTimeouts
    public var limits: SMTPLimits

    public init(
        host: String,
        port: Int = 587,
        tlsPolicy: TLSPolicy = .opportunistic,
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        credentials: SMTPCredentials? = nil,
        heloName: String = "localhost",
        timeouts: SMTPTimeouts = SMTPTimeouts(),
        limits: SMTPLimits = SMTPLimits()
    ) {
        self.host = host
        self.port = port
        self.tlsPolicy = tlsPolicy
        self.tlsConfiguration = tlsConfiguration
        self.tlsServerName = nil
        self.credentials = credentials
        self.authenticationMechanisms = [.plain, .login]
        self.allowsPlaintextAuthenticationOnLoopback = false
        self.heloName = heloName
        self.timeouts = timeouts
        self.limits = limits
    }

    /// The name to verify the certificate against, and the SNI to send (nil for an IP address).
    var verifiedServerName: String { tlsServerName ?? host }
    var sniServerName: String? {
        let name = verifiedServerName
        return (try? SocketAddress(ipAddress: name, port: 0)) == nil ? name : nil
    }
}
