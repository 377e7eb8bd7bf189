import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import Simulator
import Synchronization

/// `sika phone 22890112233`: a feature phone in the terminal. It is one of the simulated network's phones — the
/// very phones and inboxes of the web page — driven through a running `sika serve`'s simulator API, so every SMS
/// for its number (receipts, any other sender's) lands in the inbox it shows, live.
struct PhoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phone",
        abstract: "Simulate a feature phone: dial USSD codes, answer screens, see incoming SMS.",
        discussion: """
            The phone is one of the simulated network of a running `sika serve --demo` (or `serve --simulator`), the same \
            phones and inboxes as its web page: a receipt, or an SMS anyone sends to the number, shows here as it arrives. \
            The server's HTTP address comes from --connect, else from the <db>.tokens file `sika serve` writes beside its \
            ledger, else 127.0.0.1:8080. At the dial prompt type a code (*145#), q to quit; at an answer prompt an empty \
            line hangs up and /drop makes the network lose the phone (dial the code again to be offered the session back).
            """)

    @Argument(help: "The phone's number (E.164 digits without +).") var msisdn: String
    @Option(help: "The HTTP address of sika serve as HOST:PORT (default: the one <db>.tokens names, else 127.0.0.1:8080).")
    var connect: String?
    @Option(help: "The server's ledger, whose <db>.tokens names its HTTP address (default: $SIKA_DB or ./sika.sqlite).") var db: String?

    /// The SMS shown so far, by id: the live stream and the inbox read at start may both bring one.
    final class Seen: Sendable {
        private let ids = Mutex<Set<Int>>([])

        /// Whether `id` is seen for the first time.
        func first(_ id: Int) -> Bool { ids.withLock { $0.insert(id).inserted } }
    }

    /// What a user types at an answer prompt to make the network lose the phone (no USSD answer starts with `/`).
    static let dropCommand = "/drop"

    func validate() throws {
        guard WireIdentifiers.isMSISDN(Substring(msisdn)) else { throw ValidationError("\(msisdn) is not an MSISDN (E.164 digits without +)") }
        if let connect { _ = try HostPort(connect.replacingOccurrences(of: "http://", with: "")) }
    }

    func run() async throws {
        let client = SimulatorClient(base: try serverAddress())
        let number = msisdn
        let openBefore = try await client.phones().contains { $0.msisdn == number }
        let phone = try await client.open(number)
        let shown = Seen()
        // The live stream first, then the unread messages: none is missed, and none shown twice.
        let (opened, signalOpen) = AsyncStream.makeStream(of: Void.self)
        let watcher = Task {
            while !Task.isCancelled {
                try? await client.events(
                    onOpen: { signalOpen.yield() },
                    { event in
                        guard event.type == "sms", event.msisdn == number, let message = event.message else { return }
                        await Self.show(message, client: client, phone: number, shown: shown)
                    })
                // Never listening (the stream refused) or no more (a restart): go on, and listen again shortly.
                signalOpen.yield()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        var iterator = opened.makeAsyncIterator()
        _ = await iterator.next()
        let who = [phone.name, phone.language].compactMap { $0 }.joined(separator: ", ")
        Self.say(
            "\(phone.operatorName) phone \(number) (\(who)), on the simulated network of \(client.base): the same phone and inbox as its web page.")
        for message in try await client.inbox(number).reversed() where !message.read {
            await Self.show(message, client: client, phone: number, shown: shown)
        }
        Self.say("Dial a code such as \(phone.ussdCode), q to quit. At an answer, an empty line hangs up and \(Self.dropCommand) loses the network.")

        let lines = Self.standardInputLines()
        var input = lines.makeAsyncIterator()
        dialling: while true {
            Self.prompt("\ndial> ")
            guard let line = await input.next()?.trimmingCharacters(in: .whitespaces), line != "q" else { break }
            guard !line.isEmpty else { continue }
            var exchange: SimulatorClient.Exchange
            do {
                exchange = try await Self.dial(client, number, line)
            } catch let refusal as SimulatorClient.Refusal {
                Self.say("[\(refusal.message)]")
                continue
            }
            while true {
                if let error = exchange.error {
                    Self.say("[network error \(error.code): \(error.message)]")
                    continue dialling
                }
                guard let screen = exchange.screen else { continue dialling }
                Self.show(screen)
                if exchange.final { continue dialling }
                Self.prompt("> ")
                guard let answer = await input.next() else {
                    _ = try? await client.cancel(exchange.session)
                    break dialling
                }
                do {
                    switch answer {
                    case "":
                        _ = try await client.cancel(exchange.session)
                        Self.say("(hung up)")
                        continue dialling
                    case Self.dropCommand:
                        _ = try await client.drop(exchange.session)
                        Self.say("(network lost: dial \(phone.ussdCode) again to be offered the session back)")
                        continue dialling
                    default:
                        exchange = try await client.answer(exchange.session, answer)
                    }
                } catch let refusal as SimulatorClient.Refusal {
                    Self.say("[\(refusal.message)]")
                    continue dialling
                }
            }
        }
        watcher.cancel()
        // A phone this command opened goes away with it, so that its SMS go to the operator's gateway again.
        if !openBefore { try? await client.putAway(number) }
    }

    /// The server's address: --connect, else `SIKA_HTTP` of the environment or of `<db>.tokens`, else the default port.
    func serverAddress() throws -> String {
        if let connect { return connect.hasPrefix("http://") ? connect : "http://\(connect)" }
        let environment = ProcessInfo.processInfo.environment
        let file = try ServerFile.read(ServerFile.path(forDatabase: db ?? environment["SIKA_DB"] ?? "./sika.sqlite"))
        let address = environment[ServerFile.httpKey] ?? file[ServerFile.httpKey] ?? "http://127.0.0.1:8080"
        return address.hasSuffix("/") ? String(address.dropLast()) : address
    }

    /// Dials; a phone put away meanwhile (on the web page) is opened again first.
    static func dial(_ client: SimulatorClient, _ msisdn: String, _ code: String) async throws -> SimulatorClient.Exchange {
        do {
            return try await client.dial(msisdn, code)
        } catch let refusal as SimulatorClient.Refusal where refusal.code == "unknown_phone" {
            _ = try await client.open(msisdn)
            return try await client.dial(msisdn, code)
        }
    }

    /// Standard input, a line at a time, read on a thread of its own so that no task of the pool ever blocks on it.
    static func standardInputLines() -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        Thread {
            while let line = readLine() { continuation.yield(line) }
            continuation.finish()
        }.start()
        return lines
    }

    /// An SMS as it arrives, once, then marked read (the web page's badge goes too).
    static func show(_ message: InboxMessage, client: SimulatorClient, phone: String, shown: Seen) async {
        guard shown.first(message.id) else { return }
        var lines = ["", "+-- SMS from \(message.from) " + String(repeating: "-", count: 20)]
        for line in message.text.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("| \(line)") }
        lines.append("+" + String(repeating: "-", count: 36))
        say(lines.joined(separator: "\n"))
        try? await client.markRead(phone, through: message.id)
    }

    /// A screen as a small phone shows it: a frame 30 characters wide, lines wrapped at spaces.
    static func show(_ text: String) {
        let width = 28
        var lines = ["+" + String(repeating: "-", count: width + 2) + "+"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var row = ""
            for word in line.split(separator: " ", omittingEmptySubsequences: false) {
                var word = Substring(word)
                if !row.isEmpty, row.count + 1 + word.count > width {
                    lines.append("| " + row.padding(toLength: width, withPad: " ", startingAt: 0) + " |")
                    row = ""
                }
                // A word longer than the screen is cut, as a phone would.
                while word.count > width {
                    lines.append("| " + word.prefix(width) + " |")
                    word = word.dropFirst(width)
                }
                row += row.isEmpty ? String(word) : " " + word
            }
            lines.append("| " + row.padding(toLength: width, withPad: " ", startingAt: 0) + " |")
        }
        lines.append("+" + String(repeating: "-", count: width + 2) + "+")
        say(lines.joined(separator: "\n"))
    }

    /// Written at once, straight to the descriptor: stdout may be a pipe, where `print` is block-buffered, and
    /// `fflush(nil)` would wait for the lock of stdin, which the reading thread holds while it waits for a line.
    static func say(_ text: String) { prompt(text + "\n") }

    static func prompt(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
}
