import Foundation
import Ledger
import Operators

/// The secret each operator's gateway presents in `HELLO <operator> <token>`.
public struct OperatorTokens: Sendable {
    /// Operator id → token.
    public let tokens: [String: String]
    /// Which tokens were made up at start (none configured): `sika serve --demo` prints those.
    public let generated: Set<String>

    public init(tokens: [String: String], generated: Set<String> = []) {
        self.tokens = tokens
        self.generated = generated
    }

    /// Reads `SIKA_TOKEN_<OPERATOR>` (`SIKA_TOKEN_TMONEY`, `SIKA_TOKEN_FLOOZ`) for every operator of the
    /// catalog; an operator without one gets a random token when `generateMissing`, otherwise cannot log in.
    public static func load(environment: [String: String], catalog: OperatorCatalog, generateMissing: Bool) -> OperatorTokens {
        var tokens: [String: String] = [:]
        var generated: Set<String> = []
        for op in catalog.operators {
            if let token = environment["SIKA_TOKEN_\(op.id.uppercased())"], !token.isEmpty {
                tokens[op.id] = token
            } else if generateMissing {
                tokens[op.id] = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
                generated.insert(op.id)
            }
        }
        return OperatorTokens(tokens: tokens, generated: generated)
    }

    /// Whether `token` is `operatorID`'s, compared in constant time so a wrong guess reveals nothing of the right one.
    public func accepts(operatorID: String, token: String) -> Bool {
        guard let expected = tokens[operatorID] else { return false }
        let a = Array(expected.utf8)
        let b = Array(token.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
