/// A USSD string as dialled: `*145#`, or `*145*1*96112233*5000#` with answers given in advance.
public struct DialString: Sendable, Hashable {
    /// The service code alone, `*145#`.
    public var code: String
    /// The answers after the code, in order (`["1", "96112233", "5000"]`).
    public var answers: [String]

    /// Parses a dial string; throws ``MenuError/Code/invalidDialString`` when it is not one.
    public init(parsing dial: String) throws(MenuError) {
        var text = Substring(dial)
        while text.last == " " { text.removeLast() }
        while text.first == " " { text.removeFirst() }
        guard text.count >= 3, text.first == "*", text.last == "#" else {
            throw MenuError(.invalidDialString, "'\(dial)' is not a USSD string like *145#")
        }
        let parts = text.dropFirst().dropLast().split(separator: "*", omittingEmptySubsequences: false)
        guard let service = parts.first, service.allDigits else {
            throw MenuError(.invalidDialString, "'\(dial)' does not start with a service code")
        }
        // Answers are what a phone keypad can type between stars.
        let answers = parts.dropFirst().map(String.init)
        guard answers.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "+") } }) else {
            throw MenuError(.invalidDialString, "'\(dial)' has an empty or non-numeric answer")
        }
        code = "*" + service + "#"
        self.answers = answers
    }

    /// The one spelling of this dial string: no surrounding spaces, `*145#` or `*145*1*96112233*5000#`.
    ///
    /// Every front checks and forwards this form, so that a check on the text (whose service code is it?)
    /// and the engine (which trims what it reads) can never see two different strings.
    public var normalized: String {
        answers.isEmpty ? code : "\(code.dropLast())*\(answers.joined(separator: "*"))#"
    }

    /// `dial` in its ``normalized`` spelling; throws ``MenuError/Code/invalidDialString`` when the engine would refuse it.
    public static func normalize(_ dial: String) throws(MenuError) -> String {
        try DialString(parsing: dial).normalized
    }
}
