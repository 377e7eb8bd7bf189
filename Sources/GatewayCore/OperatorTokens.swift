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

    /// The variable prefix of the line protocol's tokens: `SIKA_TOKEN_TMONEY`, `SIKA_TOKEN_FLOOZ`.
    public static let linePrefix = "SIKA_TOKEN_"
    /// The variable prefix of the aggregators' credentials for `POST /ussd`: `SIKA_AGGREGATOR_TOKEN_TMONEY`…
    public static let aggregatorPrefix = "SIKA_AGGREGATOR_TOKEN_"

    /// Reads `<prefix><OPERATOR>` (`SIKA_TOKEN_TMONEY`, `SIKA_TOKEN_FLOOZ` by default) for every operator of
    /// the catalog; an operator without one gets a random token when `generateMissing`, otherwise cannot log in.
    public static func load(
        environment: [String: String], catalog: OperatorCatalog, generateMissing: Bool, prefix: String = linePrefix
    ) -> OperatorTokens {
        var tokens: [String: String] = [:]
        var generated: Set<String> = []
        for op in catalog.operators {
            if let token = environment["\(prefix)\(op.id.uppercased())"], !token.isEmpty {
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
        return Self.constantTimeEqual(Array(expected.utf8), Array(token.utf8))
    }

    /// The one operator whose token this is, or nil. Every operator's token is compared, in constant time,
    /// so the answer time says nothing about which one came close; a token shared by two operators names neither.
    public func operatorID(presenting token: String) -> String? {
        var matches: [String] = []
        for (id, expected) in tokens.sorted(by: { $0.key < $1.key }) where Self.constantTimeEqual(Array(expected.utf8), Array(token.utf8)) {
            matches.append(id)
        }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Whether two byte strings are equal, in time that depends on their lengths only (every front's secrets are
    /// compared this way: tokens here, ESME passwords on SMPP).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
