import ChildProcess
import Foundation

/// Which servers written by others the interop suites can run against. Locally a missing peer skips its suite
/// with a message naming the command that installs it; CI sets `SIKA_REQUIRE_TEST_PEERS=1`, so there a missing
/// peer runs the suite anyway and fails, saying what is missing, instead of passing silently.
public enum TestPeers {
    public static let required = ProcessInfo.processInfo.environment["SIKA_REQUIRE_TEST_PEERS"] == "1"

    /// Whether `python3` can import every module named.
    public static func python(imports modules: [String]) -> Bool {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import " + modules.joined(separator: ", ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        } catch {
            return false
        }
    }
}
