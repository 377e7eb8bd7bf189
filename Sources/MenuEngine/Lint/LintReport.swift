/// What ``MenuLinter`` found in a menus directory.
public struct LintReport: Sendable, Hashable {
    /// Every finding, sorted by file and line.
    public var diagnostics: [Diagnostic]
    /// How many files were read.
    public var fileCount: Int

    /// A report.
    public init(diagnostics: [Diagnostic], fileCount: Int) {
        self.diagnostics = diagnostics.sorted {
            ($0.location.file, $0.location.line, $0.message) < ($1.location.file, $1.location.line, $1.message)
        }
        self.fileCount = fileCount
    }

    /// The errors (they fail the lint).
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    /// The warnings.
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    /// Whether any error was found.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// `N file(s): E error(s), W warning(s)`.
    public var summary: String {
        "\(fileCount) file(s): \(errors.count) error(s), \(warnings.count) warning(s)"
    }
}
