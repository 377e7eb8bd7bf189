import Foundation

/// Measures engine steps per second on a full journey with a fake host, for `sika-bench engine`.
///
/// A step is one engine call: `begin`, `step` or `resume`. The fake host answers every action
/// with `ok` and a plausible value for each variable the action `provides`, so only the engine
/// is measured: no I/O, no ledger.
public enum EngineBenchmark {
    /// One journey: who dials what, then each answer.
    public struct Journey: Sendable {
        /// The dial string.
        public var dial: String
        /// The caller.
        public var context: SubscriberContext
        /// The answers, in order.
        public var inputs: [String]

        /// A journey.
        public init(dial: String, context: SubscriberContext, inputs: [String]) {
            self.dial = dial
            self.context = context
            self.inputs = inputs
        }

        /// The T-Money on-net transfer of the shipped menus: main menu, send, number, amount,
        /// lookup, confirm, PIN, transfer, receipt screen.
        public static let tmoneyTransfer = Journey(
            dial: "*145#",
            context: SubscriberContext(msisdn: "22890112233", operatorID: "tmoney", registered: true, language: "fr", name: "Kofi Amegah"),
            inputs: ["1", "1", "90445566", "5000", "1", "2580"]
        )
    }

    /// What a run measured.
    public struct Result: Sendable, CustomStringConvertible {
        /// Journeys run.
        public var journeys: Int
        /// Engine calls made.
        public var steps: Int
        /// Wall time.
        public var seconds: Double

        /// Engine calls per second.
        public var stepsPerSecond: Double { seconds > 0 ? Double(steps) / seconds : 0 }

        public var description: String {
            let rate = Int(stepsPerSecond.rounded())
            return "\(journeys) journeys, \(steps) steps in \(String(format: "%.3f", seconds)) s: \(rate) steps/s"
        }
    }

    /// A problem with the journey itself (it does not end, or the engine refused a call).
    public struct JourneyError: Error, Sendable, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        public var description: String { message }
    }

    /// Runs `journey` `journeys` times on one thread and measures it.
    public static func run(menus: MenuSet, journey: Journey = .tmoneyTransfer, journeys: Int = 100_000) throws -> Result {
        let engine = MenuEngine(menus: menus)
        let host = FakeHost(catalog: menus.actions ?? ActionCatalog(actions: []))
        // One journey first, outside the clock, to check it really ends.
        _ = try runOnce(engine, host, journey)
        let clock = ContinuousClock()
        var steps = 0
        let elapsed = try clock.measure {
            for _ in 0..<journeys { steps += try runOnce(engine, host, journey) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(journeys: journeys, steps: steps, seconds: seconds)
    }

    /// One journey; returns the number of engine calls.
    static func runOnce(_ engine: MenuEngine, _ host: FakeHost, _ journey: Journey) throws -> Int {
        do {
            var steps = 1
            var result = try engine.begin(dial: journey.dial, context: journey.context)
            var inputs = journey.inputs[...]
            while true {
                if let call = result.actionCall {
                    result = try engine.resume(result.session, outcome: host.answer(call))
                } else if result.session.isEnded {
                    return steps
                } else if let input = inputs.popFirst() {
                    result = try engine.step(result.session, input: input)
                } else {
                    throw JourneyError(message: "the journey ran out of answers on screen '\(result.session.screen)'")
                }
                steps += 1
            }
        } catch let error as MenuError {
            throw JourneyError(message: "the engine refused a call: \(error)")
        }
    }

    /// Answers `ok` with sample values for everything an action provides.
    struct FakeHost: Sendable {
        let outcomes: [String: ActionOutcome]

        init(catalog: ActionCatalog) {
            var outcomes: [String: ActionOutcome] = [:]
            for action in catalog.actions.values {
                var values: [String: String] = [:]
                for name in action.provides { values[name] = Self.sample(name) }
                outcomes[action.name] = ActionOutcome("ok", values: values)
            }
            self.outcomes = outcomes
        }

        static func sample(_ name: String) -> String {
            if name.hasSuffix("name") { return "AMA M." }
            if name == "reference" { return "TM00000001" }
            if name == "statement" { return "-5 000 FCFA 90445566 TM00000001" }
            return "5000"
        }

        func answer(_ call: ActionCall) -> ActionOutcome {
            outcomes[call.name] ?? .error
        }
    }
}
