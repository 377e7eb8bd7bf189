import ChildProcess
import Foundation

/// A Python fixture from `Tests/SMTPInterop` run as a subprocess: it prints one line `READY …` when it serves, and
/// ends when its standard input closes (so it never outlives the test process).
public final class FixtureProcess {
    /// The words after READY.
    public let ready: [String]
    private let process: ChildProcess
    private let input: Pipe

    public static func script(_ name: String) -> String { Repository.url("Tests/SMTPInterop/\(name)").path }

    public init(script: String, arguments: [String], hint: String) async throws {
        process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script(script)] + arguments
        input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let reader = output.fileHandleForReading
        // A fixture that neither serves nor exits within 120 s (a failure bound) is ended, which ends the read.
        let started = process
        let watchdog = Task.detached {
            guard (try? await Task.sleep(for: .seconds(120))) != nil else { return }
            started.terminate()
        }
        defer { watchdog.cancel() }
        // Blocking reads happen on a thread of their own, not on the cooperative pool. The fixture exiting ends the
        // read (EOF).
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = reader.readData(ofLength: 1)
                    if chunk.isEmpty || chunk.first == UInt8(ascii: "\n") { break }
                    bytes += chunk
                }
                continuation.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }
        }
        let words = line?.split(separator: " ").map(String.init) ?? []
        guard words.first == "READY" else {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw FixtureError("\(script) did not start (\(hint)): \(line ?? "no output") \(stderr)")
        }
        ready = Array(words.dropFirst())
    }

    /// Closing its standard input ends the fixture; waits for it to exit.
    public func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
