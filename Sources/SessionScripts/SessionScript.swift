/// One session script: phones dial and answer, the screens they must see, then the SMS each party
/// must have received and the balances.
///
/// ```yaml
/// script: Kofi sends 5 000 FCFA to Ama
/// sessions:
///   - from: "22890112233"
///     dial: "*145#"
///     steps:
///       - show: "1. Envoyer de l'argent"        # the screen after dialling (CON)
///       - answer: "1"
///         show: { contains: "Vers un numero T-Money" }
///       - answer: "2580"
///         end: { contains: ["5 000 FCFA", "Ref: TM"] }   # END expected
/// sms:
///   - to: "22890445566"
///     contains: "5 000 FCFA"
/// balances:
///   "22890112233": 44950
/// ```
/// A file may hold several scripts as YAML documents separated by `---`.
public struct SessionScript: Sendable {
    /// What a phone must show after a step: `show` (CON), `end` (END) or `screen` (either).
    public struct ScreenExpectation: Sendable, CustomStringConvertible {
        /// Whether the screen must be final (`end`), not final (`show`), or either (`nil`).
        public var isFinal: Bool?
        /// The expectation about its text.
        public var text: TextMatcher

        /// An expectation.
        public init(isFinal: Bool?, text: TextMatcher) {
            self.isFinal = isFinal
            self.text = text
        }

        public var description: String {
            let kind = isFinal.map { $0 ? "END" : "CON" } ?? "screen"
            return "\(kind) \(text)"
        }
    }

    /// One answer (or the dial itself, for a first step without `answer`) and what follows it.
    public struct Step: Sendable {
        /// The answer typed; `nil` for the screen shown right after dialling.
        public var answer: String?
        /// What must be shown; `nil` to only send the answer.
        public var expect: ScreenExpectation?
        /// Line in the script file.
        public var line: Int

        /// A step.
        public init(answer: String?, expect: ScreenExpectation?, line: Int) {
            self.answer = answer
            self.expect = expect
            self.line = line
        }
    }

    /// One phone session.
    public struct Conversation: Sendable {
        /// The calling number.
        public var from: String
        /// The USSD string dialled.
        public var dial: String
        /// The steps, in order.
        public var steps: [Step]
        /// Release the session after the last step (as a phone hanging up).
        public var abort: Bool
        /// Line in the script file.
        public var line: Int

        /// A conversation.
        public init(from: String, dial: String, steps: [Step], abort: Bool = false, line: Int) {
            self.from = from
            self.dial = dial
            self.steps = steps
            self.abort = abort
            self.line = line
        }
    }

    /// The SMS one number must have received.
    public struct SMSExpectation: Sendable {
        /// Whether the messages must arrive in the listed order, or in any order.
        public enum Order: String, Sendable {
            case sequence
            case any
        }

        /// The receiving number.
        public var to: String
        /// One matcher per expected message.
        public var messages: [TextMatcher]
        /// In order (each after the previous one, others may come between) or as a set.
        public var order: Order
        /// The exact number of SMS received, when given.
        public var count: Int?
        /// Line in the script file.
        public var line: Int

        /// An SMS expectation.
        public init(to: String, messages: [TextMatcher], order: Order = .sequence, count: Int? = nil, line: Int) {
            self.to = to
            self.messages = messages
            self.order = order
            self.count = count
            self.line = line
        }
    }

    /// A balance one number must have at the end; `nil` means no wallet.
    public struct BalanceExpectation: Sendable {
        /// The number.
        public var msisdn: String
        /// The balance, or `nil` for "no wallet".
        public var amount: Int64?
        /// Line in the script file.
        public var line: Int

        /// A balance expectation.
        public init(msisdn: String, amount: Int64?, line: Int) {
            self.msisdn = msisdn
            self.amount = amount
            self.line = line
        }
    }

    /// The script's name, as printed in results.
    public var name: String
    /// The file it comes from.
    public var file: String
    /// Line of its start.
    public var line: Int
    /// The sessions, run one after the other.
    public var conversations: [Conversation]
    /// SMS expectations, checked after the sessions.
    public var sms: [SMSExpectation]
    /// Balance expectations, checked after the sessions.
    public var balances: [BalanceExpectation]

    /// A script.
    public init(
        name: String, file: String, line: Int, conversations: [Conversation], sms: [SMSExpectation] = [],
        balances: [BalanceExpectation] = []
    ) {
        self.name = name
        self.file = file
        self.line = line
        self.conversations = conversations
        self.sms = sms
        self.balances = balances
    }
}
