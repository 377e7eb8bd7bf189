import Logging
import NIOCore
import NIOSSL

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One open, greeted, (when configured) encrypted and authenticated SMTP session, ready to submit messages one
/// after another. Get one from ``SMTPClient/connect()`` and end it with ``quit()``.
///
/// A message is all-or-nothing: if the server refuses the sender or any recipient, the transaction is abandoned
/// before DATA (the next one starts with RSET) and the error names the refused recipient, so nobody receives a copy
/// that a retry would send again.
/// After an error that leaves the session usable (a 4xx or 5xx reply) the connection can send the next message;
/// after one with ``SMTPError/closesConnection`` it is closed.
///
/// One call at a time: a call made while another is running fails with ``SMTPError/Code/misuse``; it is not queued.
public actor SMTPConnection {
    private let channel: any Channel
    private let handler: NIOLoopBound<SMTPClientHandler>
    private let configuration: SMTPConfiguration
    private let logger: Logger

    /// The server's 220 greeting.
    public private(set) var greeting: SMTPReply?
    /// What the last EHLO reply advertised (after STARTTLS, the one sent over TLS).
    public private(set) var capabilities = SMTPCapabilities()
    /// Whether the session runs over TLS (implicit or after STARTTLS).
    public private(set) var isEncrypted = false
    /// Whether AUTH succeeded.
    public private(set) var isAuthenticated = false
    /// Whether the connection has been closed (by ``quit()``, ``close()`` or an error that closes it).
    public private(set) var isClosed = false

    private var isBusy = false
    private var hasTransaction = false

    init(channel: any Channel, handler: NIOLoopBound<SMTPClientHandler>, configuration: SMTPConfiguration, logger: Logger) {
        self.channel = channel
        self.handler = handler
        self.configuration = configuration
        self.logger = logger
    }

    /// Takes a connected channel whose pipeline holds `handler` (and, for implicit TLS, a TLS handler before it),
    /// and runs greeting, EHLO, STARTTLS and AUTH as configured. Closes the channel on failure.
    ///
    /// The handler is handed over rather than looked up in the pipeline: a server that sends garbage at once gets
    /// the channel closed, and its handlers removed, before a lookup could run.
    static func establish(
        channel: any Channel, handler: NIOLoopBound<SMTPClientHandler>, configuration: SMTPConfiguration, logger: Logger
    ) async throws(SMTPError) -> SMTPConnection {
        var logger = logger
        if let remote = channel.remoteAddress { logger[metadataKey: "smtp.server"] = "\(remote)" }
        let connection = SMTPConnection(channel: channel, handler: handler, configuration: configuration, logger: logger)
        do {
            try await connection.open()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    // MARK: Opening

    private func open() async throws(SMTPError) {
        guard Self.isValidHeloName(configuration.heloName) else {
            throw SMTPError(.misuse, "the EHLO name is not a host name or an address literal: \(configuration.heloName.debugDescription)")
        }
        let greeting = try await receive(stage: .greeting)
        self.greeting = greeting
        guard greeting.code == 220 else { throw failing(.unexpected(greeting, at: .greeting)) }
        isEncrypted = configuration.tlsPolicy == .implicit
        try await hello()
        switch configuration.tlsPolicy {
        case .opportunistic, .required: try await startTLSIfOffered()
        case .disabled, .implicit: break
        }
        if let credentials = configuration.credentials {
            try await authenticate(credentials)
        }
        logger.debug("SMTP session ready", metadata: ["smtp.tls": "\(isEncrypted)", "smtp.auth": "\(isAuthenticated)"])
    }

    /// EHLO, or HELO when the server refuses EHLO with a 5xx (an RFC 821 server): then no extension is known.
    private func hello() async throws(SMTPError) {
        let reply = try await exchange(.ehlo(configuration.heloName), stage: .ehlo)
        if reply.code == 250 {
            capabilities = SMTPCapabilities(ehloReply: reply)
            return
        }
        guard reply.isPermanentNegative else { throw failing(.unexpected(reply, at: .ehlo)) }
        let helo = try await exchange(.helo(configuration.heloName), stage: .helo)
        guard helo.code == 250 else { throw failing(.unexpected(helo, at: .helo)) }
        capabilities = SMTPCapabilities()
    }

    private func startTLSIfOffered() async throws(SMTPError) {
        let required = configuration.tlsPolicy == .required
        guard capabilities.supportsSTARTTLS else {
            if required { throw failing(SMTPError(.tlsUnavailable, "the server does not offer STARTTLS", stage: .ehlo)) }
            logger.debug("SMTP server does not offer STARTTLS; continuing without TLS")
            return
        }
        let reply = try await exchange(.startTLS, stage: .startTLS)
        guard reply.code == 220 else {
            guard reply.isTransientNegative || reply.isPermanentNegative else { throw failing(.unexpected(reply, at: .startTLS)) }
            if required { throw failing(SMTPError(.tlsUnavailable, "the server refused STARTTLS", stage: .startTLS, reply: reply)) }
            // RFC 3207 §4: the client may go on without TLS after a refusal; the session state is unchanged.
            logger.debug("SMTP server refused STARTTLS; continuing without TLS", metadata: ["smtp.reply": "\(reply)"])
            return
        }
        let sslContext: NIOSSLContext
        do {
            sslContext = try NIOSSLContext(configuration: configuration.tlsConfiguration)
        } catch {
            throw failing(SMTPError(.tlsHandshakeFailed, "the TLS configuration is not usable: \(error)", stage: .tlsHandshake))
        }
        let handler = handler
        let serverName = configuration.sniServerName
        try await wait(stage: .tlsHandshake) {
            channel.eventLoop.flatSubmit { handler.value.startTLS(context: sslContext, serverHostname: serverName) }
        }
        isEncrypted = true
        // RFC 3207 §4.2: forget everything learnt before TLS and ask again.
        capabilities = SMTPCapabilities()
        let ehlo = try await exchange(.ehlo(configuration.heloName), stage: .ehlo)
        guard ehlo.code == 250 else { throw failing(.unexpected(ehlo, at: .ehlo)) }
        capabilities = SMTPCapabilities(ehloReply: ehlo)
    }

    private func authenticate(_ credentials: SMTPCredentials) async throws(SMTPError) {
        guard isEncrypted || (configuration.allowsPlaintextAuthenticationOnLoopback && peerIsLoopback) else {
            throw failing(
                SMTPError(.authenticationRequiresTLS, "credentials are never sent over an unencrypted connection", stage: .auth))
        }
        let offered = capabilities.authenticationMechanisms
        guard let mechanism = configuration.authenticationMechanisms.first(where: { offered.contains($0.rawValue) }) else {
            let list = offered.isEmpty ? "none" : offered.sorted().joined(separator: " ")
            throw failing(
                SMTPError(.authenticationUnavailable, "the server offers no usable AUTH mechanism (offered: \(list))", stage: .auth))
        }
        // A NUL would move the boundary between PLAIN's authorisation identity, user name and password.
        guard !credentials.username.utf8.contains(0), !credentials.password.utf8.contains(0) else {
            throw failing(SMTPError(.misuse, "a user name or password must not contain NUL", stage: .auth))
        }
        let user = Self.base64(credentials.username)
        let password = Self.base64(credentials.password)
        let plain = Self.base64("\0\(credentials.username)\0\(credentials.password)")
        let secrets = [credentials.password, password, plain]
        func refused(_ reply: SMTPReply) -> SMTPError {
            let reply = reply.redacting(secrets)
            switch reply.code / 100 {
            case 5: return SMTPError(.authenticationFailed, "the server refused the credentials", stage: .auth, reply: reply)
            case 4: return SMTPError(.transientReply, "the server could not authenticate now", stage: .auth, reply: reply)
            default: return SMTPError(.protocolViolation, "unexpected reply during AUTH \(mechanism.rawValue)", stage: .auth, reply: reply)
            }
        }
        let final: SMTPReply
        switch mechanism {
        case .plain:
            final = try await exchange(.auth(mechanism: "PLAIN", initialResponse: plain), stage: .auth)
        case .login:
            let askUser = try await exchange(.auth(mechanism: "LOGIN", initialResponse: nil), stage: .auth)
            guard askUser.code == 334 else { throw failing(refused(askUser)) }
            let askPassword = try await exchange(.authResponse(user), stage: .auth)
            guard askPassword.code == 334 else { throw failing(refused(askPassword)) }
            final = try await exchange(.authResponse(password), stage: .auth)
        }
        guard final.code == 235 else { throw failing(refused(final)) }
        isAuthenticated = true
    }

    // MARK: Sending

    /// Submits a message to its To and Cc recipients, with its From address as the envelope sender.
    public func send(_ message: MailMessage) async throws(SMTPError) -> SMTPSendReceipt {
        try await transaction(
            content: message.rendered(), from: message.from.address, to: message.recipients, messageID: message.messageID)
    }

    /// Submits content that is already an RFC 5322 message. Line endings are normalised to CRLF and lines starting
    /// with "." are dot-stuffed here; a line over 998 octets is refused.
    public func send(rawMessage content: [UInt8], from sender: EmailAddress, to recipients: [EmailAddress]) async throws(SMTPError)
        -> SMTPSendReceipt
    {
        try await transaction(content: content, from: sender, to: recipients, messageID: nil)
    }

    private func transaction(content: [UInt8], from sender: EmailAddress, to recipients: [EmailAddress], messageID: MessageID?)
        async throws(SMTPError) -> SMTPSendReceipt
    {
        try beginCall()
        defer { isBusy = false }
        guard !recipients.isEmpty else { throw SMTPError(.invalidMessage, "a message needs at least one recipient", field: "to") }
        var data = channel.allocator.buffer(capacity: content.count + content.count / 32 + 16)
        try SMTPDataEncoder.encode(content, into: &data)
        let size = data.readableBytes
        if let maximum = capabilities.maximumMessageSize, size > maximum {
            throw SMTPError(.messageTooLarge, "the message is \(size) octets; the server accepts at most \(maximum)")
        }
        // RSET before every transaction but the first, so each message starts from a clean state even when the
        // previous one was abandoned part-way (a refused recipient).
        if hasTransaction {
            let reply = try await exchange(.rset, stage: .rset)
            guard reply.code == 250 else { throw failing(.unexpected(reply, at: .rset)) }
        }
        hasTransaction = true
        let mail = try await exchange(.mailFrom(sender, size: capabilities.supports("SIZE") ? size : nil), stage: .mailFrom)
        guard mail.code == 250 else { throw failing(.unexpected(mail, at: .mailFrom, field: sender.description)) }
        for recipient in recipients {
            let reply = try await exchange(.rcptTo(recipient), stage: .rcptTo)
            guard reply.code == 250 || reply.code == 251 else {
                throw failing(.unexpected(reply, at: .rcptTo, field: recipient.description))
            }
        }
        let go = try await exchange(.data, stage: .data)
        guard go.code == 354 else { throw failing(.unexpected(go, at: .data)) }
        logger.trace("C: <\(size) octets of message data>")
        let final = try await exchange(data, logLine: nil, stage: .messageData, timeout: configuration.timeouts.messageData)
        guard final.code == 250 else { throw failing(.unexpected(final, at: .messageData)) }
        logger.debug("SMTP message accepted", metadata: ["smtp.reply": "\(final)", "smtp.recipients": "\(recipients.count)"])
        return SMTPSendReceipt(messageID: messageID, recipients: recipients, reply: final)
    }

    /// RSET: abandons any transaction in progress.
    public func reset() async throws(SMTPError) {
        try beginCall()
        defer { isBusy = false }
        let reply = try await exchange(.rset, stage: .rset)
        guard reply.code == 250 else { throw failing(.unexpected(reply, at: .rset)) }
    }

    // MARK: Closing

    /// QUIT, then close. Errors are not reported: every message already has its own outcome.
    public func quit() async {
        guard !isClosed else { return }
        if !isBusy {
            isBusy = true
            _ = try? await exchange(.quit, stage: .quit, timeout: configuration.timeouts.quit)
            isBusy = false
        }
        await close()
    }

    /// Closes the connection at once, without QUIT.
    public func close() async {
        isClosed = true
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
    }

    // MARK: Plumbing

    private func beginCall() throws(SMTPError) {
        guard !isClosed else { throw SMTPError(.misuse, "the connection is closed") }
        guard !isBusy else { throw SMTPError(.misuse, "the connection is already in use by another call") }
        isBusy = true
    }

    private func exchange(_ command: SMTPCommand, stage: SMTPStage, timeout: TimeAmount? = nil) async throws(SMTPError) -> SMTPReply {
        try await exchange(
            command.encoded(allocator: channel.allocator), logLine: command.logLine, stage: stage,
            timeout: timeout ?? configuration.timeouts.command)
    }

    private func exchange(_ bytes: ByteBuffer, logLine: String?, stage: SMTPStage, timeout: TimeAmount) async throws(SMTPError)
        -> SMTPReply
    {
        if let logLine { logger.trace("C: \(logLine)") }
        let handler = handler
        let reply = try await wait(stage: stage) {
            channel.eventLoop.flatSubmit { handler.value.request(bytes, stage: stage, timeout: timeout) }
        }
        logger.trace("S: \(stage == .auth ? "\(reply.code) <challenge>" : reply.description)")
        return reply
    }

    private func receive(stage: SMTPStage) async throws(SMTPError) -> SMTPReply {
        let handler = handler
        let reply = try await wait(stage: stage) {
            channel.eventLoop.flatSubmit { handler.value.request(nil, stage: stage, timeout: nil) }
        }
        logger.trace("S: \(reply)")
        return reply
    }

    /// Awaits a handler future; cancelling the task closes the channel, which fails the future.
    private func wait<Value: Sendable>(stage: SMTPStage, _ start: () -> EventLoopFuture<Value>) async throws(SMTPError) -> Value {
        let future = start()
        let channel = channel
        do {
            return try await withTaskCancellationHandler {
                try await future.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            if Task.isCancelled { throw failing(SMTPError(.cancelled, "the task was cancelled", stage: stage)) }
            if let error = error as? SMTPError { throw failing(error.at(stage)) }
            throw failing(SMTPError(.connectionLost, "\(error)", stage: stage))
        }
    }

    /// Returns the error, closing the connection first when the error leaves it unusable.
    private func failing(_ error: SMTPError) -> SMTPError {
        if error.closesConnection && !isClosed {
            isClosed = true
            channel.close(promise: nil)
        }
        return error
    }

    private var peerIsLoopback: Bool {
        guard let address = channel.remoteAddress?.ipAddress else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// A host name, or an address literal (`[192.0.2.1]`, `[IPv6:…]`) as RFC 5321 allows after EHLO.
    static func isValidHeloName(_ name: String) -> Bool {
        if name.hasPrefix("[") && name.hasSuffix("]") && name.count > 2 {
            return name.utf8.dropFirst().dropLast().allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
                    || Array("IPv".utf8).contains(byte)
            }
        }
        return EmailAddress.isHostName(Array(name.utf8))
    }
}
