import Foundation
import Logging
import Synchronization

/// Collects every log line written through the loggers and handlers it makes, so a test can prove that
/// a PIN, a token or a card number never reaches a log.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// Every line so far, one per entry.
    public var text: String { lines.withLock { $0.joined(separator: "\n") } }
    public var entries: [String] { lines.withLock { $0 } }

    public func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A handler writing here, at every level.
    public func handler(label: String = "test") -> any LogHandler { CapturingLogHandler(label: label, capture: self) }

    /// A logger writing here, at every level.
    public func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

/// A log handler that appends `level label message metadata` lines to a ``LogCapture``.
public struct CapturingLogHandler: LogHandler {
    public let label: String
    let capture: LogCapture
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(label: String, capture: LogCapture) {
        self.label = label
        self.capture = capture
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(label) \(event.message) \(merged)")
    }
}

extension Logger {
    /// A logger that drops everything below `level`: how tests stay quiet unless they fail. `SIKA_TEST_LOG_LEVEL`
    /// (`trace` … `critical`) replaces `level` for every such logger, to watch a failing test's servers talk.
    public static func quiet(_ label: String = "test", level: Logger.Level = .critical) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = quietLevel(level, environment: ProcessInfo.processInfo.environment)
        return logger
    }

    /// The level of a quiet logger asked for `level`: `SIKA_TEST_LOG_LEVEL` when it names one, else `level`.
    public static func quietLevel(_ level: Logger.Level, environment: [String: String]) -> Logger.Level {
        environment["SIKA_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? level
    }
}
