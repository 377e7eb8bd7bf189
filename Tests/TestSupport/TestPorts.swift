import Foundation

/// Fixed ports a test hands to a child process or a peer server (Kannel, a `sika serve`), picked below Linux's
/// ephemeral range (32768–60999): the kernel takes the local port of every outgoing connection of the suite
/// from that range (thousands: HTTP clients, PostgreSQL), so a port checked free there could be taken before
/// the child binds it.
public enum TestPorts {
    /// Where the tests pick them by default. Peers with a range of their own (Kannel's, the PostgreSQL test
    /// cluster's) use ranges that do not overlap it, so that pickers running at once rarely meet.
    public static let range = 20_000..<32_000

    /// The first of `count` consecutive ports nobody listens on right now, from `range`.
    public static func free(_ count: Int, in range: Range<Int> = TestPorts.range) throws -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: range.lowerBound..<(range.upperBound - count))
            if (0..<count).allSatisfy({ canBind(base + $0) }) { return base }
        }
        throw TestPortsError(description: "no \(count) free consecutive ports in \(range)")
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// No free ports were found where the test looked.
public struct TestPortsError: Error, CustomStringConvertible {
    public let description: String
}
