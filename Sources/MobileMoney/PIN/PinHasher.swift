import Crypto
import Foundation

/// Hashes and checks PINs: HMAC-SHA256 keyed with the server pepper, over a per-subscriber salt and the PIN.
///
/// A check costs microseconds, on purpose: the pepper protects stored hashes, the lockout protects the
/// online side, and a slow hash would only cap throughput without adding safety over 10,000 PINs.
public struct PinHasher: Sendable {
    private let pepper: PinPepper

    public init(pepper: PinPepper) { self.pepper = pepper }

    /// A new random salt for a subscriber.
    public func makeSalt() -> Data {
        SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
    }

    public func hash(pin: String, salt: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Self.message(pin: pin, salt: salt), using: pepper.key))
    }

    /// Constant-time comparison with the stored hash.
    public func verify(pin: String, salt: Data, hash: Data) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(hash, authenticating: Self.message(pin: pin, salt: salt), using: pepper.key)
    }

    private static func message(pin: String, salt: Data) -> Data {
        var message = salt
        message.append(contentsOf: Array(pin.utf8))
        return message
    }
}
