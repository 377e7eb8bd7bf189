import Foundation

@testable import GatewayCore

/// One HTTP/1.1 request on its own connection (`Connection: close`), from a chosen source address.
struct HTTPExchange {
    let status: Int
    let headers: [String: String]
    let body: String

    static func get(_ path: String, port: Int, from source: String = "127.0.0.1", headers: [String: String] = [:]) async throws -> HTTPExchange {
        try await request("GET", path, port: port, from: source, headers: headers)
    }

    static func request(
        _ method: String, _ path: String, port: Int, from source: String = "127.0.0.1", headers: [String: String] = [:], body: String = ""
    ) async throws -> HTTPExchange {
        let connection = try await RawConnection.connect(port: port, from: source)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: sika\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        if !body.isEmpty { head += "Content-Type: application/json\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try await connection.send(head + "\r\n" + body)
        guard try await connection.wait(until: { $0.isClosed }) else { throw GatewayError(.unavailable, "no complete answer to \(path)") }
        let text = connection.text
        guard let split = text.range(of: "\r\n\r\n") else { throw GatewayError(.malformed, "no HTTP head in \(text.prefix(200))") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPExchange(status: status, headers: fields, body: String(text[split.upperBound...]))
    }
}
