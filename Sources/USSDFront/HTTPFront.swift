import GatewayCore
import HTTPServerSupport
import Hummingbird
import NIOCore

/// The HTTP routes: `POST /ussd` (aggregator callback), `GET /health`, `GET /metrics`.
///
/// `POST /ussd` answers `413` for a body over 16 KiB, `401` without a valid aggregator credential
/// (unless authentication is off), `400` for a form it cannot read, then whatever the callback says.
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
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maxFormSize)
            } catch {
                core.metrics.refused(.lineTooLong)
                return text("END request body larger than \(maxFormSize) bytes", status: .contentTooLarge)
            }
            // Checked before the form is even parsed: a caller without a credential learns nothing.
            var operatorID: String?
            if core.configuration.requireAuthentication {
                guard let id = AggregatorCredential.operatorID(headers: request.headers, body: body, secrets: core.configuration.aggregatorTokens)
                else {
                    core.metrics.refused(.notAuthenticated)
                    var response = text("END a valid aggregator credential is required", status: .unauthorized)
                    response.headers[.wwwAuthenticate] = "Bearer"
                    return response
                }
                operatorID = id
            }
            let form: USSDForm
            do {
                form = try URLEncodedFormDecoder().decode(USSDForm.self, from: String(buffer: body))
            } catch {
                core.metrics.refused(.malformed)
                return text("END missing or malformed form fields", status: .badRequest)
            }
            let reply = await callback.handle(form, operatorID: operatorID)
            return text(reply.body, status: HTTPResponse.Status(code: reply.status))
        }
        return router
    }

    private static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
