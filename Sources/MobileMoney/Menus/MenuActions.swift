import Ledger
import Operators

/// The host side of the menus: what each action named in `menus/actions.yaml` does.
///
/// Menus know nothing of money; they call an action by name with string arguments and route on the
/// outcome name. This type is the one place that turns those strings into mobile-money operations and
/// their refusals back into outcome names. A test checks that it implements exactly the catalog.
public struct MenuActions: Sendable {
    /// Each action and the outcomes it may answer besides `error` (mirrors `menus/actions.yaml`).
    public static let outcomes: [String: Set<String>] = [
        "register": ["ok", "trivial_pin", "pin_mismatch", "already_registered", "invalid_name"],
        "lookup_recipient": ["ok", "self_transfer", "unknown_recipient", "recipient_blocked", "other_network", "below_minimum", "above_maximum"],
        "transfer": [
            "ok", "insufficient_funds", "wrong_pin", "locked", "limit_exceeded", "unknown_recipient", "recipient_blocked", "self_transfer",
            "blocked",
        ],
        "lookup_agent": ["ok", "unknown_agent", "below_minimum", "above_maximum"],
        "cashout": ["ok", "insufficient_funds", "wrong_pin", "locked", "limit_exceeded", "unknown_agent", "blocked"],
        "airtime": ["ok", "insufficient_funds", "wrong_pin", "locked", "limit_exceeded", "other_network", "blocked"],
        "balance": ["ok", "wrong_pin", "locked", "blocked"],
        "statement": ["ok", "empty", "wrong_pin", "locked", "blocked"],
        "change_pin": ["ok", "wrong_pin", "locked", "trivial_pin", "pin_mismatch", "same_pin", "blocked"],
        "set_language": ["ok"],
        "lookup_offnet": ["ok", "self_transfer", "unknown_recipient", "same_network", "below_minimum", "above_maximum", "unavailable"],
        "transfer_offnet": [
            "ok", "pending", "refused", "unavailable", "insufficient_funds", "wrong_pin", "locked", "limit_exceeded", "blocked", "self_transfer",
            "same_network",
        ],
    ]

    public let money: MobileMoney
    /// Transfers to other networks; without it the off-net actions answer `unavailable`.
    public let offNet: (any OffNetTransfers)?

    public init(money: MobileMoney, offNet: (any OffNetTransfers)? = nil) {
        self.money = money
        self.offNet = offNet
    }

    /// Runs action `name` for the subscriber `caller`.
    ///
    /// - Parameter requestID: unique per session and action; it becomes the idempotency key, so a
    ///   gateway that retries a step cannot move money twice.
    public func perform(_ name: String, arguments: [String: String], caller: String, requestID: String) async -> MenuActionOutcome {
        let key = "ussd:\(requestID)"
        do {
            switch name {
            case "register":
                let subscriber = try await money.register(
                    msisdn: caller, name: arguments["name"] ?? "", pin: arguments["pin"] ?? "", confirmation: arguments["pin_confirm"] ?? "",
                    language: Language(rawValue: arguments["language"] ?? "") ?? .fr)
                return MenuActionOutcome("ok", ["subscriber.name": subscriber.name])
            case "lookup_recipient":
                let quote = try await money.lookupRecipient(sender: caller, recipient: arguments["msisdn"] ?? "", amount: try amount(arguments))
                return MenuActionOutcome(
                    "ok",
                    [
                        "recipient.name": quote.name, "recipient.network": quote.network, "fee": String(quote.fee), "total": String(quote.total),
                    ])
            case "transfer":
                let result = try await money.transfer(
                    from: caller, to: arguments["msisdn"] ?? "", amount: try amount(arguments), pin: arguments["pin"] ?? "", idempotencyKey: key)
                return done(result)
            case "lookup_agent":
                let quote = try await money.lookupAgent(subscriber: caller, agentCode: arguments["agent"] ?? "", amount: try amount(arguments))
                return MenuActionOutcome("ok", ["agent.name": quote.name, "fee": String(quote.fee), "total": String(quote.total)])
            case "cashout":
                let result = try await money.cashOut(
                    from: caller, agentCode: arguments["agent"] ?? "", amount: try amount(arguments), pin: arguments["pin"] ?? "", idempotencyKey: key
                )
                return done(result)
            case "airtime":
                let result = try await money.airtime(
                    from: caller, for: arguments["msisdn"] ?? caller, amount: try amount(arguments), pin: arguments["pin"] ?? "", idempotencyKey: key)
                return done(result)
            case "balance":
                return MenuActionOutcome("ok", ["balance": String(try await money.balance(msisdn: caller, pin: arguments["pin"] ?? ""))])
            case "statement":
                let entries = try await money.statement(msisdn: caller, pin: arguments["pin"] ?? "", limit: 5)
                guard !entries.isEmpty else { return MenuActionOutcome("empty") }
                let language = try await money.subscriber(caller)?.language ?? .fr
                return MenuActionOutcome("ok", ["statement": entries.map { Self.line($0, language) }.joined(separator: "\n")])
            case "change_pin":
                try await money.changePin(
                    msisdn: caller, old: arguments["old_pin"] ?? "", new: arguments["new_pin"] ?? "", confirmation: arguments["confirm_pin"] ?? "")
                return MenuActionOutcome("ok")
            case "lookup_offnet":
                guard let offNet else { return MenuActionOutcome("unavailable") }
                let quote = try await offNet.quote(sender: caller, recipient: arguments["msisdn"] ?? "", amount: try amount(arguments))
                return MenuActionOutcome(
                    "ok",
                    [
                        "recipient.name": quote.name, "recipient.network": quote.network, "fee": String(quote.fee), "total": String(quote.total),
                    ])
            case "transfer_offnet":
                guard let offNet else { return MenuActionOutcome("unavailable") }
                let sent = try await offNet.send(
                    from: caller, to: arguments["msisdn"] ?? "", amount: try amount(arguments), pin: arguments["pin"] ?? "", idempotencyKey: key)
                var values = [
                    "reference": sent.transfer.providerKey, "balance": String(sent.transfer.balance), "fee": String(sent.transfer.fee),
                ]
                switch sent.status {
                case .completed: return MenuActionOutcome("ok", values)
                case .pending: return MenuActionOutcome("pending", values)
                case .refunded:
                    values["reason"] = sent.reason ?? ""
                    let unavailable = ["unavailable", "no_provider", "fenced", "reversed"].contains(sent.reason ?? "")
                    return MenuActionOutcome(unavailable ? "unavailable" : "refused", values)
                }
            case "set_language":
                try await money.setLanguage(msisdn: caller, Language(rawValue: arguments["language"] ?? "") ?? .fr)
                return MenuActionOutcome("ok")
            default:
                money.logger.error("menu called an unknown action", metadata: ["action": "\(name)"])
                return MenuActionOutcome("error")
            }
        } catch let error as MobileMoneyError {
            return refusal(error, action: name)
        } catch {
            money.logger.error("menu action failed", metadata: ["action": "\(name)", "error": "\(error)"])
            return MenuActionOutcome("error")
        }
    }

    private func amount(_ arguments: [String: String]) throws -> Int64 {
        guard let text = arguments["amount"], let value = Int64(text), value > 0 else {
            throw MobileMoneyError(.invalidAmount, "amount must be a positive whole number")
        }
        return value
    }

    private func done(_ result: TransferResult) -> MenuActionOutcome {
        MenuActionOutcome("ok", ["reference": result.reference, "balance": String(result.balance), "fee": String(result.fee)])
    }

    private func refusal(_ error: MobileMoneyError, action: String) -> MenuActionOutcome {
        var values: [String: String] = [:]
        var outcome = error.code.rawValue
        switch error.code {
        case .wrongPin:
            values["attempts_left"] = String(error.attemptsLeft ?? 0)
        case .locked:
            let left = max(0, (error.lockedUntil ?? 0) - money.ledger.context.clock())
            values["lock_minutes"] = String((left + 59_999) / 60_000)
        case .limitExceeded:
            values["limit"] = error.limit?.rawValue ?? ""
            if action.hasPrefix("lookup_") {
                outcome = error.limit == .minimum ? "below_minimum" : "above_maximum"
            }
        case .invalidMSISDN, .unknownSubscriber:
            outcome = "unknown_recipient"
        default:
            break
        }
        guard Self.outcomes[action]?.contains(outcome) == true else {
            money.logger.warning("refusal has no menu outcome", metadata: ["action": "\(action)", "code": "\(error.code.rawValue)"])
            return MenuActionOutcome("error", values)
        }
        return MenuActionOutcome(outcome, values)
    }

    /// One mini-statement line: `27/11 -5 000 FCFA AMA M. TM261127.000012`.
    static func line(_ entry: StatementEntry, _ language: Language) -> String {
        let amount = MoneyFormat.amount(entry.signedAmount)
        let sign = entry.signedAmount > 0 ? "+" : ""
        let who: String =
            switch (entry.transfer.kind, language) {
            case (.p2p, _): Subscriber.shortName(entry.counterpartyLabel)
            case (.cashIn, .fr): "Depot"
            case (.cashIn, .en): "Cash-in"
            case (.cashOut, .fr): "Retrait"
            case (.cashOut, .en): "Cash-out"
            case (.airtime, .fr): "Credit"
            case (.airtime, .en): "Airtime"
            case (.reversal, .fr): "Annulation"
            case (.reversal, .en): "Reversal"
            case (.offNet, _): entry.offNetCounterparty ?? entry.counterpartyLabel
            case (.adjustment, .fr): "Correction"
            case (.adjustment, .en): "Adjustment"
            case (_, _): entry.counterpartyLabel
            }
        return "\(MoneyFormat.dayMonth(entry.transfer.createdAt)) \(sign)\(amount) \(who) \(entry.reference)"
    }
}
