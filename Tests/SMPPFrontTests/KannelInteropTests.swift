import AsyncHTTPClient
import ChildProcess
import Foundation
import NIOCore
import NIOPosix
import SMPPFront
import TestSupport
import Testing

/// Kannel (Debian's `kannel`), an SMS gateway nobody here wrote, binds to the simulated network's SMPP server as a
/// transceiver with `fixtures/kannel/kannel.conf`: an MT sent through smsbox's `sendsms` HTTP interface reaches the
/// simulated phone's inbox and its delivery receipt comes back to Kannel's `dlr-url`; an SMS the phone sends to the
/// application's short code reaches the `sms-service`'s `get-url`.
@Suite(
    .serialized, .timeLimit(.minutes(6)),
    .enabled(if: InteropPeers.kannel, "needs Debian's kannel (bearerbox, smsbox): sudo apt-get install -y kannel"))
struct KannelInteropTests {
    static let account = ESMEAccount(systemID: "kannel", password: "kannel1", shortCodes: ["8181"])
    static let kofi = "22890112233"

    @Test func mtWithReceiptAndMOThroughKannel() async throws {
        let world = try await SMPPWorld.start(accounts: [Self.account])
        let callbacks = try await CallbackRecorder.start()
        let kannel = try await KannelProcesses.start(smppPort: world.smppPort, password: Self.account.password, callbackPort: callbacks.port)
        defer { kannel.stop() }
        #expect(await eventually(timeout: .seconds(60)) { world.smpp?.binds(of: "kannel") == 1 }, "bearerbox bound: \(kannel.logs())")
        try await world.phone(Self.kofi)

        // MT through smsbox's sendsms, asking for every receipt at dlr-url.
        let dlrURL = "http://127.0.0.1:\(callbacks.port)/dlr?type=%d&reply=%A&to=%p"
        let query = [
            ("username", "sika"), ("password", "sika-kannel"), ("from", "8181"), ("to", Self.kofi), ("text", "Bonjour de Kannel"),
            ("dlr-mask", "31"), ("dlr-url", dlrURL),
        ].map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        let (status, body) = try await KannelProcesses.get("http://127.0.0.1:\(kannel.sendsmsPort)/cgi-bin/sendsms?\(query)")
        #expect(status == 202, "sendsms: \(status) \(body)")
        let inbox = try await world.inbox(Self.kofi, count: 1)
        #expect(inbox.map(\.from) == ["8181"], "\(inbox) \(kannel.logs())")
        #expect(inbox.map(\.text) == ["Bonjour de Kannel"])

        // The receipt reached Kannel, which matched it to the message and called dlr-url with "delivered" (type 1).
        let dlr = await callbacks.request("/dlr?type=1&")
        #expect(dlr?["reply"]?.contains("stat:DELIVRD") == true, "\(String(describing: dlr)) \(callbacks.requests.withLock { $0 }) \(kannel.logs())")
        #expect(dlr?["to"]?.hasSuffix(Self.kofi) == true, "\(String(describing: dlr))")

        // MO: the phone texts the application's short code on the page; Kannel calls the sms-service's get-url.
        let (sent, _) = try await world.http(.POST, "/simulator/api/phones/\(Self.kofi)/sms", json: #"{"to": "8181", "text": "KANNEL PING"}"#)
        #expect(sent == 202)
        let mo = await callbacks.request("/mo?")
        #expect(mo?["text"] == "KANNEL PING", "\(String(describing: mo)) \(kannel.logs())")
        #expect(mo?["from"]?.hasSuffix(Self.kofi) == true)
        #expect(mo?["to"] == "8181")

        // Up to 10 s of a graceful shutdown: waited for off the cooperative pool (the `defer` is then a no-op).
        try await offThePool { kannel.stop() }
        await callbacks.stop()
        try await world.stop()
    }
}

/// bearerbox and smsbox with the fixture's configuration, filled for this run, in a temporary directory.
final class KannelProcesses: Sendable {
    let directory: URL
    let sendsmsPort: Int
    private let processes: [ChildProcess]

    private init(directory: URL, sendsmsPort: Int, processes: [ChildProcess]) {
        self.directory = directory
        self.sendsmsPort = sendsmsPort
        self.processes = processes
    }

    static func start(smppPort: Int, password: String, callbackPort: Int) async throws -> KannelProcesses {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sika-kannel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Kannel's own range, apart from the one the other tests pick from (see TestPorts).
        let base = try TestPorts.free(3, in: 12_000..<15_000)
        let ports = [base, base + 1, base + 2]
        var configuration = try String(contentsOf: InteropPeers.root.appending(path: "fixtures/kannel/kannel.conf"), encoding: .utf8)
        for (placeholder, value) in [
            ("@ADMIN_PORT@", "\(ports[0])"), ("@SMSBOX_PORT@", "\(ports[1])"), ("@SENDSMS_PORT@", "\(ports[2])"), ("@SMPP_PORT@", "\(smppPort)"),
            ("@PASSWORD@", password), ("@CALLBACK_PORT@", "\(callbackPort)"), ("@DIR@", directory.path),
        ] {
            configuration = configuration.replacingOccurrences(of: placeholder, with: value)
        }
        let file = directory.appending(path: "kannel.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        var processes: [ChildProcess] = []
        for box in ["bearerbox", "smsbox"] {
            let process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/\(box)")
            process.arguments = [file.path]
            process.currentDirectoryURL = directory
            _ = FileManager.default.createFile(atPath: directory.appending(path: "\(box).out").path, contents: nil)
            let output = try FileHandle(forWritingTo: directory.appending(path: "\(box).out"))
            process.standardOutput = output
            process.standardError = output
            try process.run()
            processes.append(process)
            if box == "bearerbox" {
                // smsbox needs bearerbox's box port: wait until it accepts (2 minutes at most, a failure bound: the
                // sendsms port once stayed closed past 30 s on a loaded CI machine).
                let deadline = ContinuousClock.now + .seconds(120)
                while ContinuousClock.now < deadline, !(await accepts(port: ports[1])) { try await Task.sleep(for: .milliseconds(50)) }
            }
        }
        let kannel = KannelProcesses(directory: directory, sendsmsPort: ports[2], processes: processes)
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline, !(await accepts(port: ports[2])) { try await Task.sleep(for: .milliseconds(50)) }
        return kannel
    }

    /// Ends both boxes: SIGTERM, and SIGKILL for a box still there 10 s later (bearerbox's graceful shutdown waits
    /// for its queues and its boxes, which a test need not).
    func stop() {
        for process in processes where process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(10)
        while processes.contains(where: \.isRunning), ContinuousClock.now < deadline { usleep(50_000) }
        for process in processes where process.isRunning { process.send(SIGKILL) }
        for process in processes { process.waitUntilExit() }
    }

    /// The boxes' logs, for failure messages.
    func logs() -> String {
        ["bearerbox.out", "smsbox.out", "bearerbox.log", "smsc.log", "smsbox.log"].map { name in
            let text = (try? String(contentsOf: directory.appending(path: name), encoding: .utf8)) ?? ""
            return "--- \(name)\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    static func accepts(port: Int) async -> Bool {
        guard let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        else { return false }
        try? await channel.close()
        return true
    }

    /// A GET; the status and the body.
    static func get(_ url: String) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 16)
        return (Int(response.status.code), String(buffer: body))
    }
}
