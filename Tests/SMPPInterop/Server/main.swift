// A standalone SMPP server with a toy host, for checking this library against SMPP software written elsewhere
// (Tests/Interop/interop.py drives it with smpplib and aiosmpplib).
//
// Usage: SMPPInteropServer [--port N] [--throttle PER_SECOND BURST]
// Prints `LISTENING <port>` once it accepts connections, and one line per event the checks look for. SIGTERM or SIGINT
// unbinds every session gracefully, then exits 0.
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import SMPP
import Synchronization

var port = 0
var throttle: ThrottleRate?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--port":
        guard let value = arguments.popFirst().flatMap(Int.init) else { fatalError("--port needs a number") }
        port = value
    case "--throttle":
        guard let rate = arguments.popFirst().flatMap(Double.init), let burst = arguments.popFirst().flatMap(Int.init) else {
            fatalError("--throttle needs PER_SECOND BURST")
        }
        throttle = ThrottleRate(perSecond: rate, burst: burst)
    default:
        FileHandle.standardError.write("unknown argument \(argument)\n".data(using: .utf8)!)
        exit(64)
    }
}

/// Writes one line to stdout at once (the Python side reads it line by line).
func say(_ line: String) {
    FileHandle.standardOutput.write((line + "\n").data(using: .utf8)!)
}

/// Accounts `esme`/`secret` and `ussd`/`secret`. Every submit is accepted as `iop-N`; one that asks for a receipt gets
/// a DELIVRD receipt; one sent to `echo` comes back as an MO deliver_sm; a `ussd` receiver is sent a PSSR indication
/// for `*145#` as soon as it binds.
final class ToyHost: SMPPServerDelegate {
    private let counter = ManagedCounter()

    func authenticate(_ request: BindRequest, kind: BindKind, connection: SMPPConnectionInfo) async -> BindDecision {
        guard ["esme", "ussd"].contains(request.systemID) else {
            say("BIND-REFUSED \(request.systemID) RINVSYSID")
            return .reject(.invalidSystemID)
        }
        guard request.password == "secret" else {
            say("BIND-REFUSED \(request.systemID) RINVPASWD")
            return .reject(.invalidPassword)
        }
        say("BOUND \(request.systemID) \(kind)")
        return .accept()
    }

    func sessionBound(_ session: SMPPServerSession) async {
        guard session.systemID == "ussd", session.bindKind.canReceive else { return }
        let dial = SubmitSM.ussd(
            .pssrIndication, source: .international("22890112233"), destination: .shortCode("145"), text: "*145#",
            session: ITSSessionInfo(sessionNumber: 17, sequenceNumber: 0))
        do {
            try await session.deliver(dial)
            say("USSD-DELIVERED")
        } catch {
            say("USSD-DELIVER-FAILED \(error)")
        }
    }

    func submit(_ message: SubmitSM, session: SMPPServerSession) async -> SubmitDecision {
        let id = "iop-\(counter.next())"
        if let op = message.options.rawUSSDServiceOp {
            let info = message.options.itsSessionInfo
            say("USSD-SUBMIT op=\(op) session=\(info.map { "\($0.sessionNumber)" } ?? "-") text=\(message.text)")
        } else {
            say("SUBMIT \(id) to=\(message.destination.address) text=\(message.text)")
        }
        return .accepted(messageID: id)
    }

    /// Receipts and echoes go out once the submit_sm_resp is on the wire, as a real SMSC's would.
    func submitAnswered(_ message: SubmitSM, decision: SubmitDecision, session: SMPPServerSession) async {
        guard case .accepted(let id) = decision else { return }
        if message.registeredDelivery & 1 == 1 {
            let now = Int64(Date().timeIntervalSince1970)
            let receipt = DeliveryReceipt(
                messageID: id, submitDate: ReceiptDate(unixSeconds: now), doneDate: ReceiptDate(unixSeconds: now),
                state: .delivered, text: message.text)
            push(receipt.deliverSM(originalSource: message.source, originalDestination: message.destination), to: session, what: "DLR")
        }
        if message.destination.address == "echo" {
            let reply = try! SubmitSM.texts("echo: \(message.text)", source: message.destination, destination: message.source)
            for part in reply { push(part, to: session, what: "MO") }
        }
    }

    func sessionEnded(_ session: SMPPServerSession, reason: SMPPSessionEndReason) async {
        say("ENDED \(session.systemID) \(reason)")
    }

    private func push(_ message: DeliverSM, to session: SMPPServerSession, what: String) {
        guard session.bindKind.canReceive else { return }
        Task {
            do {
                try await session.deliver(message)
                say("\(what)-ACKED")
            } catch {
                say("\(what)-FAILED \(error)")
            }
        }
    }
}

final class ManagedCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

var configuration = SMPPServerConfiguration()
configuration.throttle = throttle
configuration.unbindTimeout = .seconds(3)
configuration.logger.logLevel = .warning
let server = try await SMPPServer.start(host: "127.0.0.1", port: port, configuration: configuration, delegate: ToyHost())
say("LISTENING \(server.port)")

/// Returns once SIGTERM or SIGINT arrives (a nonisolated function, so the handler does not claim the main actor).
func waitForTerminationSignal() async {
    let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
    let sources = [SIGTERM, SIGINT].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { continuation.yield(number) }
        source.resume()
        return source
    }
    for await _ in stream { break }
    for source in sources { source.cancel() }
}

await waitForTerminationSignal()
say("SHUTTING-DOWN")
await server.shutdownGracefully()
say("STOPPED")
