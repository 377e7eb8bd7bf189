import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// One HTTP request and its answer, over a real connection to the live server.
struct HTTPExchange: Sendable {
    let method: HTTPMethod
    let path: String
    let headers: [(String, String)]
    let body: String

    func send(port: Int) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if method != .GET { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.forTests.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }
}
