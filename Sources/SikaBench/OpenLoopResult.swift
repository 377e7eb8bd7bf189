import Foundation

/// What one open-loop run measured, formatted as a row of the sweep's table.
struct OpenLoopResult {
    let offered: Double
    /// Seconds of the measured (steady-state) window.
    let window: Double
    let steady: StepRecorder.State
    let idleRSS: Double
    let held: Int
    let heldRSS: Double
    let verified: String

    var achieved: Double { Double(steady.steps) / window }
    func percentile(_ p: Double) -> Double { Double(steady.histogram.valueAtPercentile(p)) / 1000 }
    var p99: Double { percentile(99) }
    var cpuPerThousand: Double { perThousandSteps(steady.cpuSeconds) }
    var generatorCPUPerThousand: Double { perThousandSteps(steady.generatorCPUSeconds) }
    /// CPU seconds spread over the window's steps, per 1 000 of them (0 for a window without a step).
    private func perThousandSteps(_ seconds: Double) -> Double { steady.steps == 0 ? 0 : seconds / (Double(steady.steps) / 1000) }

    var header: String {
        "offered/s  achieved/s     p50 ms    p99 ms  p99.9 ms    max ms  open sessions  server CPU s/1000 steps  server RSS MiB  failed  bench CPU s/1000 steps"
    }
    var row: String {
        String(
            format: "%9.0f  %10.0f  %9.2f %9.2f %9.2f %9.2f  %13d  %23.3f  %14.0f  %6d  %22.3f",
            offered, achieved, percentile(50), p99, percentile(99.9), Double(steady.histogram.max) / 1000,
            steady.peakOpen, cpuPerThousand, steady.peakRSS, steady.failures, generatorCPUPerThousand)
    }
    /// p99 of each step of the journey: which screen the tail belongs to (the PIN step is the ledger's commit).
    var byStep: String {
        let names = ["dial", "menu", "on-net", "number", "amount", "confirm", "PIN"]
        let parts = zip(names, steady.byStep).map { String(format: "%@ %.2f", $0.0, Double($0.1.valueAtPercentile(99)) / 1000) }
        return "p99 ms by step: " + parts.joined(separator: ", ")
    }
    var memory: String {
        let perSession = held == 0 ? 0 : (heldRSS - idleRSS) * 1024 / Double(held)
        return String(
            format: "server RSS (fresh server, before the load): %.0f MiB idle, %.0f MiB with %d open idle sessions (%.2f kB each)", idleRSS, heldRSS,
            held, perSession)
    }
}
