import Foundation
import MenuEngine
import Yams

/// An in-memory stand-in for MobileMoney + Ledger, seeded from `fixtures/demo-world.yaml` and
/// `menus/operators.yaml`, answering the actions of `menus/actions.yaml` the way the real host is
/// specified to (fees by band, tier limits, PIN lockout after 3 wrong PINs for 30 minutes).
/// Only for running the session scripts without the real host; its SMS wording is its own.
struct FakeWorld {
    struct Band {
        var upTo: Int64
        var fixed: Int64
        var rateBps: Int64

        static func fee(_ bands: [Band], _ amount: Int64) -> Int64 {
            guard let band = bands.first(where: { $0.upTo >= amount }) else { return 0 }
            return band.fixed + amount * band.rateBps / 10000
        }
    }

    struct Operator {
        var id: String
        var prefix: String
        var numbering: [String]
        var minTransfer: Int64
        var maxTransfer: Int64
        var tiers: [Int: (daily: Int64, cap: Int64)]
        var onNet: [Band]
        var cashOut: [Band]
        var name = ""
        var offNet: [Band] = []
    }

    /// The numbers whose off-net credits the script simulators never answer (`InProcessTarget.scriptFaults`).
    static let heldOffNetRecipients: Set<String> = ["22898765432", "22890765432"]

    struct Subscriber {
        var msisdn: String
        var name: String
        var language: String
        var tier: Int
        var pin: String
        var balance: Int64
        var blocked: Bool
        var failedPins = 0
        var locked = false
        var sentToday: Int64 = 0
        var statement: [String] = []
    }

    static let lockMinutes = 30
    static let maxPinAttempts = 3

    var operators: [Operator] = []
    var subscribers: [String: Subscriber] = [:]
    var agents: [String: (operatorID: String, name: String)] = [:]
    var sms: [String: [String]] = [:]
    var nextReference = 1

    /// The demo world of the repository.
    static func demo(root: URL) throws -> FakeWorld {
        let operatorsYAML = try String(contentsOf: root.appending(path: "menus/operators.yaml"), encoding: .utf8)
        let worldYAML = try String(contentsOf: root.appending(path: "fixtures/demo-world.yaml"), encoding: .utf8)
        return try FakeWorld(operatorsYAML: operatorsYAML, worldYAML: worldYAML)
    }

    init(operatorsYAML: String, worldYAML: String) throws {
        let operatorsRoot = try Yams.load(yaml: operatorsYAML) as? [String: Any] ?? [:]
        for entry in operatorsRoot["operators"] as? [[String: Any]] ?? [] {
            let limits = entry["limits"] as? [String: Any] ?? [:]
            let fees = entry["fees"] as? [String: Any] ?? [:]
            func bands(_ key: String) -> [Band] {
                (fees[key] as? [[String: Any]] ?? []).map {
                    Band(upTo: Self.int($0["upTo"]), fixed: Self.int($0["fixed"]), rateBps: Self.int($0["rateBps"]))
                }
            }
            var tiers: [Int: (Int64, Int64)] = [:]
            for tier in limits["tiers"] as? [[String: Any]] ?? [] {
                tiers[Int(Self.int(tier["tier"]))] = (Self.int(tier["dailyOutgoing"]), Self.int(tier["balanceCap"]))
            }
            operators.append(
                Operator(
                    id: entry["id"] as? String ?? "", prefix: entry["referencePrefix"] as? String ?? "",
                    numbering: (entry["numbering"] as? [Any] ?? []).map { "\($0)" },
                    minTransfer: Self.int(limits["minTransfer"]), maxTransfer: Self.int(limits["maxTransfer"]), tiers: tiers,
                    onNet: bands("onNet"), cashOut: bands("cashOut"), name: entry["name"] as? String ?? "", offNet: bands("offNet")))
        }
        let world = try Yams.load(yaml: worldYAML) as? [String: Any] ?? [:]
        for entry in world["subscribers"] as? [[String: Any]] ?? [] {
            let msisdn = "\(entry["msisdn"] ?? "")"
            subscribers[msisdn] = Subscriber(
                msisdn: msisdn, name: entry["name"] as? String ?? "", language: entry["language"] as? String ?? "fr",
                tier: Int(Self.int(entry["tier"])), pin: "\(entry["pin"] ?? "")", balance: Self.int(entry["balance"]),
                blocked: (entry["status"] as? String) == "blocked")
        }
        for entry in world["agents"] as? [[String: Any]] ?? [] {
            agents["\(entry["code"] ?? "")"] = ("\(entry["operator"] ?? "")", entry["name"] as? String ?? "")
        }
    }

    static func int(_ value: Any?) -> Int64 {
        switch value {
        case let value as Int: Int64(value)
        case let value as Int64: value
        case let value as String: Int64(value) ?? 0
        default: 0
        }
    }

    func operatorOf(_ msisdn: String) -> Operator? {
        operators.first { $0.numbering.contains { msisdn.hasPrefix($0) } }
    }

    func context(for msisdn: String) -> SubscriberContext {
        let subscriber = subscribers[msisdn]
        return SubscriberContext(
            msisdn: msisdn, operatorID: operatorOf(msisdn)?.id ?? "", registered: subscriber != nil,
            language: subscriber?.language ?? "fr", name: subscriber?.name)
    }

    /// "Ama Mensah" → "AMA M.", the shortened form receipts and confirm screens show.
    static func shortName(_ name: String) -> String {
        let parts = name.uppercased().split(separator: " ")
        guard let first = parts.first else { return "" }
        return parts.count > 1 ? "\(first) \(parts[1].prefix(1))." : String(first)
    }

    static func money(_ amount: Int64) -> String { MoneyFormat.format(amount) }

    mutating func send(_ msisdn: String, _ text: String) {
        sms[msisdn, default: []].append(text)
    }

    mutating func reference(_ op: Operator) -> String {
        defer { nextReference += 1 }
        return op.prefix + String(format: "%08d", nextReference)
    }

    /// Checks the caller's PIN; the failure outcome when it is wrong or the wallet is locked.
    mutating func checkPin(_ caller: String, _ pin: String) -> ActionOutcome? {
        guard var subscriber = subscribers[caller] else { return ActionOutcome("blocked") }
        if subscriber.blocked { return ActionOutcome("blocked") }
        if subscriber.locked { return ActionOutcome("locked", values: ["lock_minutes": String(Self.lockMinutes)]) }
        if subscriber.pin != pin {
            subscriber.failedPins += 1
            if subscriber.failedPins >= Self.maxPinAttempts {
                subscriber.locked = true
                subscribers[caller] = subscriber
                return ActionOutcome("locked", values: ["lock_minutes": String(Self.lockMinutes), "attempts_left": "0"])
            }
            subscribers[caller] = subscriber
            return ActionOutcome("wrong_pin", values: ["attempts_left": String(Self.maxPinAttempts - subscriber.failedPins)])
        }
        subscriber.failedPins = 0
        subscribers[caller] = subscriber
        return nil
    }

    static func isTrivial(_ pin: String) -> Bool {
        let digits = pin.compactMap(\.wholeNumberValue)
        guard digits.count == 4 else { return true }
        if Set(digits).count == 1 { return true }
        let steps = zip(digits, digits.dropFirst()).map { $1 - $0 }
        return steps.allSatisfy { $0 == 1 } || steps.allSatisfy { $0 == -1 }
    }

    /// Runs one action for `caller`.
    mutating func run(_ call: ActionCall, caller: String) -> ActionOutcome {
        let arguments = call.arguments
        let amount = Int64(arguments["amount"] ?? "") ?? 0
        guard let op = operatorOf(caller) else { return .error }
        switch call.name {
        case "register":
            let name = (arguments["name"] ?? "").trimmingCharacters(in: .whitespaces)
            if subscribers[caller] != nil { return ActionOutcome("already_registered") }
            if name.filter(\.isLetter).count < 2 { return ActionOutcome("invalid_name") }
            let pin = arguments["pin"] ?? ""
            if Self.isTrivial(pin) { return ActionOutcome("trivial_pin") }
            if pin != arguments["pin_confirm"] { return ActionOutcome("pin_mismatch") }
            subscribers[caller] = Subscriber(msisdn: caller, name: name, language: "fr", tier: 0, pin: pin, balance: 0, blocked: false)
            send(caller, "Bienvenue \(name). Votre compte est ouvert.")
            return ActionOutcome("ok", values: ["subscriber.name": name])
        case "lookup_recipient":
            let recipient = arguments["msisdn"] ?? ""
            if recipient == caller { return ActionOutcome("self_transfer") }
            if operatorOf(recipient)?.id != op.id { return ActionOutcome("other_network") }
            if amount < op.minTransfer { return ActionOutcome("below_minimum") }
            if amount > op.maxTransfer { return ActionOutcome("above_maximum") }
            guard let target = subscribers[recipient] else { return ActionOutcome("unknown_recipient") }
            if target.blocked { return ActionOutcome("recipient_blocked") }
            let fee = Band.fee(op.onNet, amount)
            return ActionOutcome(
                "ok",
                values: [
                    "recipient.name": Self.shortName(target.name), "recipient.network": op.id, "fee": String(fee), "total": String(amount + fee),
                ])
        case "transfer":
            if let refused = checkPin(caller, arguments["pin"] ?? "") { return refused }
            let recipient = arguments["msisdn"] ?? ""
            if recipient == caller { return ActionOutcome("self_transfer") }
            guard let target = subscribers[recipient], operatorOf(recipient)?.id == op.id else { return ActionOutcome("unknown_recipient") }
            if target.blocked { return ActionOutcome("recipient_blocked") }
            let fee = Band.fee(op.onNet, amount)
            return move(op: op, from: caller, to: recipient, amount: amount, fee: fee) { reference, sender, receiver in
                (
                    "Vous avez envoye \(Self.money(amount)) a \(receiver.name) (\(recipient)). Frais: \(Self.money(fee)). Ref: \(reference). "
                        + "Nouveau solde: \(Self.money(sender.balance)).",
                    "Vous avez recu \(Self.money(amount)) de \(sender.name) (\(caller)). Ref: \(reference). "
                        + "Nouveau solde: \(Self.money(receiver.balance))."
                )
            }
        case "lookup_offnet":
            let recipient = arguments["msisdn"] ?? ""
            if recipient == caller { return ActionOutcome("self_transfer") }
            guard let destination = operatorOf(recipient) else { return ActionOutcome("unknown_recipient") }
            if destination.id == op.id { return ActionOutcome("same_network") }
            if amount < op.minTransfer { return ActionOutcome("below_minimum") }
            if amount > op.maxTransfer { return ActionOutcome("above_maximum") }
            let fee = Band.fee(op.offNet, amount)
            return ActionOutcome(
                "ok",
                values: [
                    "recipient.name": MSISDN.localPart(of: recipient), "recipient.network": destination.name, "fee": String(fee),
                    "total": String(amount + fee),
                ])
        case "transfer_offnet":
            if let refused = checkPin(caller, arguments["pin"] ?? "") { return refused }
            let recipient = arguments["msisdn"] ?? ""
            guard let destination = operatorOf(recipient), destination.id != op.id else { return ActionOutcome("same_network") }
            let fee = Band.fee(op.offNet, amount)
            if Self.heldOffNetRecipients.contains(recipient) {
                var outcome = move(op: op, from: caller, to: nil, amount: amount, fee: fee) { reference, _, _ in
                    ("Transfert de \(Self.money(amount)) vers \(destination.name) en cours. Ref: \(reference).", nil)
                }
                if outcome.name == "ok" { outcome = ActionOutcome("pending", values: outcome.values) }
                return outcome
            }
            guard subscribers[recipient] != nil else {
                send(caller, "Transfert de \(Self.money(amount)) vers \(destination.name) echoue. Montant et frais rembourses.")
                return ActionOutcome("refused", values: ["reason": "unknown_recipient"])
            }
            return move(op: op, from: caller, to: recipient, amount: amount, fee: fee) { reference, sender, receiver in
                (
                    "Vous avez envoye \(Self.money(amount)) vers \(destination.name) (\(recipient)). Frais: \(Self.money(fee)). Ref: \(reference). "
                        + "Nouveau solde: \(Self.money(sender.balance)).",
                    "Vous avez recu \(Self.money(amount)) de \(caller) (\(op.name)). Ref: \(reference). Nouveau solde: \(Self.money(receiver.balance))."
                )
            }
        case "lookup_agent":
            guard let agent = agents[arguments["agent"] ?? ""], agent.operatorID == op.id else { return ActionOutcome("unknown_agent") }
            if amount < op.minTransfer { return ActionOutcome("below_minimum") }
            if amount > op.maxTransfer { return ActionOutcome("above_maximum") }
            let fee = Band.fee(op.cashOut, amount)
            return ActionOutcome("ok", values: ["agent.name": agent.name, "fee": String(fee), "total": String(amount + fee)])
        case "cashout":
            if let refused = checkPin(caller, arguments["pin"] ?? "") { return refused }
            guard let agent = agents[arguments["agent"] ?? ""], agent.operatorID == op.id else { return ActionOutcome("unknown_agent") }
            let fee = Band.fee(op.cashOut, amount)
            return move(op: op, from: caller, to: nil, amount: amount, fee: fee) { reference, sender, _ in
                (
                    "Retrait de \(Self.money(amount)) chez \(agent.name). Frais: \(Self.money(fee)). Ref: \(reference). "
                        + "Solde: \(Self.money(sender.balance)).",
                    nil
                )
            }
        case "airtime":
            if let refused = checkPin(caller, arguments["pin"] ?? "") { return refused }
            let number = arguments["msisdn"] ?? ""
            if operatorOf(number)?.id != op.id { return ActionOutcome("other_network") }
            var outcome = move(op: op, from: caller, to: nil, amount: amount, fee: 0) { reference, sender, _ in
                ("Credit de \(Self.money(amount)) pour le \(number). Ref: \(reference). Solde: \(Self.money(sender.balance)).", nil)
            }
            outcome.values["fee"] = nil
            return outcome
        case "balance":
            if let refused = checkPin(caller, arguments["pin"] ?? "") { return refused }
            return ActionOutcome("ok", values: ["balance": String(subscribers[caller]?.balance ?? 0)])
        case "statement":
            if let refused = checkPin(caller, arguments["pin"] ?? "") { return refused }
            let lines = subscribers[caller]?.statement ?? []
            return lines.isEmpty ? ActionOutcome("empty") : ActionOutcome("ok", values: ["statement": lines.reversed().joined(separator: "\n")])
        case "change_pin":
            if let refused = checkPin(caller, arguments["old_pin"] ?? "") { return refused }
            let new = arguments["new_pin"] ?? ""
            if Self.isTrivial(new) { return ActionOutcome("trivial_pin") }
            if new != arguments["confirm_pin"] { return ActionOutcome("pin_mismatch") }
            if new == arguments["old_pin"] { return ActionOutcome("same_pin") }
            subscribers[caller]?.pin = new
            return ActionOutcome("ok")
        case "set_language":
            subscribers[caller]?.language = arguments["language"] ?? "fr"
            return ActionOutcome("ok")
        default:
            return .error
        }
    }

    /// Debits the caller by amount + fee (and credits the recipient), checking funds and limits.
    mutating func move(
        op: Operator, from caller: String, to recipient: String?, amount: Int64, fee: Int64,
        receipts: (String, Subscriber, Subscriber) -> (String, String?)
    ) -> ActionOutcome {
        guard var sender = subscribers[caller], let tier = op.tiers[sender.tier] else { return .error }
        if sender.sentToday + amount > tier.daily { return ActionOutcome("limit_exceeded", values: ["limit": String(tier.daily)]) }
        if let recipient, let receiver = subscribers[recipient], let cap = op.tiers[receiver.tier]?.cap, receiver.balance + amount > cap {
            return ActionOutcome("limit_exceeded", values: ["limit": String(cap)])
        }
        if sender.balance < amount + fee { return ActionOutcome("insufficient_funds") }
        let reference = reference(op)
        sender.balance -= amount + fee
        sender.sentToday += amount
        sender.statement.append("-\(Self.money(amount)) \(recipient.map { MSISDN.localPart(of: $0) } ?? "retrait") \(reference)")
        subscribers[caller] = sender
        var receiver = sender
        if let recipient, var credited = subscribers[recipient] {
            credited.balance += amount
            credited.statement.append("+\(Self.money(amount)) \(MSISDN.localPart(of: caller)) \(reference)")
            subscribers[recipient] = credited
            receiver = credited
        }
        let (senderText, receiverText) = receipts(reference, sender, receiver)
        send(caller, senderText)
        if let recipient, let receiverText { send(recipient, receiverText) }
        return ActionOutcome(
            "ok", values: ["reference": reference, "balance": String(sender.balance), "fee": String(fee)])
    }
}
