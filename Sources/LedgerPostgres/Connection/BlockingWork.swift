import Foundation

/// Runs blocking database work on a thread of its own and awaits it: opening a store, closing it, copying
/// tables. The Swift concurrency pool has as many threads as cores and must never block on the network.
public enum BlockingWork {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = "sika.pg.blocking"
            thread.start()
        }
    }
}
