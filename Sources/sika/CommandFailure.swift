import ArgumentParser
import Foundation

/// A command that cannot do its job, in one sentence for the person who ran it.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }

    /// Ends the process for an error thrown while a command ran: `ExitCode` and ArgumentParser's own
    /// errors keep their meaning (a command that already printed its report; `--help`, which
    /// ArgumentParser answers from a command's `run()`), anything else is printed as one line on
    /// standard error, `error: …`, and the process exits 1.
    static func exit(_ error: any Error) -> Never {
        let fromArgumentParser = String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") && !(error is ValidationError)
        if error is ExitCode || fromArgumentParser { Sika.exit(withError: error) }
        // What the command printed so far comes first, whatever the buffering of a pipe.
        fflush(nil)
        FileHandle.standardError.write(Data(("error: " + line(error) + "\n").utf8))
        Foundation.exit(1)
    }

    /// The error as one line: multi-line descriptions (a list of diagnostics) are joined with "; ".
    static func line(_ error: any Error) -> String {
        let text: String =
            switch error {
            case let validation as ValidationError: validation.message
            case let failure as CommandFailure: failure.message
            default: String(describing: error)
            }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
