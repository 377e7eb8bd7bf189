import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import Ledger
import LineFront
import Operators
import SikaResources

/// `sika phone 22890112233`: a feature phone in the terminal, talking to `sika serve` over the line socket.
struct PhoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phone",
        abstract: "Simulate a feature phone: dial USSD codes, answer screens, see incoming SMS.",
        discussion: """
            Connects as the gateway of the operator owning the number; the token comes from --token, else \
            $SIKA_TOKEN_<OPERATOR>, else the <db>.tokens file `sika serve` writes beside its ledger.
            """)

    @Argument(help: "The phone's number (E.164 digits without +).") var msisdn: String
    @Option(help: "Server address as HOST:PORT.") var connect: String = "127.0.0.1:7145"
    @Option(help: "Operator token (default: $SIKA_TOKEN_<OPERATOR>, else <db>.tokens; any value with `serve --no-auth`).") var token: String?
    @Option(help: "The server's ledger, whose <db>.tokens holds the tokens (default: $SIKA_DB or ./sika.sqlite).") var db: String?
    @Option(help: "Operator data, to find the operator owning the number (default: that of $SIKA_HOME, else built in).") var operators: String?

    func validate() throws {
        guard WireIdentifiers.isMSISDN(Substring(msisdn)) else { throw ValidationError("\(msisdn) is not an MSISDN (E.164 digits without +)") }
        _ = try HostPort(connect)
    }

    func run() async throws {
        let catalog = try OperatorCatalog.load(from: URL(fileURLWithPath: operators ?? SikaHome().operators.path))
        guard let op = catalog.operatorOwning(msisdn: msisdn) else { throw ValidationError("no operator owns \(msisdn)") }
        let address = try HostPort(connect)
        let environment = ProcessInfo.processInfo.environment
        let key = "SIKA_TOKEN_\(op.id.uppercased())"
        let file = try ServerFile.read(ServerFile.path(forDatabase: db ?? environment["SIKA_DB"] ?? "./sika.sqlite"))
        let secret = token ?? environment[key] ?? file[key] ?? "local"
        let number = msisdn
        let client = try await LineClient.connect(host: address.host, port: address.port) { sms in
            guard sms.msisdn == number else { return }
            print("\n+-- SMS from \(sms.shortCode) " + String(repeating: "-", count: 20))
            for line in sms.text.split(separator: "\n", omittingEmptySubsequences: false) { print("| \(line)") }
            print("+" + String(repeating: "-", count: 36))
        }
        try await client.hello(operatorID: op.id, token: secret)
        print("\(op.name) phone \(msisdn). Dial a code such as \(op.ussdCode); empty line to hang up a session, q to quit.")
        var count = 0
        while true {
            print("\ndial> ", terminator: "")
            guard let dial = readLine()?.trimmingCharacters(in: .whitespaces), dial != "q" else { break }
            guard !dial.isEmpty else { continue }
            count += 1
            let session = "phone-\(ProcessInfo.processInfo.processIdentifier)-\(count)"
            var answer = try await client.begin(session: session, msisdn: msisdn, dial: dial)
            conversation: while true {
                switch answer {
                case .screen(_, let text):
                    Self.show(text)
                    print("> ", terminator: "")
                    guard let input = readLine(), !input.isEmpty else {
                        try await client.abort(session: session)
                        print("(session released)")
                        break conversation
                    }
                    answer = try await client.reply(session: session, input: input)
                case .end(_, let text):
                    Self.show(text)
                    break conversation
                case .error(let error):
                    print("[network error \(error.code.rawValue): \(error.message)]")
                    break conversation
                default:
                    break conversation
                }
            }
        }
        await client.close()
    }

    /// A screen as a small phone shows it: a frame 30 characters wide, lines wrapped at spaces.
    static func show(_ text: String) {
        let width = 28
        print("+" + String(repeating: "-", count: width + 2) + "+")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var row = ""
            for word in line.split(separator: " ", omittingEmptySubsequences: false) {
                var word = Substring(word)
                if !row.isEmpty, row.count + 1 + word.count > width {
                    print("| " + row.padding(toLength: width, withPad: " ", startingAt: 0) + " |")
                    row = ""
                }
                // A word longer than the screen is cut, as a phone would.
                while word.count > width {
                    print("| " + word.prefix(width) + " |")
                    word = word.dropFirst(width)
                }
                row += row.isEmpty ? String(word) : " " + word
            }
            print("| " + row.padding(toLength: width, withPad: " ", startingAt: 0) + " |")
        }
        print("+" + String(repeating: "-", count: width + 2) + "+")
    }
}
