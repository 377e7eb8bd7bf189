import Logging
import NIOCore

/// Settings of an SMPP server; every session gets its own window, throttle and timers from these.
public struct SMPPServerConfiguration: Sendable {
    /// The system_id the server answers binds with.
    public var systemID: String = "sika"
    /// The largest command_length accepted; longer PDUs lose framing (generic_nack ESME_RINVCMDLEN, close).
    public var maximumPDUSize: Int = SMPPFrameDecoder.defaultMaximumPDUSize
    /// deliver_sm / data_sm in flight to one ESME before more wait.
    public var windowSize: Int = 10
    /// deliver_sm waiting for a window slot, per session, before `deliver` fails with `.queueFull`.
    public var maximumWaitingDeliveries: Int = 1024
    /// How long a deliver_sm may wait and be in flight before `deliver` fails with `.timeout`.
    public var requestTimeout: TimeAmount = .seconds(30)
    /// Inbound requests handed to the host and not yet answered; beyond this, ESME_RMSGQFUL.
    public var maximumPendingRequests: Int = 64
    /// Send enquire_link after this long without any inbound PDU.
    public var enquireLinkInterval: TimeAmount = .seconds(30)
    /// Close when nothing arrives this long after an enquire_link.
    public var deadPeerTimeout: TimeAmount = .seconds(10)
    /// Close a connection that is not bound this long after it opened.
    public var bindTimeout: TimeAmount = .seconds(30)
    /// On shutdown or `unbind()`, wait this long for unbind_resp before closing anyway.
    public var unbindTimeout: TimeAmount = .seconds(5)
    /// The default rate limit of every bind (nil: none); the host may set one per bind in `BindDecision.accept`.
    public var throttle: ThrottleRate?
    /// The host's connection caps, asked as each connection is accepted (nil: every connection is served).
    public var admission: (any SMPPConnectionAdmission)?
    /// How often the timers (window timeouts, enquire_link, bind timeout) are checked.
    public var tickInterval: TimeAmount = .milliseconds(100)
    public var logger = Logger(label: "sika.smpp.server")

    public init() {}
}
