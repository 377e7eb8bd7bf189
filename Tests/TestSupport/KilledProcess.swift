import ChildProcess
import Foundation

/// A child process killed with SIGKILL in the middle of its work, once it had reported enough of it: what the
/// crash tests do to the torture child before they check that nothing it reported was lost.
public struct KilledProcess: Sendable {
    /// The lines of its standard output that were reports, in order.
    public let reports: [String]
    /// Whether the SIGKILL ended it (false: it had ended on its own first).
    public let killed: Bool

    /// Runs `process` (set up by the caller), reads its standard output line by line, and kills it once `count`
    /// lines were reports (`isReport`), its output ended, or `deadline` passed. The reading runs on a thread of its
    /// own (``offThePool(_:)``): it lasts as long as the child does.
    public static func run(
        _ process: ChildProcess, afterReports count: Int, deadline: Duration = .seconds(120), isReport: @escaping @Sendable (String) -> Bool
    ) async throws -> KilledProcess {
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        return try await offThePool {
            var reports: [String] = []
            var buffer = Data()
            let end = ContinuousClock.now + deadline
            while reports.count < count && ContinuousClock.now < end {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    if isReport(line) { reports.append(line) }
                }
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return KilledProcess(reports: reports, killed: process.terminationReason == .uncaughtSignal)
        }
    }
}
