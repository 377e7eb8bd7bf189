/// One finding of the loader or the linter about a menu file.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How bad a finding is. Errors fail `sika menus lint` and refuse to load; warnings do neither.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    /// Stable identifiers of each kind of finding, for tests and tooling.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case syntax = "syntax"
        case structure = "structure"
        case danglingReference = "dangling-reference"
        case unreachableScreen = "unreachable-screen"
        case unknownAction = "unknown-action"
        case unknownArgument = "unknown-argument"
        case missingArgument = "missing-argument"
        case unknownOutcome = "unknown-outcome"
        case unroutedOutcome = "unrouted-outcome"
        case unknownValidator = "unknown-validator"
        case missingTranslation = "missing-translation"
        case unknownText = "unknown-text"
        case template = "template"
        case unsetVariable = "unset-variable"
        case secretShown = "secret-shown"
        case nonGSMCharacter = "non-gsm-character"
        case screenTooLong = "screen-too-long"
        case limitsMismatch = "limits-mismatch"
        case duplicateService = "duplicate-service"
        /// A shared menu's `{{operator.KEY}}` or `{{peer.KEY}}` that operators.yaml does not supply.
        case unknownValue = "unknown-value"
        /// A notice or phrase the host never sends.
        case unknownNotice = "unknown-notice"
        /// A notice or phrase the host sends that the notices file lacks.
        case missingNotice = "missing-notice"
        /// A notice text using a variable its entry does not declare, or declaring one the host does not pass.
        case unknownVariable = "unknown-variable"
        /// A notice without a text for a channel the host sends it by (an e-mail notice with no `email:`).
        case missingChannel = "missing-channel"
        /// An e-mail subject whose literal text holds a line break or another control character.
        case headerText = "header-text"
    }

    /// Error or warning.
    public var severity: Severity
    /// What kind of mistake this is.
    public var kind: Kind
    /// Where it is.
    public var location: SourceLocation
    /// One sentence for the menu author.
    public var message: String

    /// A finding.
    public init(_ severity: Severity, _ kind: Kind, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.kind = kind
        self.location = location
        self.message = message
    }

    /// `file:line: error: message`, the format editors and CI annotate.
    public var description: String { "\(location.file):\(location.line): \(severity.rawValue): \(message)" }
}
