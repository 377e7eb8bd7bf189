import AsyncHTTPClient
import CommandSupport
import Foundation
import NIOCore
import NIOHTTP1

/// Asks a live `sika serve --demo` to restore its demo world (`POST /api/admin/demo/reset`), for
/// `sika script run --connect`: the address and admin token come from the server's `<db>.tokens`
/// (`$SIKA_HTTP` and `$SIKA_ADMIN_TOKEN` override them).
struct DemoRestoreClient {
    let url: String
    let adminToken: String

    init(server: [String: String], environment: [String: String], database: String) throws {
        guard let http = environment[ServerFile.httpKey] ?? server[ServerFile.httpKey] else {
            throw CommandFailure(
                "cannot restore the demo world between scripts: no server address in \(ServerFile.path(forDatabase: database)) "
                    + "(start `sika serve --demo` with this --db, set $SIKA_HTTP, or pass --no-reset)")
        }
        guard let token = environment[ServerFile.adminKey] ?? server[ServerFile.adminKey] else {
            throw CommandFailure(
                "cannot restore the demo world between scripts: no admin token in \(ServerFile.path(forDatabase: database)) "
                    + "(set $SIKA_ADMIN_TOKEN, or pass --no-reset)")
        }
        url = http.hasSuffix("/") ? String(http.dropLast()) : http
        adminToken = token
    }

    func restore() async throws {
        var request = HTTPClientRequest(url: url + "/api/admin/demo/reset")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
        let response: HTTPClientResponse
        do {
            response = try await ServerHTTPClient.shared.execute(request, timeout: .seconds(60))
        } catch {
            throw CommandFailure("cannot reach \(url) to restore the demo world: \(error)")
        }
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok else {
            throw CommandFailure("\(url) refused to restore the demo world (\(response.status.code)): \(body)")
        }
    }
}
