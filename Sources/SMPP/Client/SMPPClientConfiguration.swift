import Logging
import NIOCore

/// Settings of an SMPP client (the ESME role).
public struct SMPPClientConfiguration: Sendable {
    /// The largest command_length accepted from the SMSC.
    public var maximumPDUSize: Int = SMPPFrameDecoder.defaultMaximumPDUSize
    /// submit_sm / data_sm in flight before more wait.
    public var windowSize: Int = 10
    /// Requests waiting for a window slot before `submit` fails with `.queueFull`.
    public var maximumWaitingRequests: Int = 1024
    /// How long a request may wait and be in flight before it fails with `.timeout` (bind, unbind and enquire_link
    /// included).
    public var requestTimeout: TimeAmount = .seconds(30)
    /// deliver_sm handed to the host and not yet answered; beyond this, ESME_RX_T_APPN (the SMSC retries later).
    public var maximumPendingInbound: Int = 64
    /// Send enquire_link after this long without any inbound PDU.
    public var enquireLinkInterval: TimeAmount = .seconds(30)
    /// Close when nothing arrives this long after an enquire_link.
    public var deadPeerTimeout: TimeAmount = .seconds(10)
    public var connectTimeout: TimeAmount = .seconds(10)
    /// How often the timers are checked.
    public var tickInterval: TimeAmount = .milliseconds(100)
    public var logger = Logger(label: "sika.smpp.client")

    public init() {}
}
