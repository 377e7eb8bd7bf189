/// What a service does when a number that lost a session (a timeout, a network drop) dials it again
/// within the window: the menu file's top-level `resume:` block, compiled.
///
/// ```yaml
/// resume:
///   mode: ask            # off | ask | silent
///   window: 120s         # seconds after the drop; `120` or `120s`
///   text:
///     fr: "Reprendre l'operation en cours?\n1. Oui\n2. Non"
///     en: "Resume your last operation?\n1. Yes\n2. No"
/// ```
/// `ask` shows the text (1 resumes, 2 starts afresh), `silent` resumes at once, `off` never resumes.
/// A service without the block never resumes.
public struct ResumePolicy: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable, Codable {
        case off, ask, silent
    }

    /// The answer that resumes, and the one that starts afresh.
    public static let yes = "1"
    public static let no = "2"
    /// The longest window a menu may ask for: a session kept longer would outlive any USSD network's patience.
    public static let maxWindowSeconds = 3600

    public var mode: Mode
    /// How long after the drop the old session may be resumed.
    public var window: Duration
    /// The question, per language of the service (in the service's language order), GSM 03.38 only.
    public var prompt: [String: String]

    public init(mode: Mode, window: Duration, prompt: [String: String]) {
        self.mode = mode
        self.window = window
        self.prompt = prompt
    }

    /// Never resume.
    public static let off = ResumePolicy(mode: .off, window: .zero, prompt: [:])
}
