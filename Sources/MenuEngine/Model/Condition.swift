/// A router condition: `subscriber.registered`, `!subscriber.registered`, `language == en`,
/// `choice != "2"`. A value is true when it is set, not empty, and neither `false` nor `0`.
struct Condition: Sendable, Hashable {
    enum Test: Sendable, Hashable {
        case truthy
        case falsy
        case equals(String)
        case notEquals(String)
    }

    var variable: String
    var test: Test

    /// Parses a condition; `nil` when it is not one of the forms above.
    init?(parsing source: String) {
        let text = source.trimmingSpaces
        for (symbol, make) in [("!=", Test.notEquals), ("==", Test.equals)] {
            if let range = text.range(of: symbol) {
                let variable = text[..<range.lowerBound].trimmingSpaces
                var value = text[range.upperBound...].trimmingSpaces
                if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first {
                    value = String(value.dropFirst().dropLast())
                }
                guard !variable.isEmpty, variable.allSatisfy(\.isIdentifierCharacter) else { return nil }
                self.variable = variable
                self.test = make(value)
                return
            }
        }
        var variable = text
        var test = Test.truthy
        if variable.hasPrefix("!") {
            variable = variable.dropFirst().trimmingSpaces
            test = .falsy
        } else if variable.hasPrefix("not ") {
            variable = variable.dropFirst(4).trimmingSpaces
            test = .falsy
        }
        guard !variable.isEmpty, variable.allSatisfy(\.isIdentifierCharacter) else { return nil }
        self.variable = variable
        self.test = test
    }

    /// Whether the condition holds for these variables.
    func holds(in variables: [String: String]) -> Bool {
        let value = variables[variable]
        switch test {
        case .truthy: return Self.isTruthy(value)
        case .falsy: return !Self.isTruthy(value)
        case .equals(let expected): return (value ?? "") == expected
        case .notEquals(let expected): return (value ?? "") != expected
        }
    }

    static func isTruthy(_ value: String?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return value != "false" && value != "0"
    }
}
