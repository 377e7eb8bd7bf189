import Crypto
import Foundation
import GatewayCore
import HTTPTypes
import NIOCore

/// How an aggregator proves, on every `POST /ussd`, which operator it calls for: the operator's
/// aggregator secret as `Authorization: Bearer <secret>`, or an HMAC-SHA256 of the raw body keyed
/// with that secret as `X-Sika-Signature: sha256=<hex>`, or both (then they must name the same operator).
enum AggregatorCredential {
    static let signatureField = HTTPField.Name("X-Sika-Signature")!

    /// The one operator the request's credentials name; nil when it carries none, a wrong one, or two
    /// that disagree. Every comparison is constant-time.
    static func operatorID(headers: HTTPFields, body: ByteBuffer, secrets: OperatorTokens) -> String? {
        let authorization = headers[.authorization]
        let signature = headers[signatureField]
        guard authorization != nil || signature != nil else { return nil }
        var named: Set<String> = []
        if let authorization {
            guard let token = bearer(authorization), let id = secrets.operatorID(presenting: token) else { return nil }
            named.insert(id)
        }
        if let signature {
            guard let id = signer(of: body, signature: signature, secrets: secrets) else { return nil }
            named.insert(id)
        }
        return named.count == 1 ? named.first : nil
    }

    /// `Bearer <token>`, the scheme case-insensitive (RFC 9110).
    static func bearer(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// The one operator whose secret signed `body`; every operator's MAC is checked.
    static func signer(of body: ByteBuffer, signature: String, secrets: OperatorTokens) -> String? {
        guard signature.hasPrefix("sha256="), let mac = bytes(hex: signature.dropFirst("sha256=".count)), mac.count == SHA256.byteCount
        else { return nil }
        let message = body.readableBytesView
        var matches: [String] = []
        for (id, secret) in secrets.tokens.sorted(by: { $0.key < $1.key })
        where HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: SymmetricKey(data: Array(secret.utf8))) {
            matches.append(id)
        }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The `X-Sika-Signature` value for `body` under `secret`: what an aggregator computes.
    static func signature(of body: some Sequence<UInt8>, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined()
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
