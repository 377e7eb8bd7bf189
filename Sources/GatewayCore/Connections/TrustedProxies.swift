import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HTTP peers allowed to say who the client is, in `X-Forwarded-For` (`sika serve --trusted-proxy`).
///
/// With none (the default) the header is ignored: the client is the TCP peer. When the peer is a trusted
/// proxy, the client is the right-most address of the header that is not itself a trusted proxy. Entries to
/// its left were written by whoever sent the request to the first proxy, so they prove nothing; the
/// right-most untrusted one is the peer the trusted chain saw.
public struct TrustedProxies: Sendable, Equatable {
    /// An address or a CIDR range, as 16 bytes (IPv4 is mapped into IPv6) and a prefix length in bits.
    struct Range: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            var bits = prefix
            for (a, b) in zip(bytes, address) {
                guard bits > 0 else { return true }
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                guard a & mask == b & mask else { return false }
                bits -= 8
            }
            return true
        }
    }

    let ranges: [Range]

    /// No proxy is trusted: `X-Forwarded-For` is ignored.
    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) { self.ranges = ranges }

    /// - Parameter addresses: IPv4 or IPv6 addresses, or CIDR ranges (`10.0.0.0/8`, `fd00::/8`).
    public init(_ addresses: [String]) throws(TrustedProxiesError) {
        var ranges: [Range] = []
        for text in addresses {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let bytes = Self.parse(parts[0]) else { throw TrustedProxiesError("\(text) is not an IP address or a CIDR range") }
            let isV4 = !parts[0].contains(":")
            var prefix = 128
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...(isV4 ? 32 : 128)).contains(bits) else {
                    throw TrustedProxiesError("\(text): the prefix length must be 0…\(isV4 ? 32 : 128)")
                }
                prefix = isV4 ? 96 + bits : bits
            }
            ranges.append(Range(bytes: bytes, prefix: prefix))
        }
        self.ranges = ranges
    }

    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `address` (a textual IP address) is a trusted proxy.
    public func contains(_ address: String) -> Bool {
        guard !ranges.isEmpty, let bytes = Self.parse(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client of a request that came from `peer` with these `X-Forwarded-For` values (each may hold
    /// several comma-separated addresses; the header may repeat, in order).
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            // Anything that is not an address was not written by a proxy we trust: the proxy is the client.
            guard let bytes = Self.parse(hop) else { return peer }
            if !ranges.contains(where: { $0.contains(bytes) }) { return Self.text(bytes) }
        }
        // Only proxies: the left-most one is as close to the client as anyone knows.
        return hops.first.flatMap { Self.parse($0) }.map(Self.text) ?? peer
    }

    /// 16 bytes for an IPv4 (as `::ffff:a.b.c.d`) or IPv6 address; nil for anything else.
    static func parse(_ text: String) -> [UInt8]? {
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        var v4 = in_addr()
        guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
        return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + withUnsafeBytes(of: &v4) { Array($0) }
    }

    /// The canonical text of an address: dotted IPv4 for a mapped one, so `::ffff:10.0.0.1` and `10.0.0.1` are one client.
    static func text(_ bytes: [UInt8]) -> String {
        if bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] {
            return bytes.suffix(4).map(String.init).joined(separator: ".")
        }
        var v6 = in6_addr()
        withUnsafeMutableBytes(of: &v6) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A `--trusted-proxy` value that is not an address or a range.
public struct TrustedProxiesError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
