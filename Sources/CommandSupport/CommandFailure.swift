import ArgumentParser
import Foundation

/// A command that cannot do its job, in one sentence for the person who ran it.
public struct CommandFailure: Error, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// The error as one line: multi-line descriptions (a list of diagnostics) are joined with "; ".
    public static func line(_ error: any Error) -> String {
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
