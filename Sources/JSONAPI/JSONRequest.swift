import Foundation
import Hummingbird
import Operators

/// The body of one JSON API endpoint, decoded from the request's JSON object into a value whose fields are
/// all present and valid: a request type's decoder reads every field with ``BodyFields`` and refuses the
/// body as a whole, naming every problem, when any is wrong.
protocol JSONRequest: DecodableWithConfiguration where DecodingConfiguration == RequestFacts {}

/// What a request type's rules may consult besides the body itself.
struct RequestFacts {
    /// The `Idempotency-Key` header as sent; nil when absent.
    let idempotencyKey: String?
    /// The networks served, for rules that tie a number to its operator.
    let catalog: OperatorCatalog
}

extension JSONRequest {
    /// A request body is at most this many bytes.
    static var maxBodySize: Int { 16 * 1024 }

    /// Reads `request`'s body as this request type.
    ///
    /// - Throws: `APIError` 413 `body_too_large` past ``maxBodySize``, 400 `malformed_json` when the body is
    ///   not a JSON object, 422 `validation_failed` with every field's problem.
    static func decode(from request: Request, catalog: OperatorCatalog) async throws -> Self {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodySize)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "a request body is at most \(maxBodySize) bytes")
        }
        let facts = RequestFacts(idempotencyKey: request.idempotencyKeyHeader, catalog: catalog)
        do {
            return try JSONDecoder().decode(Self.self, from: Data(buffer: buffer), configuration: facts)
        } catch let refusal as APIError {
            throw refusal
        } catch {
            throw APIError(.badRequest, "malformed_json", "the body must be a JSON object")
        }
    }
}
