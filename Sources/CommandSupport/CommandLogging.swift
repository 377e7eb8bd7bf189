import Foundation
import Logging
import Synchronization

/// Sets up swift-log once per process: to standard error, at `$SIKA_LOG_LEVEL` or the command's default.
public enum CommandLogging {
    private static let once: Void = {
        let level = ProcessInfo.processInfo.environment["SIKA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level ?? CommandLogging.defaultLevel.withLock { $0 }
            return handler
        }
    }()

    private static let defaultLevel = Mutex<Logger.Level>(.info)

    /// Installs the handler; the first caller's default level wins.
    public static func bootstrap(defaultLevel level: Logger.Level) {
        defaultLevel.withLock { $0 = level }
        _ = once
    }
}
