import Foundation

/// Which faults a provider simulator injects, how often, and from which seed.
///
/// Each decision is a function of the seed, the endpoint, the idempotency key and how many times that
/// key was seen, never of arrival order, so a run with the same seed and the same requests meets the
/// same faults however its calls interleave. Written on the command line as
/// `seed=7,latency=5ms,jitter=20ms,5xx=0.05,timeout=0.02,reset=0.02,lost=0.02,duplicate=0.05,outage=200-260,hang=3s,hold=22899001122`
/// (durations are milliseconds, or seconds with `s`; `ms` may be written).
public struct FaultPlan: Sendable, Hashable {
    public var seed: UInt64 = 1
    /// Added to every answer, in milliseconds, plus up to `jitterMs` more.
    public var latencyMs = 0
    public var jitterMs = 0
    /// Probabilities, per request, of: a 503 without processing; a hang of `hangMs` before processing
    /// (the caller times out, the credit lands later); a dropped connection without processing; a dropped
    /// connection after the credit committed (the answer is lost).
    public var serverError = 0.0
    public var timeout = 0.0
    public var reset = 0.0
    public var lostResponse = 0.0
    /// Probability that a mutating request is processed twice, as if the network duplicated it.
    public var duplicate = 0.0
    /// Requests (numbered from 0 in arrival order) answered 503 without processing: an outage window.
    public var outage: Range<Int>?
    public var hangMs = 3000
    /// Recipients whose credits are never answered nor processed: a deterministic "en cours" for scripts and demos.
    public var hold: Set<String> = []

    public init() {}

    /// No fault at all.
    public static let none = FaultPlan()

    /// Every fault type at once, for chaos runs.
    public static func chaos(seed: UInt64) -> FaultPlan {
        var plan = FaultPlan()
        plan.seed = seed
        plan.jitterMs = 2
        plan.serverError = 0.05
        plan.timeout = 0.02
        plan.reset = 0.03
        plan.lostResponse = 0.03
        plan.duplicate = 0.05
        plan.hangMs = 400
        return plan
    }

    /// Parses `key=value` pairs separated by commas (see the type's documentation); empty is `none`.
    public static func parse(_ text: String) throws(FaultPlanError) -> FaultPlan {
        var plan = FaultPlan()
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw FaultPlanError("'\(item)' is not key=value") }
            let (key, value) = (parts[0], parts[1])
            switch key {
            case "seed": plan.seed = try integer(key, value).magnitude
            case "latency": plan.latencyMs = try milliseconds(key, value)
            case "jitter": plan.jitterMs = try milliseconds(key, value)
            case "hang": plan.hangMs = try milliseconds(key, value)
            case "5xx": plan.serverError = try probability(key, value)
            // The old name: refused with the one spelling the documentation uses, rather than kept as a second one.
            case "error": throw FaultPlanError("the server-error probability is spelled 5xx, e.g. 5xx=\(value)")
            case "timeout": plan.timeout = try probability(key, value)
            case "reset": plan.reset = try probability(key, value)
            case "lost": plan.lostResponse = try probability(key, value)
            case "duplicate": plan.duplicate = try probability(key, value)
            case "outage":
                let bounds = value.split(separator: "-").compactMap { Int($0) }
                guard bounds.count == 2, bounds[0] >= 0, bounds[0] < bounds[1] else {
                    throw FaultPlanError("outage must be FIRST-LAST, e.g. 200-260")
                }
                plan.outage = bounds[0]..<bounds[1]
            case "hold": plan.hold = Set(value.split(separator: "+").map(String.init))
            default: throw FaultPlanError("unknown fault '\(key)'")
            }
        }
        guard plan.serverError + plan.timeout + plan.reset + plan.lostResponse <= 1 else {
            throw FaultPlanError("5xx + timeout + reset + lost must not exceed 1")
        }
        return plan
    }

    private static func integer(_ key: String, _ value: String) throws(FaultPlanError) -> Int64 {
        guard let number = Int64(value), number >= 0 else { throw FaultPlanError("\(key) must be a whole number >= 0") }
        return number
    }

    /// A duration: `50` or `50ms` (milliseconds), `2s` or `0.5s` (seconds).
    private static func milliseconds(_ key: String, _ value: String) throws(FaultPlanError) -> Int {
        let invalid = FaultPlanError("\(key) must be a duration such as 50, 50ms or 2s, not '\(value)'")
        if value.hasSuffix("ms") {
            guard let number = Int(value.dropLast(2)), number >= 0 else { throw invalid }
            return number
        }
        if value.hasSuffix("s") {
            guard let seconds = Double(value.dropLast()), seconds >= 0, seconds <= 86_400, seconds.isFinite else { throw invalid }
            return Int((seconds * 1000).rounded())
        }
        guard let number = Int(value), number >= 0 else { throw invalid }
        return number
    }

    private static func probability(_ key: String, _ value: String) throws(FaultPlanError) -> Double {
        guard let number = Double(value), (0...1).contains(number) else { throw FaultPlanError("\(key) must be a probability in 0...1") }
        return number
    }
}

/// A `--faults` value that does not parse.
public struct FaultPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "invalid faults: \(message)" }
}
