import ArgumentParser
import CommandSupport
import Foundation

extension CommandFailure {
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

}
