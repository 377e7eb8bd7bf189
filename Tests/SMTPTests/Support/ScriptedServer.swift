import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import SMTP

/// A fake SMTP server played by the test on an `NIOAsyncTestingChannel`: the test writes the server's replies and
/// reads the client's commands, and moves the clock itself, so timeouts are tested without sleeping.
struct ScriptedServer {
    let channel: NIOAsyncTestingChannel
    let handler: NIOLoopBound<SMTPClientHandler>
    let configuration: SMTPConfiguration

    /// A channel with the client handler, connected (from the handler's point of view) to `peer`.
    init(configuration: SMTPConfiguration = .scripted(), peer: String = "192.0.2.25") async throws {
        let limits = configuration.limits
        let timeouts = configuration.timeouts
        channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandler(SMTPClientHandler(limits: limits, timeouts: timeouts, implicitTLS: false))
        }
        let channel = channel
        handler = try await channel.testingEventLoop.executeInContext {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPClientHandler.self), eventLoop: channel.eventLoop)
        }
        try await channel.connect(to: SocketAddress(ipAddress: peer, port: 587))
        self.configuration = configuration
    }

    /// Starts the client's side of the session (greeting, EHLO, …) in a task.
    func establish() -> Task<SMTPConnection, any Error> {
        let channel = channel
        let handler = handler
        let configuration = configuration
        return Task { try await SMTPConnection.establish(channel: channel, handler: handler, configuration: configuration, logger: .quiet) }
    }

    /// Writes a server reply; `\n` in the text becomes CRLF.
    func reply(_ text: String) async throws {
        let wire = text.replacingOccurrences(of: "\n", with: "\r\n")
        try await channel.writeInbound(ByteBuffer(string: wire))
    }

    /// The next bytes the client wrote, as text.
    /// Waits at most 30 s (a failure bound, not a synchronisation): then the channel is closed and the test fails
    /// instead of hanging.
    func nextWrite(sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let channel = channel
        let written = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self)) }
            group.addTask {
                guard (try? await Task.sleep(for: .seconds(30))) != nil else { return nil }
                try? await channel.close()
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let written else {
            Issue.record("the client wrote nothing within 30 s", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return written
    }

    /// Reads the next command and checks it is `line` (CRLF added).
    func expect(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let written = try await nextWrite(sourceLocation: sourceLocation)
        #expect(written == line + "\r\n", sourceLocation: sourceLocation)
    }

    /// Plays a plain greeting and EHLO with the given extension lines.
    func greet(extensions: [String] = ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES"]) async throws {
        try await reply("220 fake.test ESMTP ready\n")
        try await expect("EHLO client.test")
        let lines = ["fake.test greets client.test"] + extensions
        var text = ""
        for (index, line) in lines.enumerated() {
            text += "250" + (index == lines.count - 1 ? " " : "-") + line + "\n"
        }
        try await reply(text)
    }

    func advanceTime(by amount: TimeAmount) async {
        await channel.testingEventLoop.advanceTime(by: amount)
    }

    var isActive: Bool {
        get async throws { try await channel.testingEventLoop.executeInContext { channel.isActive } }
    }
}

extension SMTPConfiguration {
    /// A configuration for scripted tests: TLS off unless asked, a fixed EHLO name, short round timeouts.
    static func scripted(tlsPolicy: TLSPolicy = .disabled, credentials: SMTPCredentials? = nil) -> SMTPConfiguration {
        var configuration = SMTPConfiguration(
            host: "fake.test", port: 587, tlsPolicy: tlsPolicy, credentials: credentials, heloName: "client.test",
            timeouts: SMTPTimeouts(
                connect: .seconds(5), greeting: .seconds(10), tlsHandshake: .seconds(5), command: .seconds(20),
                messageData: .seconds(60), quit: .seconds(2)))
        configuration.limits = SMTPLimits(maximumReplyLineLength: 512, maximumReplyLines: 16)
        return configuration
    }
}

extension Logger {
    /// Tests log at warning level or quieter.
    static var quiet: Logger {
        var logger = Logger(label: "sika.smtp.test")
        logger.logLevel = .warning
        return logger
    }
}

extension Task where Failure == any Error {
    /// The SMTPError the task failed with; records an issue when it succeeded or failed otherwise.
    func smtpError(sourceLocation: SourceLocation = #_sourceLocation) async -> SMTPError? {
        do {
            _ = try await value
            Issue.record("expected an SMTPError, got success", sourceLocation: sourceLocation)
            return nil
        } catch let error as SMTPError {
            return error
        } catch {
            Issue.record("expected an SMTPError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}

/// The SMTPError `body` throws; records an issue when it succeeds or throws something else.
func smtpError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async -> SMTPError? {
    do {
        _ = try await body()
        Issue.record("expected an SMTPError, got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as SMTPError {
        return error
    } catch {
        Issue.record("expected an SMTPError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
