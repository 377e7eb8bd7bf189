import Foundation
import HTTPServerSupport
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Simulator

/// The web simulator on the HTTP listener: the page at `/` (plain HTML, CSS and JavaScript from this module's
/// resources, nothing from elsewhere) and its JSON API under `/simulator/api` (see `docs/SIMULATOR.md`), with the
/// live inbox as server-sent events.
///
/// Off (no network given), every one of these routes answers `404` with the error code `simulator_off`. On, they
/// answer only clients on the loopback interface (`403 simulator_local_only` otherwise, whatever the listen
/// address), and a `POST` must say `Content-Type: application/json`, which a page of another origin cannot send
/// without a CORS preflight this server never grants.
public enum SimulatorFront {
    /// Bodies are a few dozen bytes: a number, a dial string, an input.
    static let maxBody = 4 * 1024
    /// A comment line on the live stream this often, so that a watcher whose page went away is noticed and dropped.
    public static let heartbeat: Duration = .seconds(15)

    /// Registers the page and the API; `network` nil means the simulator is off.
    public static func register(on router: Router<SikaRequestContext>, network: SimulatedNetwork?, heartbeat: Duration = heartbeat) {
        let assets = Assets.load()
        router.get("/") { request, context in
            try guarded(request, context, network) { _ in asset(assets.index, type: "text/html; charset=utf-8") }
        }
        router.get("/simulator/app.js") { request, context in
            try guarded(request, context, network) { _ in asset(assets.script, type: "text/javascript; charset=utf-8") }
        }
        router.get("/simulator/style.css") { request, context in
            try guarded(request, context, network) { _ in asset(assets.style, type: "text/css; charset=utf-8") }
        }
        let api = router.group("simulator/api")
        api.get("network") { request, context in
            try guarded(request, context, network) { network in
                json(
                    Overview(
                        phones: network.phones, contacts: network.contacts,
                        operators: network.core.catalog.operators.map { .init(id: $0.id, name: $0.name, ussdCode: $0.ussdCode) },
                        limits: .init(phones: network.limits.phones, inboxLength: network.limits.inboxLength, inputLength: network.limits.inputLength)
                    ))
            }
        }
        api.post("phones") { request, context in
            try await guardedAsync(request, context, network) { network in
                let body = try await decode(AddPhone.self, request)
                return json(try await network.addPhone(body.msisdn), status: .created)
            }
        }
        api.delete("phones/:msisdn") { request, context in
            try await guardedAsync(request, context, network) { network in
                try await network.removePhone(try parameter("msisdn", context))
                return Response(status: .noContent)
            }
        }
        api.get("phones/:msisdn/inbox") { request, context in
            try guarded(request, context, network) { network in json(Inbox(messages: try network.inbox(try parameter("msisdn", context)))) }
        }
        api.post("phones/:msisdn/read") { request, context in
            try await guardedAsync(request, context, network) { network in
                let body = try await decode(MarkRead.self, request, emptyAllowed: true)
                let msisdn = try parameter("msisdn", context)
                try network.markRead(msisdn, through: body?.through)
                return json(Unread(unread: network.phone(msisdn)?.unread ?? 0))
            }
        }
        api.post("phones/:msisdn/dial") { request, context in
            try await guardedAsync(request, context, network) { network in
                let body = try await decode(Dial.self, request)
                return json(SimulatorWire.exchange(try await network.dial(try parameter("msisdn", context), body.dial)))
            }
        }
        api.post("phones/:msisdn/sms") { request, context in
            try await guardedAsync(request, context, network) { network in
                let body = try await decode(SendSMS.self, request)
                try await network.sendSMS(from: try parameter("msisdn", context), to: body.to, text: body.text)
                return json(SMSSent(to: body.to), status: .accepted)
            }
        }
        api.post("sessions/:session/answer") { request, context in
            try await guardedAsync(request, context, network) { network in
                let body = try await decode(Answer.self, request)
                return json(SimulatorWire.exchange(try await network.answer(try parameter("session", context), body.input)))
            }
        }
        api.post("sessions/:session/cancel") { request, context in
            try await guardedAsync(request, context, network) { network in
                _ = try await decode(MarkRead.self, request, emptyAllowed: true)
                return json(SimulatorWire.exchange(try await network.cancel(try parameter("session", context))))
            }
        }
        api.post("sessions/:session/drop") { request, context in
            try await guardedAsync(request, context, network) { network in
                _ = try await decode(MarkRead.self, request, emptyAllowed: true)
                return json(SimulatorWire.exchange(try await network.drop(try parameter("session", context))))
            }
        }
        api.get("events") { request, context in
            try guarded(request, context, network) { network in try events(network, heartbeat: heartbeat) }
        }
    }

    // MARK: Bodies

    struct AddPhone: Decodable { let msisdn: String }
    struct Dial: Decodable { let dial: String }
    struct Answer: Decodable { let input: String }
    struct MarkRead: Decodable { let through: Int? }
    struct SendSMS: Decodable {
        let to: String
        let text: String
    }
    struct SMSSent: Encodable { let to: String }
    struct Inbox: Encodable { let messages: [InboxMessage] }
    struct Unread: Encodable { let unread: Int }

    struct Overview: Encodable {
        struct Operator: Encodable {
            let id: String
            let name: String
            let ussdCode: String
        }
        struct Limits: Encodable {
            let phones: Int
            let inboxLength: Int
            let inputLength: Int
        }
        let phones: [SimulatedPhone]
        let contacts: [SimulatedNetwork.Contact]
        let operators: [Operator]
        let limits: Limits
    }

    /// A refusal of the API itself, with its JSON code.
    struct Refusal: Error {
        let status: HTTPResponse.Status
        let code: String
        let message: String
    }

    // MARK: Live inbox

    /// `text/event-stream`: one `data:` line of JSON per event (`sms`, `read`, `phone`, `removed`, `reset`), a
    /// comment line every `heartbeat`. Ends at graceful shutdown, so that it never holds the server open.
    static func events(_ network: SimulatedNetwork, heartbeat: Duration) throws -> Response {
        let updates: AsyncStream<SimulatorEvent>
        do {
            updates = try network.updates()
        } catch {
            throw Refusal(status: .tooManyRequests, code: error.code.rawValue, message: error.message)
        }
        let body = ResponseBody { writer in
            let (lines, feed) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(128))
            let pump = Task {
                for await event in updates {
                    feed.yield("data: " + String(decoding: SimulatorWire.encode(SimulatorWire.event(event)), as: UTF8.self) + "\n\n")
                }
                feed.finish()
            }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    feed.yield(": ping\n\n")
                }
            }
            defer {
                pump.cancel()
                beat.cancel()
            }
            feed.yield("retry: 2000\n: connected\n\n")
            try await withGracefulShutdownHandler {
                for await line in lines { try await writer.write(ByteBuffer(string: line)) }
            } onGracefulShutdown: {
                feed.finish()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"], body: body)
    }

    // MARK: Helpers

    static func guarded(
        _ request: Request, _ context: SikaRequestContext, _ network: SimulatedNetwork?, _ body: (SimulatedNetwork) throws -> Response
    ) throws -> Response {
        do {
            return try body(try admitted(request, context, network))
        } catch let refusal as Refusal {
            return errorResponse(refusal.status, refusal.code, refusal.message)
        } catch let error as SimulatorError {
            return errorResponse(.init(code: error.code.httpStatus), error.code.rawValue, error.message)
        }
    }

    static func guardedAsync(
        _ request: Request, _ context: SikaRequestContext, _ network: SimulatedNetwork?, _ body: (SimulatedNetwork) async throws -> Response
    ) async throws -> Response {
        do {
            let network = try admitted(request, context, network)
            // A cross-origin POST with a form's or text's type needs no preflight; one with JSON's does. DELETE always does.
            guard request.method != .post || request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                throw Refusal(status: .unsupportedMediaType, code: "json_required", message: "send Content-Type: application/json")
            }
            return try await body(network)
        } catch let refusal as Refusal {
            return errorResponse(refusal.status, refusal.code, refusal.message)
        } catch let error as SimulatorError {
            return errorResponse(.init(code: error.code.httpStatus), error.code.rawValue, error.message)
        }
    }

    /// The network, when the simulator is on and the client is on this machine.
    static func admitted(_ request: Request, _ context: SikaRequestContext, _ network: SimulatedNetwork?) throws -> SimulatedNetwork {
        guard let network else {
            throw Refusal(
                status: .notFound, code: "simulator_off", message: "the web simulator is off: start sika serve with --simulator (or --demo)")
        }
        guard isLoopback(context.remoteAddress) else {
            throw Refusal(status: .forbidden, code: "simulator_local_only", message: "the web simulator answers clients on this machine only")
        }
        return network
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    static func parameter(_ name: String, _ context: SikaRequestContext) throws -> String {
        guard let value = context.parameters.get(name) else { throw Refusal(status: .badRequest, code: "malformed", message: "missing \(name)") }
        return value
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        guard let value = try await decode(type, request, emptyAllowed: false) else {
            throw Refusal(status: .badRequest, code: "malformed_json", message: "the body must be a JSON object")
        }
        return value
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, emptyAllowed: Bool) async throws -> T? {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBody)
        } catch {
            throw Refusal(status: .contentTooLarge, code: "body_too_large", message: "a request body is at most \(maxBody) bytes")
        }
        if buffer.readableBytes == 0, emptyAllowed { return nil }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: buffer))
        } catch {
            throw Refusal(status: .badRequest, code: "malformed_json", message: "the body must be a JSON object with the documented fields")
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: SimulatorWire.encode(value))))
    }

    static func errorResponse(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(SimulatorWire.ErrorBody(error: .init(code: code, message: message)), status: status)
    }

    /// What the page may load: only this server's own files, so nothing is ever fetched from elsewhere.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func asset(_ content: String, type: String) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: "no-cache"]
        headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: content)))
    }
}
