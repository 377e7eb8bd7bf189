import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Submits mail to one relay. A value: cheap to copy, holds no connection. Each ``connect()`` opens a session;
/// ``send(_:)-(MailMessage)`` and ``send(_:)-([MailMessage])`` open one, use it and QUIT.
///
/// ```swift
/// var configuration = SMTPConfiguration(host: "smtp.example.tg", port: 587, tlsPolicy: .required)
/// configuration.credentials = SMTPCredentials(username: "sika", password: secret)
/// let client = SMTPClient(configuration: configuration)
/// let results = await client.send(notices)  // one connection, one result per message
/// ```
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    public let eventLoopGroup: any EventLoopGroup
    public let logger: Logger

    /// - Parameter logger: commands and replies are logged at trace level (credentials never), sessions at debug.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sika.smtp", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Connects, reads the greeting, says EHLO, negotiates TLS and authenticates as configured.
    public func connect() async throws(SMTPError) -> SMTPConnection {
        let configuration = configuration
        let implicitTLS: NIOSSLContext?
        do {
            implicitTLS = configuration.tlsPolicy == .implicit ? try NIOSSLContext(configuration: configuration.tlsConfiguration) : nil
        } catch {
            throw SMTPError(.tlsHandshakeFailed, "the TLS configuration is not usable: \(error)", stage: .tlsHandshake)
        }
        let serverName = configuration.sniServerName
        let installed = HandlerSlot()
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(configuration.timeouts.connect)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: implicitTLS, serverHostname: serverName))
                    }
                    let handler = SMTPClientHandler(
                        limits: configuration.limits, timeouts: configuration.timeouts, implicitTLS: implicitTLS != nil)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    installed.handler.withLock { $0 = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            let target = "\(configuration.host):\(configuration.port)"
            if let error = error as? ChannelError, case .connectTimeout = error {
                throw SMTPError(.timeout, "could not connect to \(target) in time", stage: .connect)
            }
            throw SMTPError(.connectFailed, "could not connect to \(target): \(error)", stage: .connect)
        }
        // The initializer ran before the connection completed, so the slot is filled.
        guard let handler = installed.handler.withLock({ $0 }) else {
            channel.close(promise: nil)
            throw SMTPError(.misuse, "the channel initializer did not install the SMTP handler", stage: .connect)
        }
        return try await SMTPConnection.establish(channel: channel, handler: handler, configuration: configuration, logger: logger)
    }

    /// Runs `body` on a fresh connection, then QUITs (also when `body` throws).
    public func withConnection<Result>(_ body: (SMTPConnection) async throws -> Result) async throws -> Result {
        let connection = try await connect()
        do {
            let result = try await body(connection)
            await connection.quit()
            return result
        } catch {
            await connection.quit()
            throw error
        }
    }

    /// Sends one message on its own connection.
    public func send(_ message: MailMessage) async throws(SMTPError) -> SMTPSendReceipt {
        let connection = try await connect()
        do {
            let receipt = try await connection.send(message)
            await connection.quit()
            return receipt
        } catch {
            await connection.quit()
            throw error
        }
    }

    /// Sends messages in order over one connection and returns one result per message, in the same order.
    ///
    /// A refused message (4xx, 5xx) does not stop the others. When the connection cannot be opened, or breaks,
    /// each message not yet attempted gets an error with the same code (so the same retry decision) whose
    /// ``SMTPError/mayHaveBeenDelivered`` is false.
    public func send(_ messages: [MailMessage]) async -> [Swift.Result<SMTPSendReceipt, SMTPError>] {
        guard !messages.isEmpty else { return [] }
        let connection: SMTPConnection
        do {
            connection = try await connect()
        } catch {
            return messages.map { _ in .failure(error) }
        }
        var results: [Swift.Result<SMTPSendReceipt, SMTPError>] = []
        for message in messages {
            if let last = results.last, case .failure(let error) = last, error.closesConnection {
                results.append(.failure(SMTPError(error.code, "not attempted: \(error.message)", reply: error.reply)))
                continue
            }
            do {
                results.append(.success(try await connection.send(message)))
            } catch {
                results.append(.failure(error))
            }
        }
        await connection.quit()
        return results
    }
}

/// Carries the handler created in the channel initializer (on the event loop) out to the connecting task.
private final class HandlerSlot: Sendable {
    let handler = Mutex<NIOLoopBound<SMTPClientHandler>?>(nil)
}
