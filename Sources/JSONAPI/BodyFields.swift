import MobileMoney
import Operators

/// The fields of one request body, for a ``JSONRequest``'s decoder to read with the API's rules.
///
/// Each reader records what is wrong with its field instead of failing at the first problem, so a client
/// learns every mistake at once: a request type reads all its fields, then throws ``refusal`` (422
/// `validation_failed`, one reason per field) unless ``isValid``. A field sent as `null` has the wrong type;
/// it is not missing. Fields a request type does not read are ignored.
struct BodyFields<Field: CodingKey> {
    /// The whole body, read strictly (see ``JSONValue``): a body that is not a JSON object fails here.
    private let object: [String: JSONValue]
    private(set) var problems: [String: String] = [:]

    init(_ decoder: any Decoder) throws {
        object = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    var isValid: Bool { problems.isEmpty }

    /// The answer naming every problem found.
    var refusal: APIError { .validation(problems) }

    /// A Togolese mobile number, in any spelling `MSISDN` accepts, as its normalised digits.
    mutating func msisdn(_ field: Field) -> String? {
        let value = object[field.stringValue]
        guard case .string(let text) = value else {
            fail(field, value == nil ? "required" : "must be a string")
            return nil
        }
        guard let number = MSISDN(text) else {
            fail(field, "must be a Togolese mobile number (228 and 8 digits)")
            return nil
        }
        return number.digits
    }

    mutating func pin(_ field: Field) -> String? {
        let value = object[field.stringValue]
        guard case .string(let text) = value else {
            fail(field, value == nil ? "required" : "must be a string of 4 digits")
            return nil
        }
        guard PinPolicy().isWellFormed(text) else {
            fail(field, "must be 4 digits")
            return nil
        }
        return text
    }

    /// A positive whole number of FCFA; `12.5`, `"100"`, `true` and `0` are refused.
    mutating func amount(_ field: Field) -> Int64? {
        integer(field, in: 1...1_000_000_000_000, otherwise: "must be a positive whole number of FCFA")
    }

    /// A whole number within `range`.
    mutating func integer(_ field: Field, in range: ClosedRange<Int64>, otherwise reason: String? = nil) -> Int64? {
        let value = object[field.stringValue]
        guard case .integer(let number) = value else {
            fail(field, value == nil ? "required" : "must be a whole number")
            return nil
        }
        guard range.contains(number) else {
            fail(field, reason ?? "must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return number
    }

    /// A non-empty string of at most `maxLength` characters; nil without a problem when absent and not `required`.
    mutating func string(_ field: Field, required: Bool = true, maxLength: Int = 64) -> String? {
        guard let value = object[field.stringValue] else {
            if required { fail(field, "required") }
            return nil
        }
        guard case .string(let text) = value, !text.isEmpty, text.count <= maxLength else {
            fail(field, "must be a non-empty string of at most \(maxLength) characters")
            return nil
        }
        return text
    }

    /// The `Idempotency-Key` header (1 to 128 bytes), checked with the body's fields; nil when absent and not
    /// `required`.
    mutating func idempotencyKey(_ header: String?, required: Bool) -> String? {
        if header == nil && !required { return nil }
        guard let header, !header.isEmpty, header.utf8.count <= 128 else {
            fail("Idempotency-Key", required ? "required for admin money movements (1 to 128 characters)" : "must be 1 to 128 characters")
            return nil
        }
        return header
    }

    mutating func fail(_ field: Field, _ reason: String) { fail(field.stringValue, reason) }

    /// Records a problem under a name that is not a body field (a header).
    mutating func fail(_ name: String, _ reason: String) { problems[name] = reason }
}
