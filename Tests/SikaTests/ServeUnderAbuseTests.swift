import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `sika serve` binary, as a child process, held by abusive clients: more connections than it has
/// file descriptors, and a client that floods SMS lines and never reads.
@Suite(.serialized) struct ServeUnderAbuseTests {
    /// This process holds the client side of every connection: it needs more than the default 1 024 descriptors.
    static func raiseOwnFileLimit() -> Int {
        var limits = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        limits.rlim_cur = limits.rlim_max
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        return Int(limits.rlim_cur)
    }

    static func metric(_ exposition: String, _ series: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    /// Under `ulimit -n 1024`, 1 100 connections: serve says its budget, refuses what does not fit (with the
    /// 503 line), stays alive, and still serves a whole transfer from another address, and HTTP.
    @Test func moreConnectionsThanDescriptorsAreRefusedAndServeStaysAlive() async throws {
        try #require(Self.raiseOwnFileLimit() >= 2_000)
        let serve = try await LimitedServeProcess.start(fileLimit: 1024)
        defer { serve.abandon() }
        // 1 024 descriptors, 256 in reserve: 384 for the line listener, 192 of them for one address.
        #expect(serve.stdout.contains("file descriptors: limit 1024"), "\(serve.stdout)")
        #expect(serve.stdout.contains("line at most 384 (192 per address, 192 per operator)"), "\(serve.stdout)")

        var flood: [TCPSocket] = []
        var failedToConnect = 0
        for _ in 0..<1_100 {
            do { flood.append(try await TCPSocket.connect(port: serve.linePort, timeout: 5)) } catch { failedToConnect += 1 }
        }
        defer { for socket in flood { socket.close() } }
        #expect(failedToConnect == 0, "the server stopped accepting")
        let deadline = Date().addingTimeInterval(60)
        var refused: [TCPSocket] = []
        while Date() < deadline {
            for socket in flood { socket.drain() }
            refused = flood.filter(\.closedByPeer)
            if refused.count >= 1_100 - 192 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(refused.count == 1_100 - 192, "refused \(refused.count)")
        #expect(refused.allSatisfy { $0.text == "ERR - 503 too many connections\n" }, "\(Set(refused.map(\.text)))")
        #expect(serve.process.isRunning, "serve died: \(serve.stderr.suffix(2_000))")

        let health = try await TCPSocket.http("/health", port: serve.httpPort, from: "127.0.0.2")
        #expect(health.status == 200 && health.body == "ok\n")

        // A whole transfer from another gateway address, with its receipts, while the flood is held.
        let gateway = try await TCPSocket.connect(port: serve.linePort, from: "127.0.0.2")
        defer { gateway.close() }
        try await gateway.send("HELLO tmoney \(LimitedServeProcess.tokens["SIKA_TOKEN_TMONEY"]!)\nBEGIN s1 22890112233 *145*1*1*90445566*500#\n")
        #expect(try await gateway.read { $0.text.contains("CON s1 ") }, "\(gateway.text)")
        try await gateway.send("CONTINUE s1 1\n")
        #expect(try await gateway.read { $0.text.contains("Entrez votre code secret") }, "\(gateway.text)")
        try await gateway.send("CONTINUE s1 2580\n")
        #expect(
            try await gateway.read { $0.text.contains("END s1 ") && $0.text.components(separatedBy: "\nSMS 1455 ").count >= 3 }, "\(gateway.text)")

        let metrics = try await TCPSocket.http("/metrics", port: serve.httpPort, from: "127.0.0.2")
        #expect(Self.metric(metrics.body, #"sika_connections_refused_total{listener="line",reason="address"}"#) == Double(1_100 - 192))
        #expect(Self.metric(metrics.body, #"sika_connections_open{listener="line"}"#) == 193)
        #expect(serve.process.isRunning)
        for socket in flood { socket.close() }
        flood = []
        let end = await serve.stop()
        #expect(end.reason == .exit && end.status == 0, "serve ended with \(end)")
    }

    /// A client floods SMS lines and does not read: the server stops reading it instead of buffering, so its
    /// memory stays flat; then the client reads, and every SMS line got its reply.
    @Test func anSMSFloodThatIsNeverReadKeepsServeSmallAndEveryLineIsAnswered() async throws {
        let serve = try await LimitedServeProcess.start()
        defer { serve.abandon() }
        let client = try await TCPSocket.connect(port: serve.linePort)
        defer { client.close() }
        try await client.send("HELLO tmoney \(LimitedServeProcess.tokens["SIKA_TOKEN_TMONEY"]!)\n")
        #expect(try await client.read { $0.text.hasPrefix("OK HELLO tmoney\n") })
        // A number of T-Money's range with no wallet, so no receipt of the demo seeding is addressed to it. Each
        // line is 4 000 bytes (under the 4 096 limit): a server that reads what it cannot answer yet holds
        // 200 MB for 50 000 of them; loopback socket buffers hold a few tens of MB at most.
        let text = "SMS 22893000001 1455 AIDE " + String(repeating: "x", count: 3_973) + "\n"
        let line = Array(text.utf8)
        let reply = "SMS 1455 22893000001 "
        func replies(_ socket: TCPSocket) -> Int { socket.text.components(separatedBy: "\n" + reply).count - 1 }
        // Warm up, reading, so the baseline includes what serving SMS needs anyway.
        try await client.send(String(repeating: text, count: 500))
        #expect(try await client.read(timeout: 120) { replies($0) == 500 })
        let baseline = try serve.residentKilobytes()

        // Flood without reading: write until everything is sent or the server has stopped taking lines.
        let total = 50_000
        var pending = ArraySlice((0..<total).flatMap { _ in line })
        var peak = baseline
        var lastProgress = Date()
        while !pending.isEmpty, Date().timeIntervalSince(lastProgress) < 3 {
            let written = client.write(pending.prefix(64 * 1024))
            await Task.yield()
            if written > 0 {
                pending = pending.dropFirst(written)
                lastProgress = Date()
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
            peak = max(peak, try serve.residentKilobytes())
        }
        let unsentAtStall = pending.count / line.count
        // Whatever the server took, give it time to work on it while still nobody reads.
        for _ in 0..<30 {
            try await Task.sleep(for: .milliseconds(100))
            peak = max(peak, try serve.residentKilobytes())
        }
        #expect(peak - baseline < 100_000, "resident memory grew from \(baseline / 1024) MB to \(peak / 1024) MB")

        // Now read everything, sending the rest as the server takes it.
        let received = Date()
        var answered = 0
        var errors = 0
        let marker = Array("\n".utf8)[0]
        // Past the warm-up's replies.
        var consumed = client.received.count
        while answered + errors < total, Date().timeIntervalSince(received) < 600 {
            var progressed = false
            while !pending.isEmpty {
                let written = client.write(pending.prefix(256 * 1024))
                guard written > 0 else { break }
                pending = pending.dropFirst(written)
                progressed = true
            }
            if client.drain() > 0 { progressed = true }
            let bytes = client.received
            while let newline = bytes[consumed...].firstIndex(of: marker) {
                let text = String(decoding: bytes[consumed..<newline], as: UTF8.self)
                if text.hasPrefix(reply) { answered += 1 } else if text.hasPrefix("ERR ") { errors += 1 }
                consumed = newline + 1
            }
            if client.closedByPeer { break }
            if progressed { await Task.yield() } else { try await Task.sleep(for: .milliseconds(2)) }
        }
        let after = try serve.residentKilobytes()
        print(
            "SMS flood of \(total) lines: \(total - unsentAtStall) taken by the sockets before nobody read; resident memory \(baseline / 1024) MB before, \(peak / 1024) MB at most while unread, \(after / 1024) MB after; \(answered) replies, \(errors) errors"
        )
        #expect(answered + errors == total && errors == 0, "\(answered) replies and \(errors) errors for \(total) lines")
        #expect(serve.process.isRunning)
        _ = await serve.stop()
    }
}
