import Foundation
import Hummingbird
import MobileMoney
import Operators

/// A request's JSON object, read with field-level validation: each accessor records what is wrong
/// with its field instead of failing at the first problem, so a client learns every mistake at once.
struct JSONBody {
    private let object: [String: JSONValue]
    private(set) var problems: [String: String] = [:]

    static let maxSize = 16 * 1024

    init(_ request: Request) async throws {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxSize)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "a request body is at most \(Self.maxSize) bytes")
        }
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(buffer: buffer)) else {
            throw APIError(.badRequest, "malformed_json", "the body must be a JSON object")
        }
        self.object = object
    }

    mutating func msisdn(_ field: String) -> String? {
        guard case .string(let text) = object[field] else {
            problems[field] = object[field] == nil ? "required" : "must be a string"
            return nil
        }
        guard let number = MSISDN(text) else {
            problems[field] = "must be a Togolese mobile number (228 and 8 digits)"
            return nil
        }
        return number.digits
    }

    mutating func pin(_ field: String) -> String? {
        guard case .string(let text) = object[field] else {
            problems[field] = object[field] == nil ? "required" : "must be a string of 4 digits"
            return nil
        }
        guard PinPolicy().isWellFormed(text) else {
            problems[field] = "must be 4 digits"
            return nil
        }
        return text
    }

    /// A positive whole number of FCFA; `12.5`, `"100"`, `true` and `0` are refused.
    mutating func amount(_ field: String) -> Int64? {
        integer(field, in: 1...1_000_000_000_000, otherwise: "must be a positive whole number of FCFA")
    }

    /// A whole number within `range`.
    mutating func integer(_ field: String, in range: ClosedRange<Int64>, otherwise reason: String? = nil) -> Int64? {
        guard case .integer(let value) = object[field] else {
            problems[field] = object[field] == nil ? "required" : "must be a whole number"
            return nil
        }
        guard range.contains(value) else {
            problems[field] = reason ?? "must be between \(range.lowerBound) and \(range.upperBound)"
            return nil
        }
        return value
    }

    mutating func string(_ field: String, required: Bool = true, maxLength: Int = 64) -> String? {
        guard let value = object[field] else {
            if required { problems[field] = "required" }
            return nil
        }
        guard case .string(let text) = value, !text.isEmpty, text.count <= maxLength else {
            problems[field] = "must be a non-empty string of at most \(maxLength) characters"
            return nil
        }
        return text
    }

    mutating func fail(_ field: String, _ reason: String) { problems[field] = reason }

    /// Throws the collected problems, if any.
    func validate() throws {
        if !problems.isEmpty { throw APIError.validation(problems) }
    }
}

/// A JSON value, decoded strictly: `1` is an integer, `1.5` a number, `true` a boolean, never one for another.
enum JSONValue: Decodable {
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case string(String)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
