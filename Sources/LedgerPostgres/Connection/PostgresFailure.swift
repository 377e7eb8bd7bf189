import NIOCore
import NIOSSL
import PostgresNIO

/// What went wrong with a statement, in the terms the stores act on: the server's SQLSTATE, and whether
/// the connection itself is gone (then nothing more can be sent on it, and a transaction on it is over).
///
/// postgres-nio reports a refusal as `PSQLError` (async and `PostgresQuery` paths) or `PostgresError`
/// (its prepared-query path); a lost connection as either of those or as a NIO error.
public enum PostgresFailure {
    /// SQLSTATEs the stores act on.
    public enum State {
        public static let uniqueViolation = "23505"
        public static let checkViolation = "23514"
        public static let serializationFailure = "40001"
        public static let deadlockDetected = "40P01"
        public static let lockNotAvailable = "55P03"
        public static let inFailedTransaction = "25P02"
        public static let queryCanceled = "57014"
    }

    /// The server's SQLSTATE for a refused statement, nil for anything else.
    public static func sqlState(_ error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] }
        if let error = error as? PostgresError, case .server(let message) = error { return message.fields[.sqlState] }
        return nil
    }

    /// The server's message for a refused statement (never the statement's values).
    public static func serverMessage(_ error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.message] }
        if let error = error as? PostgresError, case .server(let message) = error { return message.fields[.message] }
        return nil
    }

    /// The name of the constraint a refused statement broke, when the server says.
    public static func constraint(_ error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.constraintName] }
        if let error = error as? PostgresError, case .server(let message) = error { return message.fields[.constraintName] }
        return nil
    }

    /// Whether the connection is gone: the server closed it, shut down, or the socket failed.
    public static func isConnectionLost(_ error: any Error) -> Bool {
        if let state = sqlState(error) {
            // 08: connection exceptions; 57P01-57P03: administrator or crash shutdown, cannot connect now.
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        }
        if let error = error as? PostgresError {
            if case .server = error { return false }
            return true
        }
        if let error = error as? PSQLError {
            return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown].contains(error.code)
        }
        return error is ChannelError || error is IOError || error is NIOSSLError || error is PostgresStoreError
    }

    /// One line for logs and errors: the SQLSTATE and the server's message, or the error's kind.
    public static func summary(_ error: any Error) -> String {
        if let store = error as? PostgresStoreError { return store.message }
        if let state = sqlState(error) { return "\(serverMessage(error) ?? "refused") (SQLSTATE \(state))" }
        if isConnectionLost(error) { return "connection lost (\(type(of: error)))" }
        return "\(type(of: error))"
    }
}
