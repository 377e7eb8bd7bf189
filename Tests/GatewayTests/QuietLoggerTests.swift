import Logging
import TestSupport
import Testing

/// The README's `SIKA_TEST_LOG_LEVEL=debug swift test …`: the variable sets the level of every quiet logger the test
/// worlds log through, and a value that names no level leaves each at its own.
@Suite struct QuietLoggerTests {
    @Test func theVariableSetsTheLevelOfTheQuietLoggers() {
        #expect(Logger.quietLevel(.critical, environment: [:]) == .critical)
        #expect(Logger.quietLevel(.critical, environment: ["SIKA_TEST_LOG_LEVEL": "debug"]) == .debug)
        #expect(Logger.quietLevel(.warning, environment: ["SIKA_TEST_LOG_LEVEL": "loud"]) == .warning)
    }
}
