import Crypto
import Foundation

/// The codes that confirm an e-mail address: six digits, derived with a key from the PIN pepper, so that
/// neither the code nor anything it can be recomputed from without the key is ever stored.
///
/// The code of a verification is a function of (key, number, address, instant it was issued): the mail
/// dispatcher recomputes it when it sends the message (the mail outbox holds no code), and the subscriber's
/// e-mail row keeps only a keyed hash of it to check an answer against, in constant time.
struct EmailCodes: Sendable {
    private let key: SymmetricKey

    /// A key of its own, derived from the pepper: a code or its hash never reveals anything about PIN hashes.
    init(pepper: PinPepper) {
        key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("sika e-mail verification v1".utf8), using: pepper.key))
    }

    /// The code issued at `issuedAt` for this number and address.
    func code(msisdn: String, address: String, issuedAt: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Self.message("code", msisdn, address, issuedAt), using: key)
        let value = Array(mac).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let digits = String(value % 1_000_000)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// The keyed hash stored for a code.
    func hash(code: String, msisdn: String, address: String, issuedAt: Int64) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Self.message("hash", msisdn, address, issuedAt) + Data(code.utf8), using: key))
    }

    /// Whether `code` is the one whose hash is `hash`, in constant time.
    func verify(code: String, hash: Data, msisdn: String, address: String, issuedAt: Int64) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(
            hash, authenticating: Self.message("hash", msisdn, address, issuedAt) + Data(code.utf8), using: key)
    }

    /// Length-prefixed fields, so no two different inputs give the same message.
    private static func message(_ purpose: String, _ msisdn: String, _ address: String, _ issuedAt: Int64) -> Data {
        var data = Data()
        for field in [purpose, msisdn, address, String(issuedAt)] {
            let length = UInt32(field.utf8.count)
            data.append(contentsOf: [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)])
            data.append(contentsOf: Array(field.utf8))
        }
        return data
    }
}
