import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// One log line per request: method, path, status, latency and a request id. Bodies and headers are
/// never logged (they carry PINs, tokens and card numbers), and query values are masked.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = UUID().uuidString.prefix(8)
        let path = Self.redacted(request.uri)
        do {
            let response = try await next(request, context)
            log(request, path, Int(response.status.code), start, id)
            return response
        } catch let error as any HTTPResponseError {
            log(request, path, Int(error.status.code), start, id)
            throw error
        } catch {
            log(request, path, 500, start, id)
            throw error
        }
    }

    private func log(_ request: Request, _ path: String, _ status: Int, _ start: ContinuousClock.Instant, _ id: Substring) {
        let elapsed = ContinuousClock.now - start
        let millis = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(path)", "status": "\(status)",
                "ms": "\(String(format: "%.2f", millis))", "request_id": "\(id)",
            ])
    }

    /// The path with every query value replaced by `***`.
    static func redacted(_ uri: URI) -> String {
        guard let query = uri.query, !query.isEmpty else { return uri.path }
        let masked = query.split(separator: "&").map { pair in
            pair.split(separator: "=", maxSplits: 1).first.map { "\($0)=***" } ?? "***"
        }
        return uri.path + "?" + masked.joined(separator: "&")
    }
}
