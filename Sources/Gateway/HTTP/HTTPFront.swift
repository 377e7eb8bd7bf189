import Hummingbird
import NIOCore

/// The HTTP routes: `POST /ussd` (aggregator callback), `GET /health`, `GET /metrics`.
public enum HTTPFront {
    /// Bodies of the callback are a few hundred bytes; anything much larger is not a USSD request.
    static let maxFormSize = 16 * 1024

    /// The routes, behind a middleware that resolves each request's client (`X-Forwarded-For` from the
    /// configuration's trusted proxies only).
    public static func router(core: GatewayCore, callback: USSDCallback) -> Router<SikaRequestContext> {
        let router = Router(context: SikaRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(trusted: core.configuration.trustedProxies))
        router.get("/health") { _, _ -> Response in
            let status: HTTPResponse.Status = core.isDraining ? .serviceUnavailable : .ok
            return text(core.isDraining ? "draining\n" : "ok\n", status: status)
        }
        router.get("/metrics") { _, _ -> Response in
            var response = text(core.metrics.exposition())
            response.headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return response
        }
        router.post("/ussd") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: maxFormSize)
            let form: USSDForm
            do {
                form = try URLEncodedFormDecoder().decode(USSDForm.self, from: String(buffer: body))
            } catch {
                core.metrics.refused(.malformed)
                return text("END missing or malformed form fields", status: .badRequest)
            }
            let reply = await callback.handle(form)
            return text(reply.body, status: HTTPResponse.Status(code: reply.status))
        }
        return router
    }

    private static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
