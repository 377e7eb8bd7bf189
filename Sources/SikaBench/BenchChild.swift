import ArgumentParser
import ChildProcess
import Foundation

/// This executable started again as a child process (a bench's server half), talking over its standard
/// input and output: it prints `LISTENING <port>` when ready and ends when its standard input closes.
final class BenchChild {
    private let process = ChildProcess()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the child's `LISTENING <port>` line.
    func listeningPort() throws -> Int {
        let line = try line(startingWith: "LISTENING ")
        guard let port = Int(line.dropFirst("LISTENING ".count)) else { throw ValidationError("bad child line: \(line)") }
        return port
    }

    /// Closes the child's input, waits for its `VERIFIED <durability>` line and its exit.
    func finish() throws -> String {
        try input.fileHandleForWriting.close()
        let line = try line(startingWith: "VERIFIED ")
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("the server process exited with \(process.terminationStatus)") }
        return "ledger verified clean; durability (read back from the writer): \(line.dropFirst("VERIFIED ".count))"
    }

    private func line(startingWith prefix: String) throws -> String {
        while true {
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if line.hasPrefix(prefix) { return line }
            }
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else {
                process.waitUntilExit()
                throw ValidationError("the server process ended (status \(process.terminationStatus)) before printing \(prefix)")
            }
            buffer.append(contentsOf: data)
        }
    }
}
