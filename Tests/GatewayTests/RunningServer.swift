import Foundation
import NIOCore
import NIOPosix
import ServiceLifecycle

@testable import GatewayCore
@testable import JSONAPI
@testable import LineFront
@testable import Serve

/// The real servers (line listener, HTTP, SMS dispatch, sweeper) on ephemeral ports, in this process.
struct RunningServer {
    let world: GatewayWorld
    let server: SikaServer
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let linePort: Int
    let httpPort: Int

    /// - Parameters:
    ///   - api: the JSON API, served under `/api` as `sika serve` does.
    ///   - group: the servers' event loops; a test that loads them heavily passes its own, so that the other
    ///     tests of the process, on the shared loops, are not slowed down.
    static func start(
        _ world: GatewayWorld, api: WalletAPI? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        configure: (inout GatewayConfiguration) -> Void = { _ in }
    ) async throws -> RunningServer {
        let core = world.core { configuration in
            configuration.smsPollInterval = .milliseconds(50)
            configure(&configuration)
        }
        let server = SikaServer(core: core, api: api, group: group, logger: core.logger)
        let group = try server.serviceGroup()
        let task = Task { try await group.run() }
        let (line, http) = try await server.waitUntilListening()
        return RunningServer(world: world, server: server, group: group, task: task, linePort: line, httpPort: http)
    }

    func connect(_ operatorID: String? = nil) async throws -> LineClient {
        let client = try await LineClient.connect(host: "127.0.0.1", port: linePort)
        if let operatorID { try await client.hello(operatorID: operatorID, token: GatewayWorld.tokens.tokens[operatorID]!) }
        return client
    }

    /// Graceful shutdown, as on SIGTERM.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
