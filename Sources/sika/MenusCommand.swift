import ArgumentParser
import Foundation
import MenuEngine
import MobileMoney
import SikaResources

/// `sika menus …`: tools for menu authors.
struct Menus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "menus",
        abstract: "Check the declarative USSD menus.",
        subcommands: [Lint.self]
    )

    /// `sika menus lint [dir]`.
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report every mistake in a menus directory, with file and line.",
            discussion: """
                Loads every YAML file of the directory (the shared menu each operator runs, actions.yaml, \
                operators.yaml, the SMS notices of receipts.yaml, checked against the notices sika sends) and \
                prints one line per finding as `file:line: error|warning: message`, then a summary. \
                Exits non-zero when any error is found; warnings alone do not fail.
                """
        )

        @Argument(help: "The menus directory (default: menus/ of $SIKA_HOME, else the menus built into sika).", completion: .directory)
        var directory: String?

        @Flag(name: .long, help: "Treat warnings as errors.")
        var strict = false

        func validate() throws {
            var isDirectory: ObjCBool = false
            guard let directory else { return }
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("'\(directory)' is not a directory")
            }
        }

        func run() async throws {
            let url = directory.map { URL(filePath: $0, directoryHint: .isDirectory) } ?? SikaHome().menus
            let report = MenuLinter(notices: Receipts.requirements).lint(directory: url)
            for diagnostic in report.diagnostics {
                // Diagnostics name files inside the directory; show them as the user typed the directory.
                let file =
                    diagnostic.location.file.hasPrefix("/")
                    ? diagnostic.location.file : url.appending(path: diagnostic.location.file).relativePath
                print("\(file):\(diagnostic.location.line): \(diagnostic.severity.rawValue): \(diagnostic.message)")
            }
            print(report.summary)
            if report.hasErrors || (strict && !report.warnings.isEmpty) {
                throw ExitCode.failure
            }
        }
    }
}
