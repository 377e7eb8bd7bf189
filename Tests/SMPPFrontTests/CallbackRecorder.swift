import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP server that answers every request `200` with an empty body and remembers its request line's path and
/// query: where Kannel's smsbox calls the application (`get-url`) and reports receipts (`dlr-url`).
final class CallbackRecorder: Sendable {
    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let recorder: CallbackRecorder

        init(recorder: CallbackRecorder) { self.recorder = recorder }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else {
                if case .head(let head) = unwrapInboundIn(data) { recorder.requests.withLock { $0.append(head.uri) } }
                return
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "0")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    let requests = Mutex<[String]>([])
    private let channel = Mutex<(any Channel)?>(nil)

    static func start() async throws -> CallbackRecorder {
        let recorder = CallbackRecorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(Handler(recorder: recorder)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        recorder.channel.withLock { $0 = channel }
        return recorder
    }

    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }

    /// Waits (at most `timeout`, a failure bound) for a request whose path starts with `prefix`; its decoded query.
    func request(_ prefix: String, timeout: Duration = .seconds(30)) async -> [String: String]? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let uri = requests.withLock({ $0.first { $0.hasPrefix(prefix) } }) { return Self.query(uri) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    static func query(_ uri: String) -> [String: String] {
        guard let mark = uri.firstIndex(of: "?") else { return [:] }
        var fields: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let decode = { (text: String) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    func stop() async { try? await channel.withLock({ $0 })?.close() }
}
