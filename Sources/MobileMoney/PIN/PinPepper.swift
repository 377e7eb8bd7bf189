import Crypto
import Foundation

/// The server secret that keys every PIN hash.
///
/// Only 10,000 PINs exist, so whoever holds the database could try them all against any salted hash.
/// The pepper is what stops that: it never lives in the database, only in the environment or in a key
/// file that its owner alone can read.
public struct PinPepper: Sendable {
    let key: SymmetricKey

    /// Environment variable holding the pepper as 64 hex digits (or more).
    public static let environmentVariable = "SIKA_PIN_PEPPER"

    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 32 else { throw MobileMoneyError(.configuration, "the PIN pepper must be at least 32 bytes") }
        key = SymmetricKey(data: bytes)
    }

    /// A fresh random pepper (tests, first start of a demo).
    public static func random() -> PinPepper {
        try! PinPepper(bytes: Array(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }))
    }

    /// Loads the pepper from `SIKA_PIN_PEPPER` if set, else from `keyFile`; with `createIfMissing`, a missing
    /// key file is created with a new random pepper, readable by its owner only.
    ///
    /// A key file that group or others can read is refused: a leaked pepper makes every PIN guessable.
    public static func load(environment: [String: String], keyFile: String, createIfMissing: Bool) throws -> PinPepper {
        if let hex = environment[environmentVariable] {
            guard let bytes = Self.bytes(hex: hex.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw MobileMoneyError(.configuration, "\(environmentVariable) must be hex digits (64 or more)")
            }
            return try PinPepper(bytes: bytes)
        }
        let manager = FileManager.default
        if !manager.fileExists(atPath: keyFile) {
            guard createIfMissing else {
                throw MobileMoneyError(.configuration, "no PIN pepper: set \(environmentVariable) or create \(keyFile)")
            }
            let pepper = random()
            let hex = pepper.key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
            let fd = open(keyFile, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw MobileMoneyError(.configuration, "cannot create \(keyFile)") }
            defer { close(fd) }
            let line = hex + "\n"
            guard line.withCString({ write(fd, $0, strlen($0)) }) == line.utf8.count else {
                throw MobileMoneyError(.configuration, "cannot write \(keyFile)")
            }
            return pepper
        }
        guard let bytes = Self.bytes(hex: try SecretFile.read(keyFile)) else {
            throw MobileMoneyError(.configuration, "\(keyFile) must hold the pepper as hex digits")
        }
        return try PinPepper(bytes: bytes)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0, !chars.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
