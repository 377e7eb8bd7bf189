import ServiceLifecycle

/// Runs the mail dispatcher in `sika serve`'s service group until graceful shutdown. A batch cut short by the
/// shutdown stays queued and goes at the next start.
public struct MailDispatchService: Service {
    let dispatcher: MailDispatcher

    public init(dispatcher: MailDispatcher) { self.dispatcher = dispatcher }

    public func run() async throws {
        let dispatcher = self.dispatcher
        await cancelWhenGracefulShutdown { await dispatcher.run() }
    }
}
