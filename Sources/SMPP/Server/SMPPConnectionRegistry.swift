import NIOCore
import Synchronization

/// The live connections of one server, so shutdown can unbind them all.
final class SMPPConnectionRegistry: Sendable {
    private let handlers = Mutex<[UInt64: NIOLoopBound<SMPPServerHandler>]>([:])
    private let nextID = Atomic<UInt64>(1)
    /// PDU-sized pieces read from every connection so far, broken ones included.
    let received = Atomic<Int>(0)

    func makeConnectionID() -> UInt64 { nextID.wrappingAdd(1, ordering: .relaxed).oldValue }

    func add(_ id: UInt64, handler: NIOLoopBound<SMPPServerHandler>) {
        handlers.withLock { $0[id] = handler }
    }

    func remove(_ id: UInt64) {
        _ = handlers.withLock { $0.removeValue(forKey: id) }
    }

    var all: [NIOLoopBound<SMPPServerHandler>] { handlers.withLock { Array($0.values) } }

    var count: Int { handlers.withLock { $0.count } }
}
