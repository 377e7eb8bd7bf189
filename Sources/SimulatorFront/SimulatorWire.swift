import Foundation
import GatewayCore
import LineFront
import Simulator

/// The JSON the simulator API speaks, and each exchange in the line protocol's words, so that the developer
/// panel shows what an operator's gateway would send and receive for the same session.
enum SimulatorWire {
    struct Exchange: Encodable {
        let session: String
        /// The request as a `BEGIN`/`CONTINUE`/`ABORT` line (`ABORT <session> cancel` for a hang-up).
        let request: String
        /// The answer as a `CON`/`END`/`ERR` line; nil for `ABORT`, which the protocol does not answer.
        let answer: String?
        /// The screen's text, when one came back.
        let screen: String?
        /// Whether the session is over.
        let final: Bool
        let error: Refusal?
        let latencyMs: Double

        enum CodingKeys: String, CodingKey { case session, request, answer, screen, final, error, latencyMs }

        /// Absent values are written as `null`, as documented, rather than left out.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(session, forKey: .session)
            try container.encode(request, forKey: .request)
            try container.encode(answer, forKey: .answer)
            try container.encode(screen, forKey: .screen)
            try container.encode(final, forKey: .final)
            try container.encode(error, forKey: .error)
            try container.encode(latencyMs, forKey: .latencyMs)
        }
    }

    struct Refusal: Encodable {
        /// The line protocol's code (403, 404, 429…).
        let code: Int
        let message: String
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    struct Event: Encodable {
        let type: String
        var msisdn: String?
        var message: InboxMessage?
        var unread: Int?
        var phone: SimulatedPhone?
    }

    static func exchange(_ exchange: SimulatorExchange) -> Exchange {
        let session = exchange.session
        let request: String =
            switch exchange.request {
            case .begin(let msisdn, let dial): ClientLine.begin(session: session, msisdn: msisdn, dial: dial).rendered
            case .reply(let input): ClientLine.continue(session: session, input: input).rendered
            case .abort: ClientLine.abort(session: session).rendered
            case .cancel: ClientLine.abort(session: session, cancelled: true).rendered
            }
        let (seconds, attoseconds) = exchange.latency.components
        let latency = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        switch exchange.answer {
        case .screen(let text):
            return Exchange(
                session: session, request: request, answer: ServerLine.screen(session: session, text: text).rendered, screen: text, final: false,
                error: nil, latencyMs: latency)
        case .end(let text):
            return Exchange(
                session: session, request: request, answer: ServerLine.end(session: session, text: text).rendered, screen: text, final: true,
                error: nil, latencyMs: latency)
        case .aborted:
            return Exchange(session: session, request: request, answer: nil, screen: nil, final: true, error: nil, latencyMs: latency)
        case .refused(let error):
            return Exchange(
                session: session, request: request, answer: ServerLine.error(error).rendered, screen: nil, final: true,
                error: Refusal(code: error.code.rawValue, message: error.message), latencyMs: latency)
        }
    }

    static func event(_ event: SimulatorEvent) -> Event {
        switch event {
        case .sms(let msisdn, let message, let unread): Event(type: "sms", msisdn: msisdn, message: message, unread: unread)
        case .read(let msisdn, let unread): Event(type: "read", msisdn: msisdn, unread: unread)
        case .phone(let phone): Event(type: "phone", msisdn: phone.msisdn, phone: phone)
        case .removed(let msisdn): Event(type: "removed", msisdn: msisdn)
        case .reset: Event(type: "reset")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ value: some Encodable) -> Data {
        // Our own types: encoding cannot fail.
        (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
