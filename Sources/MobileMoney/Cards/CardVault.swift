import Crypto
import Foundation

/// Encrypts linked card numbers with AES-GCM under a named key, so keys can rotate: every stored card
/// records the id of the key that sealed it, and old keys stay readable until cards are re-sealed.
public struct CardVault: Sendable {
    public let currentKeyID: String
    private let keys: [String: SymmetricKey]

    public init(keys: [String: [UInt8]], currentKeyID: String) throws {
        guard let current = keys[currentKeyID] else { throw MobileMoneyError(.configuration, "no card key named \(currentKeyID)") }
        guard current.count == 32, keys.values.allSatisfy({ $0.count == 32 }) else {
            throw MobileMoneyError(.configuration, "card keys must be 32 bytes (64 hex digits)")
        }
        self.keys = keys.mapValues { SymmetricKey(data: $0) }
        self.currentKeyID = currentKeyID
    }

    /// Reads `SIKA_CARD_KEYS` (`id:hex,id:hex`) and `SIKA_CARD_KEY_ID` (the key new cards are sealed with).
    public static func fromEnvironment(_ environment: [String: String]) throws -> CardVault? {
        guard let list = environment["SIKA_CARD_KEYS"] else { return nil }
        var keys: [String: [UInt8]] = [:]
        for item in list.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let bytes = PinPepper.bytes(hex: parts[1]) else {
                throw MobileMoneyError(.configuration, "SIKA_CARD_KEYS must be id:hex pairs separated by commas")
            }
            keys[parts[0]] = bytes
        }
        guard let current = environment["SIKA_CARD_KEY_ID"] ?? keys.keys.sorted().last else {
            throw MobileMoneyError(.configuration, "SIKA_CARD_KEYS holds no key")
        }
        return try CardVault(keys: keys, currentKeyID: current)
    }

    /// Seals a card number; the owner's MSISDN is authenticated with it, so a sealed number cannot be
    /// moved to another subscriber's row.
    func seal(_ cardNumber: String, owner: String) throws -> Data {
        guard let key = keys[currentKeyID] else { throw MobileMoneyError(.configuration, "no current card key") }
        guard let combined = try AES.GCM.seal(Data(cardNumber.utf8), using: key, authenticating: Data(owner.utf8)).combined else {
            throw MobileMoneyError(.configuration, "AES-GCM gave no combined box")
        }
        return combined
    }

    /// Opens a sealed card number with the key it was sealed under.
    func open(_ sealed: Data, keyID: String, owner: String) throws -> String {
        guard let key = keys[keyID] else { throw MobileMoneyError(.configuration, "card key \(keyID) is not loaded") }
        let box = try AES.GCM.SealedBox(combined: sealed)
        return String(decoding: try AES.GCM.open(box, using: key, authenticating: Data(owner.utf8)), as: UTF8.self)
    }
}
