#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's file descriptors and how many of them the listeners may spend on connections.
///
/// Every connection is a descriptor, and so is every database file, log, pipe and outgoing HTTP connection.
/// When a process runs out, whatever opens a file next fails — and some runtime paths treat that as fatal.
/// So the listeners' caps are chosen below the limit, keeping `reserve` descriptors for everything else.
public struct FileDescriptorBudget: Sendable, Equatable {
    /// Descriptors kept for the database, logs and outgoing connections by default.
    public static let defaultReserve = 256

    /// The soft limit (`RLIMIT_NOFILE`), after raising it if it was raised.
    public let limit: Int
    /// The hard limit: how far the soft limit could be raised.
    public let hardLimit: Int
    /// The soft limit the process started with.
    public let initialLimit: Int
    public let reserve: Int

    public init(limit: Int, hardLimit: Int, initialLimit: Int? = nil, reserve: Int = Self.defaultReserve) {
        self.limit = limit
        self.hardLimit = hardLimit
        self.initialLimit = initialLimit ?? limit
        self.reserve = reserve
    }

    /// Descriptors left for connections.
    public var forConnections: Int { max(2, limit - reserve) }

    /// Default caps: the descriptors for connections split between the line listener and HTTP.
    public var line: ConnectionLimits { .sharing(forConnections / 2) }
    public var http: ConnectionLimits { .sharing(forConnections - forConnections / 2) }

    /// The limits as they are now, without changing them.
    public static func current(reserve: Int = Self.defaultReserve) -> FileDescriptorBudget {
        let (soft, hard) = Self.read()
        return FileDescriptorBudget(limit: soft, hardLimit: hard, reserve: reserve)
    }

    /// Raises the soft limit to the hard limit (what an unprivileged process may do) and returns the budget.
    /// If raising fails, the budget is that of the current limit.
    public static func raised(reserve: Int = Self.defaultReserve) -> FileDescriptorBudget {
        let (soft, hard) = Self.read()
        guard soft < hard else { return FileDescriptorBudget(limit: soft, hardLimit: hard, reserve: reserve) }
        var wanted = Self.raw()
        // Only the soft limit moves; the hard one is left as it is.
        wanted.rlim_cur = rlim_t(hard)
        guard Self.set(&wanted) else { return FileDescriptorBudget(limit: soft, hardLimit: hard, reserve: reserve) }
        let (now, _) = Self.read()
        return FileDescriptorBudget(limit: now, hardLimit: hard, initialLimit: soft, reserve: reserve)
    }

    /// One line for `serve`'s output and logs.
    public var summary: String {
        let raised = initialLimit < limit ? " (raised from \(initialLimit))" : ""
        return "file descriptors: limit \(limit)\(raised), hard limit \(hardLimit), \(reserve) kept in reserve"
    }

    private static func raw() -> rlimit {
        var limits = rlimit()
        #if canImport(Glibc) || canImport(Musl)
            let status = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        #else
            let status = getrlimit(RLIMIT_NOFILE, &limits)
        #endif
        if status != 0 {
            limits.rlim_cur = 1024
            limits.rlim_max = 1024
        }
        return limits
    }

    private static func read() -> (soft: Int, hard: Int) {
        let limits = Self.raw()
        // RLIM_INFINITY is a C cast Swift does not import: all ones on Linux, 2^63 - 1 on Darwin.
        #if canImport(Darwin)
            let infinity = rlim_t(Int64.max)
        #else
            let infinity = rlim_t.max
        #endif
        let hard = limits.rlim_max == infinity ? Int(Int32.max) : Int(clamping: limits.rlim_max)
        let soft = limits.rlim_cur == infinity ? hard : Int(clamping: limits.rlim_cur)
        #if canImport(Darwin)
            // macOS refuses a soft limit above OPEN_MAX however high the hard limit is.
            return (min(soft, Int(OPEN_MAX)), min(hard, Int(OPEN_MAX)))
        #else
            return (soft, hard)
        #endif
    }

    private static func set(_ limits: inout rlimit) -> Bool {
        #if canImport(Glibc) || canImport(Musl)
            return setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0
        #else
            return setrlimit(RLIMIT_NOFILE, &limits) == 0
        #endif
    }
}
