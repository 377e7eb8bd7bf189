import Foundation
import Operators
import Yams

/// The demo world of `fixtures/demo-world.yaml`: subscribers with known PINs and balances, one agent
/// per operator. `sika ledger seed`, `sika serve --demo` and every session script start from it.
public struct DemoWorld: Sendable, Decodable {
    public struct Person: Sendable, Decodable {
        public let msisdn: String
        public let name: String
        public let language: Language
        public let tier: Int
        public let pin: String
        public let balance: Int64
        public let status: Subscriber.Status?
        /// A verified e-mail address, so the demo's notices go by e-mail too.
        public let email: String?
    }

    public struct Agent: Sendable, Decodable {
        public let `operator`: String
        public let code: String
        public let name: String
        public let float: Int64
    }

    public let subscribers: [Person]
    public let agents: [Agent]

    public static func load(from url: URL) throws -> DemoWorld {
        do {
            return try YAMLDecoder().decode(DemoWorld.self, from: String(contentsOf: url, encoding: .utf8))
        } catch {
            throw MobileMoneyError(.configuration, "\(url.lastPathComponent): \(error)")
        }
    }

    /// Creates whatever of this world is missing; running it twice changes nothing the second time.
    public func seed(into money: MobileMoney) async throws {
        for agent in agents {
            if try await money.ledger.account(code: "agent:\(agent.operator):\(agent.code)") == nil {
                try await money.addAgent(operatorID: agent.operator, code: agent.code, name: agent.name)
            }
            try await money.fundAgent(operatorID: agent.operator, code: agent.code, amount: agent.float, idempotencyKey: "seed:agent:\(agent.code)")
        }
        for person in subscribers where try await money.subscriber(person.msisdn) == nil {
            try await money.register(
                msisdn: person.msisdn, name: person.name, pin: person.pin, confirmation: person.pin, language: person.language, tier: person.tier)
            if person.balance > 0 {
                _ = try await money.cashIn(to: person.msisdn, amount: person.balance, idempotencyKey: "seed:\(person.msisdn)")
            }
            if person.status == .blocked {
                try await money.setBlocked(msisdn: person.msisdn, true)
            }
        }
        // Also for a ledger seeded before the world had addresses.
        for person in subscribers where try await money.email(msisdn: person.msisdn) == nil {
            if let contact = try person.emailContact { try await money.setVerifiedEmail(msisdn: person.msisdn, contact) }
        }
    }

    /// The world as it is in `money` now, for people: numbers, names, PINs and the wallets' real
    /// balances and statuses (after a restart they are not the seed's). A PIN changed since seeding is
    /// shown as such, never guessed at; a subscriber missing from the ledger is marked.
    public func summary(in money: MobileMoney) async throws -> String {
        var lines = ["MSISDN        NAME              LANG  TIER  PIN   BALANCE"]
        for p in subscribers {
            let name = p.name.padding(toLength: 17, withPad: " ", startingAt: 0)
            guard let state = try await money.demoState(msisdn: p.msisdn, pin: p.pin) else {
                lines.append("\(p.msisdn)   \(name) (not registered)")
                continue
            }
            let pin = state.pinMatches ? p.pin : "(changed)"
            let status = state.status == .active ? "" : "  (\(state.status.rawValue))"
            lines.append(
                "\(p.msisdn)   \(name) \(state.language.rawValue)    \(state.tier)     \(pin)  \(MoneyFormat.amount(state.balance))\(status)")
        }
        for a in agents {
            let float = try await money.ledger.account(code: "agent:\(a.operator):\(a.code)")?.balance ?? 0
            lines.append("agent \(a.code) (\(a.operator)) \(a.name): float \(MoneyFormat.amount(float))")
        }
        var addresses: [String] = []
        for p in subscribers {
            guard let email = try await money.email(msisdn: p.msisdn) else { continue }
            addresses.append("  \(p.msisdn)   \(email.address)\(email.verified ? "" : " (not verified: no notices)")")
        }
        if !addresses.isEmpty {
            lines.append("E-mail addresses (every notice to a verified one goes by e-mail too):")
            lines += addresses
        }
        return lines.joined(separator: "\n")
    }

    /// A table of the world as the file describes it (before seeding): numbers, names, PINs, balances.
    /// (E-mail addresses are in ``summary(in:)``, read from the ledger.)
    public var summary: String {
        var lines = ["MSISDN        NAME              LANG  TIER  PIN   BALANCE"]
        for p in subscribers {
            let name = p.name.padding(toLength: 17, withPad: " ", startingAt: 0)
            lines.append(
                "\(p.msisdn)   \(name) \(p.language.rawValue)    \(p.tier)     \(p.pin)  \(MoneyFormat.amount(p.balance))\(p.status == .blocked ? "  (blocked)" : "")"
            )
        }
        for a in agents {
            lines.append("agent \(a.code) (\(a.operator)) \(a.name): float \(MoneyFormat.amount(a.float))")
        }
        return lines.joined(separator: "\n")
    }
}

extension DemoWorld.Person {
    /// The person's address with its name, checked; nil when the world gives none.
    var emailContact: EmailContact? {
        get throws { try email.map { try EmailContact(address: $0, displayName: name) } }
    }
}
