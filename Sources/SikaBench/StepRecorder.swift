import Foundation
import Histogram
import Synchronization

/// Collects the open-loop bench's step latencies (HDR histogram, microseconds) for steps sent inside the
/// measured window, and samples the server process while the window is open.
final class StepRecorder: Sendable {
    struct State {
        var histogram = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
        /// The same latencies by the step's place in the journey (0 is the dial, 6 the PIN that moves money).
        var byStep = (0..<7).map { _ in Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three) }
        var steps = 0
        var failures = 0
        var open = 0
        var peakOpen = 0
        var peakRSS = 0.0
        var cpuSeconds = 0.0
        /// CPU seconds of this process (the load generator) in the window: what it took from the server's cores.
        var generatorCPUSeconds = 0.0
    }

    let window: Range<ContinuousClock.Instant>
    private let state = Mutex(State())

    init(window: Range<ContinuousClock.Instant>) { self.window = window }

    func record(sent: ContinuousClock.Instant, answered: ContinuousClock.Instant, step: Int) {
        guard window.contains(sent) else { return }
        let micros = UInt64(max(1, (answered - sent).microseconds))
        state.withLock {
            _ = $0.histogram.record(micros)
            if $0.byStep.indices.contains(step) { _ = $0.byStep[step].record(micros) }
            $0.steps += 1
        }
    }

    func failed() { state.withLock { $0.failures += 1 } }
    func opened() { state.withLock { ($0.open, $0.peakOpen) = ($0.open + 1, max($0.peakOpen, $0.open + 1)) } }
    func closed() { state.withLock { $0.open -= 1 } }

    /// Reads the server's and this process's CPU time at both ends of the window and its resident memory every 250 ms within it.
    func monitor(_ probe: ProcessProbe) async throws {
        try await Task.sleep(until: window.lowerBound, clock: .continuous)
        let cpuAtStart = probe.cpuSeconds() ?? 0
        let generatorAtStart = ProcessProbe.ownCPUSeconds()
        while ContinuousClock.now < window.upperBound {
            let rss = probe.residentMiB() ?? 0
            state.withLock { $0.peakRSS = max($0.peakRSS, rss) }
            try await Task.sleep(for: .milliseconds(250))
        }
        let cpu = (probe.cpuSeconds() ?? 0) - cpuAtStart
        let generator = ProcessProbe.ownCPUSeconds() - generatorAtStart
        state.withLock { ($0.cpuSeconds, $0.generatorCPUSeconds) = (cpu, generator) }
    }

    func snapshot() -> State { state.withLock { $0 } }
}

extension Duration {
    var microseconds: Double { Double(components.seconds) * 1_000_000 + Double(components.attoseconds) / 1e12 }
}
