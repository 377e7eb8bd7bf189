import Foundation
import GatewayCore
import Ledger
import NIOCore
import SMPP
import SMPPFront
import TestSupport
import Testing

/// The mobile-money service as an ESME of an operator's SMSC / USSD gateway (`sika serve --smpp-connect`): the
/// gateway (a test SMSC on this package's SMPP server) sends dialogues as deliver_sm and takes the screens and the
/// receipts as submit_sm, and its delivery receipts land in the outbox.
@Suite(.timeLimit(.minutes(2))) struct ClientRoleTests {
    static let kofi = "22890112233"
    static let ama = "22890445566"
    static let akosua = "22896112233"

    static func dial(_ text: String, from msisdn: String = kofi, session: UInt8, code: String = "*145#") -> DeliverSM {
        .ussd(
            .pssrIndication, source: .international(msisdn), destination: Address(code), text: text, session: ITSSessionInfo(sessionNumber: session))
    }

    static func answer(_ text: String, from msisdn: String = kofi, session: UInt8, sequence: UInt8, code: String = "*145#") -> DeliverSM {
        .ussd(
            .ussrConfirm, source: .international(msisdn), destination: Address(code), text: text,
            session: ITSSessionInfo(sessionNumber: session, sequenceNumber: sequence))
    }

    @Test func aUSSDDialogueIsServedByTheMenus() async throws {
        let smsc = try await TestSMSC.start()
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()])
        var submits = SubmitReader(smsc)
        #expect(try await smsc.deliver(Self.dial("*145#", session: 5)) == .ok)
        let menu = try await submits.next().message
        #expect(menu.serviceType == "USSD")
        #expect(menu.options.ussdServiceOp == .ussrRequest)
        #expect(menu.options.itsSessionInfo == ITSSessionInfo(sessionNumber: 5, sequenceNumber: 1))
        #expect(menu.source.address == "*145#")
        #expect(menu.destination == .international(Self.kofi))
        #expect(menu.text.hasPrefix("T-Money\n1. Envoyer de l'argent"))
        for (input, sequence, expected) in [("4", UInt8(2), "Mon compte"), ("1", 4, "Solde\nEntrez votre code secret")] {
            #expect(try await smsc.deliver(Self.answer(input, session: 5, sequence: sequence)) == .ok)
            let screen = try await submits.next().message
            #expect(screen.text.hasPrefix(expected))
            #expect(screen.options.itsSessionInfo?.sequenceNumber == sequence + 1)
        }
        #expect(try await smsc.deliver(Self.answer("2580", session: 5, sequence: 6)) == .ok)
        let last = try await submits.next().message
        #expect(last.options.ussdServiceOp == .pssrResponse)
        #expect(last.options.itsSessionInfo == ITSSessionInfo(sessionNumber: 5, sequenceNumber: 7, endOfSession: true))
        #expect(last.text.contains("50 000 FCFA"))
        #expect(await eventually { await world.client?.dialogueCount() == 0 })
        try await world.stop()
        await smsc.stop()
    }

    /// The refusals of every front, as deliver_sm_resp statuses (docs/SMPP.md).
    @Test func refusalsAreAnsweredWithTheirStatus() async throws {
        let smsc = try await TestSMSC.start()
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()])
        var submits = SubmitReader(smsc)
        // 403: a Flooz number on T-Money's bind; Flooz's code from a T-Money number.
        #expect(try await smsc.deliver(Self.dial("*145#", from: Self.akosua, session: 1)) == .invalidSourceAddress)
        #expect(try await smsc.deliver(Self.dial("*155#", session: 1, code: "*155#")) == .invalidDestinationAddress)
        // 400: not a phone number; not a dial string; an operation that is neither an opening nor an answer.
        #expect(try await smsc.deliver(Self.dial("*145#", from: "228", session: 1)) == .receiverRejectMessage)
        #expect(try await smsc.deliver(Self.dial("*14a#", session: 1)) == .receiverRejectMessage)
        var notification = Self.dial("*145#", session: 1)
        notification.options.ussdServiceOp = .ussnConfirm
        #expect(try await smsc.deliver(notification) == .receiverRejectMessage)
        // 404: an answer in a dialogue that never opened.
        #expect(try await smsc.deliver(Self.answer("1", session: 9, sequence: 2)) == .receiverPermanentAppError)
        // 409: the same dialogue opened twice.
        #expect(try await smsc.deliver(Self.dial("*145#", session: 2)) == .ok)
        _ = try await submits.next()
        #expect(try await smsc.deliver(Self.dial("*145#", session: 2)) == .invalidMessageID)
        // The same number in another dialogue is another session.
        #expect(try await smsc.deliver(Self.dial("*145#", session: 3)) == .ok)
        _ = try await submits.next()
        // A release ends it; an answer after that is 404.
        var release = Self.answer("", session: 3, sequence: 2)
        release.options.itsSessionInfo = ITSSessionInfo(sessionNumber: 3, sequenceNumber: 2, endOfSession: true)
        #expect(try await smsc.deliver(release) == .ok)
        #expect(try await smsc.deliver(Self.answer("4", session: 3, sequence: 3)) == .receiverPermanentAppError)
        // 503: shutting down.
        world.core.beginDraining()
        #expect(try await smsc.deliver(Self.dial("*145#", session: 4)) == .receiverTemporaryAppError)
        try await world.stop()
        await smsc.stop()
    }

    /// A transfer's receipts leave as submit_sm asking for a receipt; the SMSC's receipts then settle them in the
    /// outbox: delivered, or retried with backoff after a failure, then delivered.
    @Test func receiptsLeaveAsSubmitSMAndTheirReceiptsSettleTheOutbox() async throws {
        let smsc = try await TestSMSC.start()
        let policy = SMSDeliveryPolicy(maxAttempts: 3, backoff: .milliseconds(200), maximumBackoff: .seconds(1), validity: .seconds(3600))
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()], policy: .custom(policy))
        var submits = SubmitReader(smsc)
        _ = try await smsc.bound()
        try await world.transfer(from: Self.kofi, to: Self.ama, amount: 5000, pin: "2580")
        var receipts: [String: (id: String, message: SubmitSM)] = [:]
        while receipts.count < 2 {
            let next = try await submits.next()
            guard !next.message.isUSSD else { continue }
            receipts[next.message.destination.address] = next
        }
        for (msisdn, submit) in receipts {
            #expect(submit.message.source == .shortCode("1455"))
            #expect(submit.message.registeredDelivery == 1)
            #expect(submit.message.validityPeriod.hasSuffix("R"), "the rest of the validity, relative")
            #expect(submit.message.text.contains("5 000"), "\(msisdn): \(submit.message.text)")
        }
        let kofi = try #require(receipts[Self.kofi])
        let ama = try #require(receipts[Self.ama])
        #expect(try await eventually { try await world.outbox(Self.kofi).deliveryState == .submitted })

        #expect(try await smsc.deliver(Self.receipt(for: kofi, state: .delivered)) == .ok)
        #expect(try await smsc.deliver(Self.receipt(for: ama, state: .undeliverable)) == .ok)
        #expect(try await world.outbox(Self.kofi).deliveryState == .delivered)
        #expect(try await world.outbox(Self.ama).deliveryState == .retrying)
        // After the backoff the sweep puts it back in the outbox, and it goes again.
        var again = try await submits.next()
        while again.message.destination.address != Self.ama || again.message.isUSSD { again = try await submits.next() }
        #expect(again.message.text == ama.message.text)
        #expect(try await smsc.deliver(Self.receipt(for: again, state: .delivered)) == .ok)
        let settled = try await world.outbox(Self.ama)
        #expect(settled.deliveryState == .delivered)
        #expect(settled.attempts == 2)
        #expect(try await world.world.ledger.verify().isClean)
        try await world.stop()
        await smsc.stop()
    }

    /// A receipt longer than one SMS leaves as concatenated parts (UDH), each with its own id; the message is
    /// delivered once every part is.
    @Test func aLongReceiptLeavesInPartsAndIsDeliveredWhenEveryPartIs() async throws {
        let smsc = try await TestSMSC.start()
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()])
        var submits = SubmitReader(smsc)
        _ = try await smsc.bound()
        let text = String(repeating: "Recu de 5 000 FCFA de Ama. ", count: 10)
        try await world.world.ledger.write { tx in
            try tx.rows.insertMessages([
                NewOutboxMessage(msisdn: Self.kofi, operatorID: "tmoney", sender: "1455", body: text, transferID: nil, createdAt: tx.now)
            ])
        }
        world.core.dispatcher.nudge()
        let parts = [try await submits.next(), try await submits.next()]
        #expect(parts.allSatisfy { $0.message.hasUDH && $0.message.registeredDelivery == 1 })
        var reassembler = ConcatenationReassembler()
        var whole: String?
        for part in parts {
            if case .complete(let message) = reassembler.receive(part.message, now: .now()) { whole = message.text }
        }
        #expect(whole == text)
        #expect(await eventually { (try? await world.outbox(Self.kofi).attempts) == 1 })
        #expect(try await smsc.deliver(Self.receipt(for: parts[0], state: .delivered)) == .ok)
        #expect(try await world.outbox(Self.kofi).deliveryState == .submitted, "one part of two")
        #expect(try await smsc.deliver(Self.receipt(for: parts[1], state: .delivered)) == .ok)
        #expect(try await world.outbox(Self.kofi).deliveryState == .delivered)
        try await world.stop()
        await smsc.stop()
    }

    @Test func aReceiptFasterThanTheRecordOfItsSubmissionIsNotLost() async throws {
        // The SMSC answers each submit with its receipt at once, as this package's own SMSC does.
        let smsc = try await TestSMSC.start()
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()])
        let eager = Task {
            for await (id, message) in smsc.submits where !message.isUSSD {
                _ = try await smsc.deliver(Self.receipt(for: (id, message), state: .delivered))
            }
        }
        _ = try await smsc.bound()
        try await world.transfer(from: Self.kofi, to: Self.ama, amount: 1000, pin: "2580")
        #expect(try await eventually { try await world.outbox(Self.kofi).deliveryState == .delivered })
        #expect(try await eventually { try await world.outbox(Self.ama).deliveryState == .delivered })
        eager.cancel()
        try await world.stop()
        await smsc.stop()
    }

    @Test func throttledSubmitsStayInTheOutboxAndGoLater() async throws {
        let smsc = try await TestSMSC.start()
        smsc.refuseNext([.throttled, .throttled])
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()])
        _ = try await smsc.bound()
        try await world.transfer(from: Self.kofi, to: Self.ama, amount: 1000, pin: "2580")
        var submits = SubmitReader(smsc)
        var receipts: Set<String> = []
        while receipts.count < 2 {
            let next = try await submits.next()
            if !next.message.isUSSD { receipts.insert(next.message.destination.address) }
        }
        #expect(receipts == [Self.kofi, Self.ama])
        try await world.stop()
        await smsc.stop()
    }

    @Test func anSMSToTheShortCodeIsAnswered() async throws {
        let smsc = try await TestSMSC.start()
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()])
        var submits = SubmitReader(smsc)
        let sms = SubmitSM(source: .international(Self.kofi), destination: .shortCode("1455"), shortMessage: GSM7.encode("SOLDE")!)
        #expect(try await smsc.deliver(sms) == .ok)
        let reply = try await submits.next().message
        #expect(reply.destination == .international(Self.kofi))
        #expect(reply.source == .shortCode("1455"))
        #expect(reply.text.contains("*145#"), "balances are never sent by SMS: the reply points to the menu")
        // Another short code, and another operator's subscriber, are refused.
        let elsewhere = SubmitSM(source: .international(Self.kofi), destination: .shortCode("1555"), shortMessage: GSM7.encode("SOLDE")!)
        #expect(try await smsc.deliver(elsewhere) == .invalidDestinationAddress)
        let stranger = SubmitSM(source: .international(Self.akosua), destination: .shortCode("1455"), shortMessage: GSM7.encode("SOLDE")!)
        #expect(try await smsc.deliver(stranger) == .invalidSourceAddress)
        try await world.stop()
        await smsc.stop()
    }

    @Test func theLinkBindsAgainAfterTheSMSCDropsIt() async throws {
        let smsc = try await TestSMSC.start()
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()])
        _ = try await smsc.bound()
        await smsc.drop()
        _ = try await smsc.bound(count: 2)
        var submits = SubmitReader(smsc)
        #expect(try await smsc.deliver(Self.dial("*145#", session: 1)) == .ok)
        #expect(try await submits.next().message.text.hasPrefix("T-Money"))
        try await world.stop()
        await smsc.stop()
    }

    /// A refused bind is tried again with backoff; meanwhile the operator's receipts wait in the outbox for the link:
    /// the web simulator running beside it does not take them as a fallback (it did, and a receipt written just
    /// before a link's first bind never reached the SMSC).
    @Test func aWrongPasswordIsRetriedWithBackoffNotInALoopAndReceiptsWaitForTheLink() async throws {
        let smsc = try await TestSMSC.start()
        var link = smsc.link()
        link.password = "wrong"
        link.reconnectDelay = .milliseconds(100)
        link.maximumReconnectDelay = .milliseconds(400)
        let world = try await SMPPWorld.start(accounts: nil, links: [link])
        try await world.transfer(from: Self.kofi, to: Self.ama, amount: 1000, pin: "2580")
        // Twenty of the dispatcher's polls and more.
        try await Task.sleep(for: .seconds(1))
        #expect(smsc.binds == 0)
        #expect(world.client?.boundLinks == 0)
        #expect(try await world.outbox(Self.kofi).deliveredAt == nil)
        #expect(try await world.outbox(Self.ama).deliveredAt == nil)
        try await world.stop()
        await smsc.stop()
    }

    @Test func shutdownUnbindsTheLink() async throws {
        let smsc = try await TestSMSC.start()
        let world = try await SMPPWorld.start(accounts: nil, links: [smsc.link()])
        _ = try await smsc.bound()
        try await world.stop()
        #expect(await eventually { smsc.session == nil })
        await smsc.stop()
    }

    /// A receipt deliver_sm for one submitted part, as an SMSC writes it.
    static func receipt(for submit: (id: String, message: SubmitSM), state: MessageState) -> DeliverSM {
        DeliveryReceipt(
            messageID: submit.id, submitDate: ReceiptDate(unixSeconds: 1_795_773_600), doneDate: ReceiptDate(unixSeconds: 1_795_773_660),
            state: state, text: submit.message.text
        ).deliverSM(originalSource: submit.message.source, originalDestination: submit.message.destination)
    }
}

extension SMPPWorld {
    /// Sends money through the in-process menus (`*145*1*1*<number>*<amount>#`, confirm, PIN), as a phone would.
    func transfer(from: String, to: String, amount: Int64, pin: String) async throws {
        let key = "transfer-\(UUID().uuidString)"
        for step in [
            SessionStep.begin(msisdn: from, dial: "*145*1*1*\(to.dropFirst(3))*\(amount)#", operatorID: "tmoney", front: "test"),
            .reply(input: "1"), .reply(input: pin),
        ] {
            guard case .reply = await core.perform(step, key: key) else { throw SMPPTestError("the transfer step \(step) was refused") }
        }
    }

    /// The newest outbox message to `msisdn`.
    func outbox(_ msisdn: String) async throws -> OutboxMessage {
        let first = world.firstMessage
        guard let last = try await world.ledger.read({ try $0.messages(to: msisdn, after: first) }).last else {
            throw SMPPTestError("no outbox message to \(msisdn)")
        }
        return last
    }
}
