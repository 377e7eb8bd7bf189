import Foundation
import TestSupport

/// Which SMPP peers written by others the interop suites can run against. Locally a missing one skips its suite with
/// the command that installs it; CI sets `SIKA_REQUIRE_TEST_PEERS=1`, so there a missing peer runs the suite anyway
/// and fails, saying what is missing.
enum InteropPeers {
    static let required = ProcessInfo.processInfo.environment["SIKA_REQUIRE_TEST_PEERS"] == "1"

    /// smpplib and aiosmpplib importable by `python3`.
    static let pythonESMEs: Bool = required || run("/usr/bin/env", ["python3", "-c", "import smpplib, aiosmpplib"]).status == 0

    /// Debian's kannel: bearerbox and smsbox.
    static let kannel: Bool = required || ["/usr/sbin/bearerbox", "/usr/sbin/smsbox"].allSatisfy(FileManager.default.isExecutableFile(atPath:))

    /// Runs a command to its end; its exit status and what it wrote on standard output and error.
    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
        do {
            let finished = try FinishedProcess.runNow(URL(fileURLWithPath: executable), arguments, mergingErrors: true)
            return (finished.status, finished.out)
        } catch {
            return (-1, "\(error)")
        }
    }

    /// The repository's root, from this file's place in it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
