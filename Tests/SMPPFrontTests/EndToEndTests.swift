import Foundation
import Ledger
import SMPP
import SMPPFront
import TestSupport
import Testing

/// Sika's SMPP client against Sika's SMPP server, two worlds in this process: the operator network (simulated phones,
/// SMPP server) and the mobile-money service bound to it as T-Money's ESME. A transfer dialled on a phone of the
/// network's web page is served over SMPP end to end, and its receipts come back to both phones with receipts of
/// their own, which settle the service's outbox.
@Suite(.timeLimit(.minutes(2))) struct EndToEndTests {
    static let kofi = "22890112233"
    static let ama = "22890445566"
    static let service = ESMEAccount(systemID: "tmoney-mm", password: "mm-pw", servesOperator: "tmoney")

    @Test func aTransferDialledOnAPhoneIsServedOverSMPPWithReceiptsAndDLRs() async throws {
        let network = try await SMPPWorld.start(accounts: [Self.service])
        var link = SMPPLinkConfiguration(operatorID: "tmoney", host: "127.0.0.1", port: network.smppPort, systemID: "tmoney-mm", password: "mm-pw")
        link.reconnectDelay = .milliseconds(50)
        let money = try await SMPPWorld.start(accounts: nil, links: [link])
        try await money.client?.waitUntilBound()
        try await network.phone(Self.kofi)
        try await network.phone(Self.ama)

        let confirm = try await network.dial(Self.kofi, "*145*1*1*90445566*5000#")
        let screen = try #require(confirm["screen"] as? String, Comment(rawValue: "\(confirm)"))
        #expect(screen.contains("5 000"), "\(screen)")
        #expect(confirm["final"] as? Bool == false)
        let session = try #require(confirm["session"] as? String)
        let pin = try await network.answer(session, "1")
        #expect((pin["screen"] as? String)?.contains("code secret") == true, "\(pin)")
        let done = try await network.answer(session, "2580")
        #expect(done["final"] as? Bool == true)
        #expect((done["screen"] as? String)?.contains("reussi") == true, "\(done)")

        // The money moved in the service's ledger, not in the network's.
        #expect(try await money.world.balance(Self.kofi) == 44_950)
        #expect(try await money.world.balance(Self.ama) == 30_000)
        #expect(try await network.world.balance(Self.kofi) == 50_000)

        // Both receipts reached the phones on the network, from T-Money's short code…
        let kofiInbox = try await network.inbox(Self.kofi, count: 1)
        let amaInbox = try await network.inbox(Self.ama, count: 1)
        #expect(kofiInbox.map(\.from) == ["1455"])
        #expect(kofiInbox.first?.text.contains("5 000") == true)
        #expect(amaInbox.first?.text.contains("5 000") == true)
        // …and the network's receipts settled the service's outbox.
        #expect(try await eventually { try await money.outbox(Self.kofi).deliveryState == .delivered })
        #expect(try await eventually { try await money.outbox(Self.ama).deliveryState == .delivered })
        #expect(try await money.world.ledger.verify().isClean)

        try await money.stop()
        try await network.stop()
    }

    @Test func aBalanceCheckDialledOnThePageShowsTheServicesAnswer() async throws {
        let network = try await SMPPWorld.start(accounts: [Self.service])
        var link = SMPPLinkConfiguration(operatorID: "tmoney", host: "127.0.0.1", port: network.smppPort, systemID: "tmoney-mm", password: "mm-pw")
        link.reconnectDelay = .milliseconds(50)
        let money = try await SMPPWorld.start(accounts: nil, links: [link])
        try await money.client?.waitUntilBound()
        try await network.phone(Self.kofi)
        let prompt = try await network.dial(Self.kofi, "*145*4*1#")
        let session = try #require(prompt["session"] as? String)
        let balance = try await network.answer(session, "2580")
        #expect((balance["screen"] as? String)?.contains("50 000 FCFA") == true, "\(balance)")
        // A wrong PIN is the service's refusal, shown as its screen.
        let again = try await network.dial(Self.kofi, "*145*4*1#")
        let wrong = try await network.answer(try #require(again["session"] as? String), "1111")
        #expect((wrong["screen"] as? String)?.contains("essai") == true, "\(wrong)")
        try await money.stop()
        try await network.stop()
    }
}
