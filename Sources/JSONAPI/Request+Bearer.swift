import Foundation
import Hummingbird

extension Request {
    /// The credential of an `Authorization: Bearer …` header; nil without one, in another scheme, or empty.
    var bearerCredential: String? {
        guard let header = headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        let token = header.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// The `Idempotency-Key` header, repeated values joined as `HTTPFields` joins them; nil when absent.
    var idempotencyKeyHeader: String? {
        // Matched by canonical name: `HTTPField.Name("Idempotency-Key")` is failable, and this module has no force-unwraps.
        let values = headers.filter { $0.name.canonicalName == "idempotency-key" }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}
