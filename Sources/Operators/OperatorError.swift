/// Operator data that cannot be used: a file that does not read, or a catalog that contradicts itself.
///
/// The code is stable (`configuration`); the message names the file and the field.
public struct OperatorError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case configuration
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
