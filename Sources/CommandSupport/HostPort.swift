import ArgumentParser

/// `HOST:PORT` from the command line.
public struct HostPort: Sendable {
    public let host: String
    public let port: Int

    public init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw ValidationError("expected HOST:PORT, got \(text)")
        }
        self.host = String(text[..<colon])
        self.port = port
    }
}
