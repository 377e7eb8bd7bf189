import Foundation
import GatewayCore
import LineFront
import NIOCore
import NIOPosix

/// The open-loop bench's load generator on one line connection: it runs its share of the journeys from the
/// connection's event loop (arrivals and think times are scheduled tasks of that loop, answers are read there),
/// so a step costs the generator a write and a read, not a Swift task, a timer thread and the hops between them.
///
/// The generator shares the machine with the server, so what it burns is taken from the server: the first
/// version (one task per user over `LineClient`) used ~100 µs of CPU per step, over half what the server did.
final class JourneyDriver: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    typealias OutboundOut = ByteBuffer

    /// One user: when they dial, what they answer and how long they think before each answer.
    struct Journey {
        let id: String
        let sender: String
        let arrival: Duration
        let inputs: [String]
        let thinks: [Double]
    }

    private struct Open {
        let journey: Journey
        var step = 0
        var sent: ContinuousClock.Instant
    }

    private let journeys: [Journey]
    private let recorder: StepRecorder
    /// The run's origin: arrivals are offsets from it.
    private let start: NIODeadline
    private let finished: EventLoopPromise<Void>
    private var context: ChannelHandlerContext?
    private var open: [String: Open] = [:]
    private var nextArrival = 0
    private var done = 0

    /// - Parameter finished: succeeds once every journey ended (well or not); fails if the connection closes first.
    init(journeys: [Journey], recorder: StepRecorder, start: NIODeadline, finished: EventLoopPromise<Void>) {
        self.journeys = journeys
        self.recorder = recorder
        self.start = start
        self.finished = finished
    }

    /// Connects, says `HELLO`, and starts the journeys at their arrival times; the future ends with the last.
    static func run(
        host: String, port: Int, operatorID: String, token: String, journeys: [Journey], recorder: StepRecorder,
        start: NIODeadline, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        let eventLoop = group.next()
        let finished = eventLoop.makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: 1 << 20)))
                    try channel.pipeline.syncOperations.addHandler(
                        JourneyDriver(journeys: journeys, recorder: recorder, start: start, finished: finished))
                }
            }
            .connect(host: host, port: port).get()
        channel.writeAndFlush(Self.line(ClientLine.hello(operatorID: operatorID, token: token).rendered), promise: nil)
        defer { channel.close(promise: nil) }
        try await finished.futureResult.get()
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelInactive(context: ChannelHandlerContext) {
        finished.fail(GatewayError(.unavailable, "the bench's line connection closed with \(open.count) journeys open"))
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .line(let bytes) = unwrapInboundIn(data), let line = ServerLine.parse(String(buffer: bytes)) else { return }
        switch line {
        case .helloAccepted:
            // A connection can be given no journey at all (fewer sessions than connections).
            if journeys.isEmpty { finished.succeed() }
            scheduleNextArrival()
        case .screen(let id, _):
            answered(id, screen: true, text: "")
        case .end(let id, let text):
            answered(id, screen: false, text: text)
        case .error(let error):
            if let id = error.session { answered(id, screen: false, text: "") }
        case .sms, .pong:
            break
        }
    }

    private func scheduleNextArrival() {
        guard nextArrival < journeys.count, let context else { return }
        let journey = journeys[nextArrival]
        nextArrival += 1
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(deadline: start + TimeAmount(journey.arrival)) {
            bound.value.arrive(journey)
            bound.value.scheduleNextArrival()
        }
    }

    private func arrive(_ journey: Journey) {
        recorder.opened()
        open[journey.id] = Open(journey: journey, sent: .now)
        write(ClientLine.begin(session: journey.id, msisdn: journey.sender, dial: "*145#").rendered)
    }

    /// An answer for `id`: recorded, then the next step after the user's think time, or the journey's end.
    private func answered(_ id: String, screen: Bool, text: String) {
        guard var session = open[id], let context else { return }
        recorder.record(sent: session.sent, answered: .now, step: session.step)
        let journey = session.journey
        if screen, session.step < journey.inputs.count {
            let input = journey.inputs[session.step]
            let think = journey.thinks[session.step]
            session.step += 1
            open[id] = session
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .nanoseconds(Int64(think * 1e9))) { bound.value.send(id, input) }
            return
        }
        // The journey is over: a receipt screen after the PIN is a success, anything else a failure.
        if screen || session.step < journey.inputs.count || !text.contains("reussi") { recorder.failed() }
        open[id] = nil
        recorder.closed()
        done += 1
        if done == journeys.count { finished.succeed() }
    }

    private func send(_ id: String, _ input: String) {
        guard open[id] != nil else { return }
        open[id]?.sent = .now
        write(ClientLine.continue(session: id, input: input).rendered)
    }

    private func write(_ text: String) {
        context?.writeAndFlush(wrapOutboundOut(Self.line(text)), promise: nil)
    }

    static func line(_ text: String) -> ByteBuffer {
        var buffer = ByteBuffer(string: text)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}
