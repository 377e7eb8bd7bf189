import NIOCore
import SMPP
import Testing

@Suite("State machines, without channels")
struct StateMachineTests {
    static let bind = BindRequest(systemID: "esme", password: "secret")
    static func pdu(_ body: PDU.Body) -> PDU { PDU(body, sequenceNumber: 1) }
    static let submit = pdu(.submitSM(sampleSubmit))

    static func bound(_ kind: BindKind) -> ServerSessionStateMachine {
        var machine = ServerSessionStateMachine()
        _ = machine.received(pdu(.bind(kind, bind)))
        machine.bindSucceeded()
        return machine
    }

    @Test("server: open only accepts a bind (and enquire_link)")
    func serverOpen() {
        var machine = ServerSessionStateMachine()
        let value1 = machine.received(Self.submit)
        #expect(value1 == .refuse(.incorrectBindStatus))
        let value2 = machine.received(Self.pdu(.unbind))
        #expect(value2 == .refuse(.incorrectBindStatus))
        let value3 = machine.received(Self.pdu(.querySM(QuerySM(messageID: "1", source: Address()))))
        #expect(value3 == .refuse(.incorrectBindStatus))
        let value4 = machine.received(Self.pdu(.enquireLink))
        #expect(value4 == .answerEnquireLink)
        let value5 = machine.received(Self.pdu(.deliverSMResp(SubmitSMResponse())))
        #expect(value5 == .ignore)
        let value6 = machine.received(Self.pdu(.deliverSM(sampleSubmit)))
        #expect(value6 == .genericNack(.invalidCommandID))
        let value7 = machine.received(Self.pdu(.bind(.transmitter, Self.bind)))
        #expect(value7 == .authenticate(.transmitter, Self.bind))
        #expect(machine.state == .binding(.transmitter))
        let value8 = machine.received(Self.pdu(.bind(.receiver, Self.bind)))
        #expect(value8 == .refuse(.alreadyBound))
        let value9 = machine.received(Self.submit)
        #expect(value9 == .refuse(.incorrectBindStatus))
        machine.bindFailed()
        #expect(machine.state == .open)
    }

    @Test("server: each bind kind allows its own direction", arguments: BindKind.allCases)
    func serverBound(_ kind: BindKind) {
        var machine = Self.bound(kind)
        #expect(machine.state == .bound(kind))
        let value10 = machine.received(Self.submit)
        #expect(value10 == (kind.canTransmit ? .forwardRequest : .refuse(.incorrectBindStatus)))
        let value11 = machine.received(Self.pdu(.dataSM(DataSM(source: Address(), destination: Address()))))
        #expect(value11 == (kind.canTransmit ? .forwardRequest : .refuse(.incorrectBindStatus)))
        let value12 = machine.received(Self.pdu(.deliverSMResp(SubmitSMResponse())))
        #expect(value12 == (kind.canReceive ? .forwardResponse : .ignore))
        #expect(machine.canDeliver == kind.canReceive)
        for second in BindKind.allCases {
            let value13 = machine.received(Self.pdu(.bind(second, Self.bind)))
            #expect(value13 == .refuse(.alreadyBound))
        }
        let value14 = machine.received(Self.pdu(.enquireLink))
        #expect(value14 == .answerEnquireLink)
        let value15 = machine.received(Self.pdu(.unbind))
        #expect(value15 == .answerUnbindAndClose)
        #expect(machine.state == .closed)
        let value16 = machine.received(Self.submit)
        #expect(value16 == .ignore)
    }

    @Test("server: our unbind waits for unbind_resp")
    func serverUnbinding() {
        var machine = Self.bound(.transceiver)
        let value17 = machine.unbindRequested()
        #expect(value17)
        #expect(machine.state == .unbinding(.transceiver))
        #expect(!machine.canDeliver)
        let value18 = machine.unbindRequested()
        #expect(!value18)
        let value19 = machine.received(Self.submit)
        #expect(value19 == .refuse(.incorrectBindStatus))
        let value20 = machine.received(Self.pdu(.deliverSMResp(SubmitSMResponse())))
        #expect(value20 == .forwardResponse)
        let value21 = machine.received(Self.pdu(.unbindResp))
        #expect(value21 == .close)
        #expect(machine.state == .closed)
        var open = ServerSessionStateMachine()
        let value22 = open.unbindRequested()
        #expect(!value22)
        #expect(open.state == .closed)
    }

    @Test("client: open → binding → bound → unbinding → closed")
    func client() throws {
        var machine = ClientSessionStateMachine()
        #expect(throws: ClientSessionStateMachine.Refusal.notBound) { try machine.check(.submitSM) }
        try machine.check(.enquireLink)
        try machine.bindRequested(.receiver)
        #expect(throws: ClientSessionStateMachine.Refusal.notOpen) { try machine.bindRequested(.receiver) }
        machine.bindResponded(.invalidPassword)
        #expect(machine.state == .open)
        try machine.bindRequested(.receiver)
        machine.bindResponded(.ok)
        #expect(machine.state == .bound(.receiver))
        #expect(throws: ClientSessionStateMachine.Refusal.wrongBindKind) { try machine.check(.submitSM) }
        let value23 = machine.received(Self.pdu(.deliverSM(sampleSubmit)))
        #expect(value23 == .forwardRequest)
        let value24 = machine.received(Self.submit)
        #expect(value24 == .genericNack(.invalidCommandID))
        let value25 = machine.received(Self.pdu(.enquireLink))
        #expect(value25 == .answerEnquireLink)
        try machine.unbindRequested()
        #expect(machine.state == .unbinding)
        let value26 = machine.received(Self.pdu(.deliverSM(sampleSubmit)))
        #expect(value26 == .refuse(.incorrectBindStatus))
        machine.unbindResponded()
        #expect(machine.state == .closed)
        #expect(throws: ClientSessionStateMachine.Refusal.closed) { try machine.check(.enquireLink) }
        var transmitter = ClientSessionStateMachine()
        try transmitter.bindRequested(.transmitter)
        transmitter.bindResponded(.ok)
        let value27 = transmitter.received(Self.pdu(.deliverSM(sampleSubmit)))
        #expect(value27 == .refuse(.incorrectBindStatus))
        let value28 = transmitter.received(Self.pdu(.unbind))
        #expect(value28 == .answerUnbindAndClose)
    }

    @Test("window: at most capacity in flight, FIFO waiting, matched by sequence number")
    func window() {
        var window = RequestWindow<Int>(capacity: 10, timeout: .seconds(5), maximumWaiting: 3)
        let start = NIODeadline.uptimeNanoseconds(1_000)
        var sequences: [UInt32: Int] = [:]
        for request in 0..<10 {
            guard case .send(let sequence) = window.enqueue(request, now: start) else {
                Issue.record("request \(request) not sent")
                return
            }
            sequences[sequence] = request
        }
        for request in 10..<13 {
            guard case .queued = window.enqueue(request, now: start) else {
                Issue.record("request \(request) not queued")
                return
            }
        }
        guard case .rejected = window.enqueue(13, now: start) else {
            Issue.record("the queue is not bounded")
            return
        }
        #expect(window.inFlightCount == 10 && window.waitingCount == 3)
        // An unknown sequence number completes nothing and releases nothing.
        let unknown = window.complete(sequenceNumber: 999)
        #expect(unknown.element == nil && unknown.release.isEmpty)
        let firstSequence = sequences.keys.min()!
        let done = window.complete(sequenceNumber: firstSequence)
        #expect(done.element == 0)
        #expect(done.release.map(\.1) == [10])
        #expect(window.inFlightCount == 10 && window.waitingCount == 2)
        // A response counts once.
        let value29 = window.complete(sequenceNumber: firstSequence).element
        #expect(value29 == nil)
    }

    @Test("window: timeouts fail requests in flight and waiting; pause holds sending")
    func windowTimeouts() {
        var window = RequestWindow<String>(capacity: 1, timeout: .seconds(5))
        let t0 = NIODeadline.uptimeNanoseconds(0)
        guard case .send = window.enqueue("a", now: t0) else { Issue.record("not sent"); return }
        guard case .queued = window.enqueue("b", now: t0 + .seconds(1)) else { Issue.record("not queued"); return }
        #expect(window.nextDeadline == t0 + .seconds(5))
        let early = window.expire(now: t0 + .seconds(4))
        #expect(early.expired.isEmpty && early.release.isEmpty)
        let first = window.expire(now: t0 + .seconds(5))
        #expect(first.expired == ["a"])
        #expect(first.release.map(\.1) == ["b"])
        window.pause()
        guard case .queued = window.enqueue("c", now: t0 + .seconds(5)) else { Issue.record("sent while paused"); return }
        let second = window.expire(now: t0 + .seconds(6))
        #expect(second.expired == ["b"] && second.release.isEmpty)
        let value30 = window.resume().map(\.1)
        #expect(value30 == ["c"])
        let value31 = window.removeAll()
        #expect(value31 == ["c"])
    }

    @Test("sequence numbers wrap at 0x7FFFFFFF back to 1")
    func sequenceWrap() {
        var numbers = SequenceNumbers(start: 0x7FFF_FFFE)
        let value32 = numbers.next()
        #expect(value32 == 0x7FFF_FFFE)
        let value33 = numbers.next()
        #expect(value33 == 0x7FFF_FFFF)
        let value34 = numbers.next()
        #expect(value34 == 1)
    }

    @Test("link monitor: probe after idle, dead after silence, any PDU revives")
    func linkMonitor() {
        let t0 = NIODeadline.uptimeNanoseconds(0)
        var monitor = LinkMonitor(enquireInterval: .seconds(30), responseTimeout: .seconds(10), now: t0)
        let value35 = monitor.tick(now: t0 + .seconds(29))
        #expect(value35 == .none)
        let value36 = monitor.tick(now: t0 + .seconds(30))
        #expect(value36 == .sendEnquireLink)
        let value37 = monitor.tick(now: t0 + .seconds(35))
        #expect(value37 == .none)
        monitor.inboundActivity(now: t0 + .seconds(36))
        let value38 = monitor.tick(now: t0 + .seconds(50))
        #expect(value38 == .none)
        let value39 = monitor.tick(now: t0 + .seconds(66))
        #expect(value39 == .sendEnquireLink)
        let value40 = monitor.tick(now: t0 + .seconds(75))
        #expect(value40 == .none)
        let value41 = monitor.tick(now: t0 + .seconds(76))
        #expect(value41 == .peerDead)
    }

    @Test("token bucket: burst, then the rate")
    func tokenBucket() {
        let t0 = NIODeadline.uptimeNanoseconds(0)
        var bucket = TokenBucket(ratePerSecond: 10, burst: 5, now: t0)
        var burst = 0
        for _ in 0..<5 where bucket.take(now: t0) { burst += 1 }
        #expect(burst == 5)
        let value42 = bucket.take(now: t0)
        #expect(!value42)
        let value43 = bucket.take(now: t0 + .milliseconds(99))
        #expect(!value43)
        let value44 = bucket.take(now: t0 + .milliseconds(100))
        #expect(value44)
        let value45 = bucket.take(now: t0 + .milliseconds(100))
        #expect(!value45)
        // Idle time saves up at most the burst.
        let later = t0 + .seconds(60)
        var saved = 0
        for _ in 0..<5 where bucket.take(now: later) { saved += 1 }
        #expect(saved == 5)
        let value46 = bucket.take(now: later)
        #expect(!value46)
    }
}
