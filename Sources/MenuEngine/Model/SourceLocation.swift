/// A place in a menu file, for diagnostics: `menus/wallet.yaml:42`.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file as it was given to the loader (usually its name inside the menus directory).
    public var file: String
    /// 1-based line; 0 when unknown.
    public var line: Int
    /// 1-based column; 0 when unknown.
    public var column: Int

    /// A location in `file`.
    public init(file: String, line: Int, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line`.
    public var description: String { "\(file):\(line)" }
}
