import CommandSupport
import Foundation

/// Checks, before `serve` seeds or prints anything, that each address it is about to listen on can be
/// bound, so that "address in use" is one line naming the address, not a NIO error after the demo table.
///
/// The check binds and closes at once; another process could still take the port in between, and then
/// the listener's own error ends the process (one line too, less precise).
enum ListenCheck {
    struct Listener {
        let what: String
        let host: String
        let port: Int
    }

    static func ensureFree(_ listeners: [Listener]) throws {
        for listener in listeners where listener.port != 0 {
            if let problem = bindProblem(host: listener.host, port: listener.port) {
                throw CommandFailure("cannot listen on \(listener.host):\(listener.port) (\(listener.what)): \(problem)")
            }
        }
    }

    /// Why `host:port` cannot be bound, or nil if it can.
    static func bindProblem(host: String, port: Int) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else { return "cannot resolve \(host): \(String(cString: gai_strerror(status)))" }
        defer { freeaddrinfo(first) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                // As the listeners do: SO_REUSEADDR, so a port in TIME_WAIT is not mistaken for a taken one.
                var one: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                let bound = bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
                let code = errno
                close(fd)
                if bound != 0 { return describe(code) }
            }
            candidate = info.pointee.ai_next
        }
        return nil
    }

    static func describe(_ code: Int32) -> String {
        switch code {
        case EADDRINUSE: "address already in use"
        case EACCES: "permission denied (ports below 1024 need privileges)"
        case EADDRNOTAVAIL: "this machine has no such address"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
