/// The first difference between a script and what the target did.
public struct ScriptFailure: Sendable, Hashable, CustomStringConvertible {
    /// Where: `session 1 (22890112233 *145#), step 3 (answer "1")`, or `sms to 22890445566`.
    public var place: String
    /// 1-based session number; 0 for the checks after the sessions.
    public var session: Int
    /// 1-based step number within the session; 0 for the checks after the sessions.
    public var step: Int
    /// Line in the script file.
    public var line: Int
    /// What the script expected.
    public var expected: String
    /// What happened.
    public var actual: String

    /// A failure.
    public init(place: String, session: Int, step: Int, line: Int, expected: String, actual: String) {
        self.place = place
        self.session = session
        self.step = step
        self.line = line
        self.expected = expected
        self.actual = actual
    }

    public var description: String { "\(place): expected \(expected), got \(actual)" }
}

/// Pass or fail for one script.
public struct ScriptResult: Sendable, Hashable, CustomStringConvertible {
    /// The script's name.
    public var name: String
    /// The file it comes from.
    public var file: String
    /// The first difference, or `nil` when the script passed.
    public var failure: ScriptFailure?

    /// A result.
    public init(name: String, file: String, failure: ScriptFailure?) {
        self.name = name
        self.file = file
        self.failure = failure
    }

    /// Whether the script passed.
    public var passed: Bool { failure == nil }

    /// One line: `PASS file: name` or `FAIL file:line: name: place: expected …, got …`.
    public var description: String {
        guard let failure else { return "PASS \(file): \(name)" }
        return "FAIL \(file):\(failure.line): \(name): \(failure)"
    }
}
