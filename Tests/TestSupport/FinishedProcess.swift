import ChildProcess
import Dispatch
import Foundation
import Synchronization

/// A child process run to its end: its exit status and what it wrote.
///
/// The one way the tests run a command and wait for it (the `sika` binary, a shell line of the docs, a
/// script that starts PostgreSQL, a Python probe). Both pipes are read together: a child that fills one
/// (64 KiB) while the other is read to its end would block forever, and so would the test.
public struct FinishedProcess: Sendable {
    public let status: Int32
    /// Standard output; with `mergingErrors`, standard error too, as the child interleaved them.
    public let out: String
    /// Standard error; empty with `mergingErrors`.
    public let err: String

    /// Runs `executable` with `arguments` to its end, from `directory` if given, with `environment` if given
    /// (else this process's), on a thread of its own (``offThePool(_:)``): a child can take many seconds, and
    /// the cooperative pool has as many threads as there are cores.
    public static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil, mergingErrors: Bool = false
    ) async throws -> FinishedProcess {
        try await run(process(executable, arguments, in: directory, environment: environment), mergingErrors: mergingErrors)
    }

    /// Runs `process`, set up by the caller (executable, arguments, directory, environment), the same way.
    public static func run(_ process: ChildProcess, mergingErrors: Bool = false) async throws -> FinishedProcess {
        try await offThePool { try runNow(process, mergingErrors: mergingErrors) }
    }

    /// The same, blocking the calling thread: for code that is on a thread of its own or not async.
    public static func runNow(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil, mergingErrors: Bool = false
    ) throws -> FinishedProcess {
        try runNow(process(executable, arguments, in: directory, environment: environment), mergingErrors: mergingErrors)
    }

    /// Runs `process` to its end, blocking the calling thread.
    public static func runNow(_ process: ChildProcess, mergingErrors: Bool = false) throws -> FinishedProcess {
        let out = Pipe()
        let err = mergingErrors ? out : Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errors = Mutex("")
        let errorsRead = DispatchSemaphore(value: 0)
        if mergingErrors {
            errorsRead.signal()
        } else {
            DispatchQueue.global().async {
                let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                errors.withLock { $0 = text }
                errorsRead.signal()
            }
        }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        errorsRead.wait()
        process.waitUntilExit()
        return FinishedProcess(status: process.terminationStatus, out: output, err: errors.withLock { $0 })
    }

    private static func process(_ executable: URL, _ arguments: [String], in directory: URL?, environment: [String: String]?) -> ChildProcess {
        let process = ChildProcess()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        return process
    }
}
