import Foundation
import GatewayCore
import MobileMoney

/// `<db>.tokens`: what a client on the same machine needs to reach a running `sika serve` without
/// copying anything by hand: the operator and aggregator tokens, the admin token of the JSON API and the addresses
/// it listens on. `serve` writes it at each start, once listening, readable by its owner only (like
/// the `<db>.key` pepper file beside it); `sika script run --connect` and `sika phone` read it.
enum ServerFile {
    static let lineKey = "SIKA_LINE"
    static let httpKey = "SIKA_HTTP"
    static let adminKey = "SIKA_ADMIN_TOKEN"

    /// The file beside the ledger `database`.
    static func path(forDatabase database: String) -> String { database + ".tokens" }

    /// Writes the file (mode 600, replaced atomically).
    static func write(
        _ path: String, tokens: OperatorTokens, aggregatorTokens: OperatorTokens = OperatorTokens(tokens: [:]), adminToken: String?, line: String,
        http: String
    ) throws {
        var lines = ["# Written by `sika serve` at start: the tokens of this run and where it listens. Owner-only (mode 600)."]
        for (op, token) in tokens.tokens.sorted(by: { $0.key < $1.key }) { lines.append("SIKA_TOKEN_\(op.uppercased())=\(token)") }
        for (op, token) in aggregatorTokens.tokens.sorted(by: { $0.key < $1.key }) {
            lines.append("\(OperatorTokens.aggregatorPrefix)\(op.uppercased())=\(token)")
        }
        if let adminToken { lines.append("\(adminKey)=\(adminToken)") }
        lines.append("\(lineKey)=\(line)")
        lines.append("\(httpKey)=\(http)")
        try SecretFile.write(lines.joined(separator: "\n") + "\n", to: path)
    }

    /// The file's `KEY=value` pairs; empty when there is none. A file anyone else can read is refused.
    static func read(_ path: String) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        return try SecretFile.readAssignments(path)
    }
}
