import CSpawn
import Foundation
import Glibc
import Synchronization

/// A child process started with `posix_spawn`, with the parts of `Foundation.Process` that Sika's tests and
/// benches use (the same property names, so a call site reads the same).
///
/// Why not `Process`: on Linux, Swift 6.3.1's `Process.run()` over-reads a `dirent` while it lists
/// `/proc/self/fd` and crashes the whole process now and then (swift-corelibs-foundation#5472, fixed after
/// 6.3.1). A test suite that starts hundreds of children hit it. Here the child closes every descriptor above
/// its standard ones with `posix_spawn_file_actions_addclosefrom_np`, which lists nothing.
public final class ChildProcess: Sendable {
    /// How the child ended.
    public enum TerminationReason: Sendable, Equatable {
        case exit
        case uncaughtSignal
    }

    /// What to connect one of the child's standard descriptors to.
    private enum Stream {
        case inherit
        case pipe(Pipe)
        case file(FileHandle)
    }

    private struct Configuration: @unchecked Sendable {
        var executableURL: URL?
        var arguments: [String] = []
        var environment: [String: String]?
        var currentDirectoryURL: URL?
        var standardInput: Any?
        var standardOutput: Any?
        var standardError: Any?
    }

    private struct State {
        var pid: pid_t = 0
        var started = false
        /// The raw `waitpid` status once the child has been reaped.
        var status: Int32?
    }

    private let configuration = Mutex(Configuration())
    private let state = Mutex(State())

    public init() {}

    public var executableURL: URL? {
        get { configuration.withLock { $0.executableURL } }
        set { configuration.withLock { $0.executableURL = newValue } }
    }
    public var arguments: [String]? {
        get { configuration.withLock { $0.arguments } }
        set { configuration.withLock { $0.arguments = newValue ?? [] } }
    }
    /// The child's whole environment; `nil` passes this process's own.
    public var environment: [String: String]? {
        get { configuration.withLock { $0.environment } }
        set { configuration.withLock { $0.environment = newValue } }
    }
    public var currentDirectoryURL: URL? {
        get { configuration.withLock { $0.currentDirectoryURL } }
        set { configuration.withLock { $0.currentDirectoryURL = newValue } }
    }
    /// A `Pipe` (the child gets its reading end) or a `FileHandle`; `nil` inherits ours.
    public var standardInput: Any? {
        get { configuration.withLock { $0.standardInput } }
        set { configuration.withLock { $0.standardInput = newValue } }
    }
    /// A `Pipe` (the child gets its writing end) or a `FileHandle`; `nil` inherits ours.
    public var standardOutput: Any? {
        get { configuration.withLock { $0.standardOutput } }
        set { configuration.withLock { $0.standardOutput = newValue } }
    }
    /// A `Pipe` (the child gets its writing end) or a `FileHandle`; `nil` inherits ours.
    public var standardError: Any? {
        get { configuration.withLock { $0.standardError } }
        set { configuration.withLock { $0.standardError = newValue } }
    }

    public var processIdentifier: Int32 { state.withLock { $0.pid } }

    /// Starts the child. Throws if it cannot be started (no such file, not executable…).
    public func run() throws {
        let configuration = configuration.withLock { $0 }
        guard let executable = configuration.executableURL?.path else { throw ChildProcessError("no executable") }
        let streams = [
            Self.stream(configuration.standardInput), Self.stream(configuration.standardOutput), Self.stream(configuration.standardError),
        ]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in streams.enumerated() {
            switch stream {
            case .inherit: break
            case .pipe(let pipe):
                let end = target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, Int32(target))
            case .file(let handle):
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, Int32(target))
            }
        }
        _ = sika_spawn_add_closefrom(&actions, 3)
        if let directory = configuration.currentDirectoryURL?.path {
            _ = sika_spawn_add_chdir(&actions, directory)
        }

        let environment = configuration.environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + configuration.arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(result)))") }
        state.withLock {
            $0.pid = pid
            $0.started = true
        }
        // As Foundation does: the child's ends of the pipes belong to the child now, so that reading our end
        // sees the end of the file when the child exits.
        for (target, stream) in streams.enumerated() {
            if case .pipe(let pipe) = stream {
                try? (target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
            }
        }
    }

    /// Whether the child has started and not yet ended.
    public var isRunning: Bool {
        state.withLock { state in
            guard state.started, state.status == nil else { return false }
            Self.reap(&state, options: WNOHANG)
            return state.status == nil
        }
    }

    /// Blocks until the child has ended.
    public func waitUntilExit() {
        while isRunning {
            usleep(2_000)
        }
    }

    /// Waits until the child has ended without holding a thread: what async code calls (blocking one of the
    /// cooperative pool's few threads stalls every other task meanwhile).
    public func exited() async {
        while isRunning {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The exit status, or the signal that ended the child. Only meaningful once it has ended.
    public var terminationStatus: Int32 {
        guard let status = state.withLock({ $0.status }) else { return 0 }
        return Self.exited(status) ? (status >> 8) & 0xff : status & 0x7f
    }

    public var terminationReason: TerminationReason {
        guard let status = state.withLock({ $0.status }) else { return .exit }
        return Self.exited(status) ? .exit : .uncaughtSignal
    }

    /// Sends SIGTERM.
    public func terminate() { send(SIGTERM) }
    /// Sends SIGINT.
    public func interrupt() { send(SIGINT) }

    /// Sends `signal` if the child has not been reaped yet (so never to a recycled pid).
    public func send(_ signal: Int32) {
        state.withLock { state in
            guard state.started, state.status == nil else { return }
            _ = kill(state.pid, signal)
        }
    }

    private static func reap(_ state: inout State, options: Int32) {
        var status: Int32 = 0
        let result = waitpid(state.pid, &status, options)
        if result == state.pid, exited(status) || signalled(status) {
            state.status = status
        } else if result == -1, errno == ECHILD {
            state.status = 0
        }
    }

    private static func exited(_ status: Int32) -> Bool { status & 0x7f == 0 }
    private static func signalled(_ status: Int32) -> Bool { status & 0x7f != 0 && status & 0x7f != 0x7f }

    private static func stream(_ value: Any?) -> Stream {
        switch value {
        case let pipe as Pipe: .pipe(pipe)
        case let handle as FileHandle: .file(handle)
        default: .inherit
        }
    }
}
