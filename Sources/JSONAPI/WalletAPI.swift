import Crypto
import Foundation
import HTTPServerSupport
import HTTPTypes
import Hummingbird
import JWTKit
import Ledger
import Logging
import MobileMoney
import Operators
import Sessions

/// The JSON API for apps (`/api/…`) and its admin endpoints, as routes to add to a Hummingbird router.
///
/// Subscribers authenticate with their PIN once (`POST /api/auth/token`, which counts toward the
/// lockout) and then carry a short-lived HS256 token whose subject is their MSISDN; a token only
/// ever acts on its own wallet. Admin endpoints take a separate bearer credential. Both are checked
/// once, by the middleware of the route groups (``routeGroups(on:)``), and every request body is
/// decoded into its endpoint's ``JSONRequest`` type before a handler acts on it.
public struct WalletAPI: Sendable {
    /// Every route, for the OpenAPI check: method and path template.
    public static let routes: [(method: String, path: String)] = [
        ("POST", "/api/auth/token"),
        ("POST", "/api/transactions"),
        ("GET", "/api/transactions/{phoneNumber}"),
        ("POST", "/api/verify-balance"),
        ("POST", "/api/transfer"),
        ("GET", "/api/transfers/{id}"),
        ("POST", "/api/cards"),
        ("GET", "/api/cards/{phoneNumber}"),
        ("GET", "/api/subscribers/{phoneNumber}/email"),
        ("PUT", "/api/subscribers/{phoneNumber}/email"),
        ("DELETE", "/api/subscribers/{phoneNumber}/email"),
        ("POST", "/api/subscribers/{phoneNumber}/email/verify"),
        ("POST", "/api/admin/cashin"),
        ("POST", "/api/admin/reversals"),
        ("POST", "/api/admin/subscribers/{phoneNumber}/block"),
        ("POST", "/api/admin/subscribers/{phoneNumber}/unblock"),
        ("POST", "/api/admin/demo/reset"),
        ("GET", "/openapi.yaml"),
    ]

    let money: MobileMoney
    let configuration: APIConfiguration
    let keys: JWTKeyCollection
    let perSubscriber: TokenBucketLimiter
    let perClient: TokenBucketLimiter
    let openAPIDocument: String
    let logger: Logger
    let cardVault: CardVault?
    let offNet: (any OffNetTransfers)?
    /// Restores the demo world (`POST /api/admin/demo/reset`); set by `sika serve --demo` only, else the endpoint answers 403.
    public var demoRestore: (@Sendable () async throws -> DemoWorld.RestoreReport)?

    /// The OpenAPI document this API serves at `/openapi.yaml`.
    public var openAPIDocumentText: String { openAPIDocument }

    /// - Parameter cardVault: the keys that seal linked card numbers; without it, card endpoints answer 503.
    /// - Parameter offNet: the provider bridge; without it `/api/transfer` answers 503.
    public init(
        money: MobileMoney, configuration: APIConfiguration, openAPIDocument: String, cardVault: CardVault? = nil,
        offNet: (any OffNetTransfers)? = nil, logger: Logger = Logger(label: "sika.api")
    ) async {
        self.money = money
        self.cardVault = cardVault
        self.offNet = offNet
        self.configuration = configuration
        self.openAPIDocument = openAPIDocument
        self.logger = logger
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: SymmetricKey(data: configuration.jwtSecret)), digestAlgorithm: .sha256)
        perSubscriber = TokenBucketLimiter(
            capacity: configuration.perSubscriberBurst, refillPerSecond: configuration.perSubscriberPerSecond, maxKeys: configuration.rateLimitKeys)
        perClient = TokenBucketLimiter(
            capacity: configuration.perClientBurst, refillPerSecond: configuration.perClientPerSecond, maxKeys: configuration.rateLimitKeys)
    }

    /// The API's route groups under `/api` on `router`, each behind the request log and the per-client rate
    /// limit (keyed on the context's `clientAddress`, which `HTTPFront.router` resolves behind trusted
    /// proxies). Authentication happens once, in the groups' middleware: a route added to `subscriber` runs
    /// only for a valid session token and reads its subject from the context; one added to `admin` (under
    /// `/api/admin`) only for the admin credential.
    public func routeGroups(on router: Router<SikaRequestContext>) -> APIRouteGroups {
        let api = router.group("api")
            .add(middleware: RequestLogMiddleware<SikaRequestContext>(logger: logger))
            .add(middleware: ClientRateLimitMiddleware(limiter: perClient))
            .group(context: APIRequestContext.self)
        return APIRouteGroups(
            open: api,
            subscriber: api.group().add(middleware: SubscriberAuthMiddleware(keys: keys)).group(context: SubscriberRequestContext.self),
            admin: api.group("admin").add(middleware: AdminAuthMiddleware(configuration: configuration)).group(context: AdminRequestContext.self))
    }

    /// Adds the API's routes (``routes``) to `router`, in their groups (see ``routeGroups(on:)``).
    public func register(on router: Router<SikaRequestContext>) {
        let api = self
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: api.openAPIDocument)))
        }
        let groups = routeGroups(on: router)
        groups.open.post("auth/token") { request, _ in try await api.issueToken(request) }

        let subscriber = groups.subscriber
        subscriber.post("transactions") { request, context in try await api.createTransaction(request, context) }
        subscriber.get("transactions/:phoneNumber") { request, context in try await api.history(request, context) }
        subscriber.post("verify-balance") { request, context in try await api.verifyBalance(request, context) }
        subscriber.post("transfer") { request, context in try await api.offNetTransfer(request, context) }
        subscriber.get("transfers/:id") { _, context in try await api.offNetStatus(context) }
        subscriber.post("cards") { request, context in try await api.linkCard(request, context) }
        subscriber.get("cards/:phoneNumber") { _, context in try await api.listCards(context) }
        registerEmail(on: subscriber)

        let admin = groups.admin
        admin.post("cashin") { request, _ in try await api.cashIn(request) }
        admin.post("reversals") { request, _ in try await api.reverse(request) }
        admin.post("subscribers/:phoneNumber/block") { _, context in try await api.setBlocked(context, true) }
        admin.post("subscribers/:phoneNumber/unblock") { _, context in try await api.setBlocked(context, false) }
        admin.post("demo/reset") { _, _ in try await api.restoreDemoWorld() }
    }

    // MARK: Subscribers

    func issueToken(_ request: Request) async throws -> Response {
        let body = try await TokenRequest.decode(from: request, catalog: money.catalog)
        try limit(body.phoneNumber)
        let subscriber = try await mapped { try await money.verifyPin(msisdn: body.phoneNumber, pin: body.pin) }
        let now = Date()
        let lifetime = Double(configuration.tokenLifetime.components.seconds)
        let token = try await keys.sign(
            SessionToken(sub: .init(value: subscriber.msisdn.digits), exp: .init(value: now.addingTimeInterval(lifetime)), iat: .init(value: now)))
        return try json(.ok, ["token": .string(token), "tokenType": .string("Bearer"), "expiresIn": .integer(Int64(lifetime))])
    }

    func createTransaction(_ request: Request, _ context: SubscriberRequestContext) async throws -> Response {
        let body = try await TransactionRequest.decode(from: request, catalog: money.catalog)
        let subject = context.subject.msisdn
        guard body.senderPhoneNumber == subject else { throw APIError.forbidden }
        try limit(subject)
        let result = try await mapped {
            try await money.transfer(
                from: body.senderPhoneNumber, to: body.receiverPhoneNumber, amount: body.amount, pin: body.pin,
                idempotencyKey: "api:\(subject):\(body.idempotencyKey ?? UUID().uuidString)")
        }
        return try json(result.replayed ? .ok : .created, Self.transfer(result))
    }

    func history(_ request: Request, _ context: SubscriberRequestContext) async throws -> Response {
        let subject = context.subject.msisdn
        let number = try Self.pathMSISDN(context)
        guard number.digits == subject else { throw APIError.forbidden }
        try limit(subject)
        var problems: [String: String] = [:]
        let limitText = request.uri.queryParameters.get("limit")
        let pageSize = limitText.map { Int($0) ?? 0 } ?? 20
        if !(1...100).contains(pageSize) { problems["limit"] = "must be 1 to 100" }
        let cursorText = request.uri.queryParameters.get("cursor")
        let cursor = cursorText.flatMap { Int64($0) }
        if cursorText != nil && (cursor ?? 0) <= 0 { problems["cursor"] = "must be a cursor from a previous page" }
        if !problems.isEmpty { throw APIError.validation(problems) }
        let entries = try await mapped { try await money.history(msisdn: subject, limit: pageSize, before: cursor) }
        let items: [JSONOut] = entries.map { entry in
            .object([
                "id": .integer(entry.transfer.id), "reference": .string(entry.reference), "kind": .string(entry.transfer.kind.rawValue),
                "amount": .integer(entry.signedAmount), "fee": .integer(entry.fee), "counterparty": .string(entry.counterpartyLabel),
                "counterpartyPhoneNumber": entry.counterpartyMSISDN.map(JSONOut.string) ?? .null,
                "counterpartyNetwork": entry.counterpartyNetwork.map(JSONOut.string) ?? .null,
                "balanceAfter": .integer(entry.balanceAfter), "createdAt": .string(Self.timestamp(entry.transfer.createdAt)),
            ])
        }
        // A full page may have a next one; a short page is the last.
        var next = JSONOut.null
        if entries.count == pageSize, let last = entries.last { next = .string(String(last.transfer.id)) }
        return try json(.ok, ["items": .array(items), "nextCursor": next])
    }

    func verifyBalance(_ request: Request, _ context: SubscriberRequestContext) async throws -> Response {
        let body = try await BalanceCheckRequest.decode(from: request, catalog: money.catalog)
        let subject = context.subject.msisdn
        guard body.phoneNumber == subject else { throw APIError.forbidden }
        try limit(subject)
        let balance = try await mapped { try await money.walletBalance(msisdn: subject) }
        guard balance >= body.amount else {
            throw APIError(
                .unprocessableContent, "insufficient_funds", "the balance does not cover this amount", fields: ["amount": "above the balance"])
        }
        return try json(.ok, ["sufficient": .bool(true), "balance": .integer(balance)])
    }

    /// An off-net transfer through the provider bridge: 201 when the other network credited at once,
    /// 202 with the pending state when its answer is not known yet (follow it at `/api/transfers/{id}`).
    func offNetTransfer(_ request: Request, _ context: SubscriberRequestContext) async throws -> Response {
        let body = try await OffNetTransferRequest.decode(from: request, catalog: money.catalog)
        let subject = context.subject.msisdn
        guard body.senderPhoneNumber == subject else { throw APIError.forbidden }
        try limit(subject)
        guard let offNet else { throw APIError(.serviceUnavailable, "offnet_unavailable", "transfers to other networks are not configured") }
        let outcome = try await mapped {
            try await offNet.send(
                from: body.senderPhoneNumber, to: body.receiverPhoneNumber, amount: body.amount, pin: body.pin,
                idempotencyKey: "api:\(subject):\(body.idempotencyKey ?? UUID().uuidString)")
        }
        var object = Self.offNet(outcome.transfer)
        object["status"] = .string(outcome.status.rawValue)
        if let reason = outcome.reason { object["reason"] = .string(reason) }
        let status: HTTPResponse.Status =
            switch outcome.status {
            case .completed: outcome.transfer.replayed ? .ok : .created
            case .pending: .accepted
            case .refunded: .ok
            }
        return try json(status, object)
    }

    func offNetStatus(_ context: SubscriberRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else {
            throw APIError.validation(["id": "must be a transfer id"])
        }
        // Someone else's transfer answers exactly like a missing one: ids are not an oracle.
        guard let transfer = try await mapped({ try await money.offNetTransfer(id: id) }), transfer.sender == context.subject.msisdn else {
            throw APIError(.notFound, "unknown_transfer", "no such transfer")
        }
        return try json(.ok, Self.offNet(transfer))
    }

    static func offNet(_ transfer: OffNetTransfer) -> [String: JSONOut] {
        [
            "id": .integer(transfer.transferID), "reference": .string(transfer.providerKey), "amount": .integer(transfer.amount),
            "fee": .integer(transfer.fee), "balance": .integer(transfer.balance), "state": .string(transfer.state.rawValue),
            "fromService": .string(transfer.home), "toService": .string(transfer.destination),
            "receiverPhoneNumber": .string(transfer.recipient), "createdAt": .string(timestamp(transfer.createdAt)),
        ]
    }

    func linkCard(_ request: Request, _ context: SubscriberRequestContext) async throws -> Response {
        let body = try await CardLinkRequest.decode(from: request, catalog: money.catalog)
        let subject = context.subject.msisdn
        guard body.phoneNumber == subject else { throw APIError.forbidden }
        try limit(subject)
        guard let vault = cardVault else { throw APIError(.serviceUnavailable, "cards_disabled", "card linking is not configured") }
        let card = try await mapped {
            try await money.linkCard(
                msisdn: subject, number: body.cardNumber, expiryMonth: body.expiryMonth, expiryYear: body.expiryYear, cvv: body.cvv,
                vault: vault)
        }
        return try json(.created, Self.card(card))
    }

    func listCards(_ context: SubscriberRequestContext) async throws -> Response {
        let subject = context.subject.msisdn
        let number = try Self.pathMSISDN(context)
        guard number.digits == subject else { throw APIError.forbidden }
        let cards = try await mapped { try await money.cards(msisdn: subject) }
        return try json(.ok, ["items": .array(cards.map { .object(Self.card($0)) })])
    }

    static func card(_ card: LinkedCard) -> [String: JSONOut] {
        [
            "id": .integer(card.id), "last4": .string(card.last4), "expiryMonth": .integer(Int64(card.expiryMonth)),
            "expiryYear": .integer(Int64(card.expiryYear)),
        ]
    }

    // MARK: Admin (every handler here runs behind AdminAuthMiddleware)

    func cashIn(_ request: Request) async throws -> Response {
        let body = try await CashInRequest.decode(from: request, catalog: money.catalog)
        let result = try await mapped {
            try await money.cashIn(
                to: body.phoneNumber, amount: body.amount, agentCode: body.agentCode, idempotencyKey: "admin:\(body.idempotencyKey)")
        }
        logger.notice("admin cash-in", metadata: ["ref": "\(result.reference)", "amount": "\(result.amount)"])
        return try json(result.replayed ? .ok : .created, Self.transfer(result))
    }

    func reverse(_ request: Request) async throws -> Response {
        let body = try await ReversalRequest.decode(from: request, catalog: money.catalog)
        let result = try await mapped { try await money.reverse(reference: body.reference) }
        return try json(result.replayed ? .ok : .created, Self.transfer(result))
    }

    func setBlocked(_ context: AdminRequestContext, _ blocked: Bool) async throws -> Response {
        let number = try Self.pathMSISDN(context)
        try await mapped { try await money.setBlocked(msisdn: number.digits, blocked) }
        return try json(.ok, ["phoneNumber": .string(number.digits), "status": .string(blocked ? "blocked" : "active")])
    }

    // MARK: Helpers

    /// The `phoneNumber` path parameter, normalised.
    static func pathMSISDN(_ context: some RequestContext) throws -> MSISDN {
        guard let number = context.parameters.get("phoneNumber").flatMap(MSISDN.init) else {
            throw APIError.validation(["phoneNumber": "must be a Togolese mobile number"])
        }
        return number
    }

    func limit(_ msisdn: String) throws {
        if let wait = perSubscriber.take(msisdn) {
            throw APIError(.tooManyRequests, "rate_limited", "too many requests for this account", headers: [.retryAfter: String(wait)])
        }
    }

    @discardableResult
    func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as MobileMoneyError {
            throw APIError(error)
        }
    }

    func json(_ status: HTTPResponse.Status, _ object: [String: JSONOut]) throws -> Response {
        let data = try JSONEncoder().encode(JSONOut.object(object))
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func transfer(_ result: TransferResult) -> [String: JSONOut] {
        [
            "id": .integer(result.transferID), "reference": .string(result.reference), "amount": .integer(result.amount),
            "fee": .integer(result.fee), "balance": .integer(result.balance), "state": .string(result.state),
            "createdAt": .string(timestamp(result.createdAt)),
        ]
    }

    static func timestamp(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601)
    }
}

/// JSON to send: a closed set of shapes, so every answer is predictable for the OpenAPI document.
enum JSONOut: Encodable {
    case integer(Int64)
    case string(String)
    case bool(Bool)
    case null
    case array([JSONOut])
    case object([String: JSONOut])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
