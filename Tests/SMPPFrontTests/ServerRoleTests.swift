import Foundation
import GatewayCore
import NIOCore
import SMPP
import SMPPFront
import TestSupport
import Testing

/// The operator network simulator's SMPP server, driven by an ESME over a real socket (this package's SMPP client)
/// and by simulated phones through the web simulator's HTTP API: what an application developer does with it.
@Suite struct ServerRoleTests {
    static let kofi = "22890112233"

    @Test func bindsAreCheckedAgainstTheAccounts() async throws {
        let world = try await SMPPWorld.start()
        let client = try await SMPPClient.connect(host: "127.0.0.1", port: world.smppPort)
        for (systemID, password, status) in [("nobody", "x", CommandStatus.invalidSystemID), ("shop", "wrong", .invalidPassword)] {
            do {
                try await client.bind(.transceiver, systemID: systemID, password: password)
                Issue.record("\(systemID) bound with \(password)")
            } catch {
                #expect(error.code == .rejected)
                #expect(error.status == status)
            }
        }
        // The same connection binds after refusals.
        let response = try await client.bind(.transmitter, systemID: "shop", password: "shop-pw")
        #expect(response.systemID == "sika")
        try await client.unbind()
        try await world.stop()
    }

    @Test func anESMEsSMSLandsInThePhonesInboxWithAReceipt() async throws {
        let world = try await SMPPWorld.start()
        try await world.phone(Self.kofi)
        let esme = try await world.esme()
        var message = SubmitSM(
            source: .shortCode("8080"), destination: .international(Self.kofi), registeredDelivery: 1, dataCoding: 0,
            shortMessage: GSM7.encode("Votre commande est prete")!)
        message.options.userMessageReference = 7
        let accepted = try await esme.submit(message)
        #expect(!accepted.messageID.isEmpty)
        let decimal = accepted.messageID.allSatisfy { $0.isNumber }
        #expect(decimal, "decimal ids read the same to every ESME")

        let inbox = try await world.inbox(Self.kofi, count: 1)
        #expect(inbox.map(\.from) == ["8080"])
        #expect(inbox.map(\.text) == ["Votre commande est prete"])

        var iterator = esme.inbound.makeAsyncIterator()
        let dlr = try #require(await iterator.next())
        dlr.respond()
        let deliver = try #require(dlr.deliverSM)
        #expect(deliver.esmClass == ESMClass.deliveryReceipt)
        #expect(deliver.source.address == Self.kofi, "a receipt comes from the original destination")
        #expect(deliver.destination.address == "8080")
        let receipt = try #require(dlr.receipt)
        #expect(receipt.messageID == accepted.messageID)
        #expect(receipt.state == .delivered)
        #expect(deliver.options.receiptedMessageID == accepted.messageID)
        #expect(deliver.options.messageState == .delivered)
        let text = deliver.text
        #expect(text.hasPrefix("id:\(accepted.messageID) sub:001 dlvrd:001 submit date:"))
        #expect(text.contains(" stat:DELIVRD err:000 text:Votre commande est p"))
        try await esme.unbind()
        try await world.stop()
    }

    @Test func longAndUnicodeSMSArriveWhole() async throws {
        let world = try await SMPPWorld.start()
        try await world.phone(Self.kofi)
        let esme = try await world.esme(kind: .transmitter)
        let long = String(repeating: "Merci pour votre achat. ", count: 12)
        for part in try SubmitSM.texts(
            long, source: .shortCode("8080"), destination: .international(Self.kofi), longMessage: .concatenate(reference: 9))
        {
            try await esme.submit(part)
        }
        let unicode = "Reçu ✓ 5 000 FCFA — merci"
        for part in try SubmitSM.texts(unicode, source: .shortCode("8080"), destination: .international(Self.kofi)) { try await esme.submit(part) }
        let inbox = try await world.inbox(Self.kofi, count: 2)
        #expect(inbox.map(\.text) == [long, unicode])
        try await esme.unbind()
        try await world.stop()
    }

    @Test func submissionsOutsideTheAccountAreRefused() async throws {
        let world = try await SMPPWorld.start()
        let esme = try await world.esme()
        let cases: [(SubmitSM, CommandStatus)] = [
            // Another account's short code, and an operator's.
            (SubmitSM(source: .shortCode("8090"), destination: .international(Self.kofi), shortMessage: [0x41]), .invalidSourceAddress),
            (SubmitSM(source: .shortCode("1455"), destination: .international(Self.kofi), shortMessage: [0x41]), .invalidSourceAddress),
            // Not a number of the network.
            (SubmitSM(source: .shortCode("8080"), destination: .international("33612345678"), shortMessage: [0x41]), .invalidDestinationAddress),
            (SubmitSM(source: .shortCode("8080"), destination: .international("22890"), shortMessage: [0x41]), .invalidDestinationAddress),
            // A USSD screen for no dialogue.
            (.ussd(.ussrRequest, source: Address("*384#"), destination: .international(Self.kofi), text: "1. Menu"), .submitFailed),
        ]
        for (message, status) in cases {
            do {
                try await esme.submit(message)
                Issue.record("accepted: \(message)")
            } catch {
                #expect(error.status == status, "\(message)")
            }
        }
        try await esme.unbind()
        try await world.stop()
    }

    @Test func aPhonesSMSToTheShortCodeReachesTheESME() async throws {
        let world = try await SMPPWorld.start()
        try await world.phone(Self.kofi)
        let esme = try await world.esme(kind: .receiver)
        let (status, _) = try await world.http(.POST, "/simulator/api/phones/\(Self.kofi)/sms", json: #"{"to": "8080", "text": "COMMANDE 12"}"#)
        #expect(status == 202)
        var iterator = esme.inbound.makeAsyncIterator()
        let mo = try #require(await iterator.next())
        mo.respond()
        let deliver = try #require(mo.deliverSM)
        #expect(deliver.source.address == Self.kofi)
        #expect(deliver.destination.address == "8080")
        #expect(deliver.text == "COMMANDE 12")
        #expect(deliver.esmClass & ESMClass.deliveryReceipt == 0)
        // A short code nobody has.
        let (unknown, body) = try await world.http(.POST, "/simulator/api/phones/\(Self.kofi)/sms", json: #"{"to": "9999", "text": "x"}"#)
        #expect(unknown == 404)
        #expect((body["error"] as? [String: Any])?["code"] as? String == "unknown_short_code")
        try await esme.unbind()
        try await world.stop()
    }

    @Test func messagesWaitForAnESMEThatIsNotBound() async throws {
        let world = try await SMPPWorld.start()
        try await world.phone(Self.kofi)
        for n in 1...3 {
            let (status, _) = try await world.http(.POST, "/simulator/api/phones/\(Self.kofi)/sms", json: #"{"to": "8080", "text": "M\#(n)"}"#)
            #expect(status == 202)
        }
        let esme = try await world.esme(kind: .receiver)
        var texts: [String] = []
        for await inbound in esme.inbound {
            inbound.respond()
            texts.append(inbound.deliverSM?.text ?? "")
            if texts.count == 3 { break }
        }
        #expect(texts.sorted() == ["M1", "M2", "M3"])
        try await esme.unbind()
        try await world.stop()
    }

    /// The ESME serves its own USSD code: a phone dials it on the page, and the ESME's screens show there.
    @Test func aPhoneDiallingTheESMEsCodeOpensADialogueWithIt() async throws {
        let world = try await SMPPWorld.start()
        try await world.phone(Self.kofi)
        let esme = try await world.esme()
        let application = Task {
            var steps: [String] = []
            for await inbound in esme.inbound {
                inbound.respond()
                guard let message = inbound.deliverSM, let info = message.options.itsSessionInfo else { continue }
                steps.append("\(message.options.rawUSSDServiceOp ?? 255):\(message.text):\(info.endOfSession)")
                let reply: SubmitSM
                switch message.options.ussdServiceOp {
                case .pssrIndication:
                    #expect(message.serviceType == "USSD")
                    #expect(message.source.address == Self.kofi)
                    #expect(message.destination.address == "*384#")
                    reply = .ussd(
                        .ussrRequest, source: message.destination, destination: message.source, text: "Boutique\n1. Commander\n2. Suivi",
                        session: ITSSessionInfo(sessionNumber: info.sessionNumber, sequenceNumber: info.sequenceNumber + 1))
                case .ussrConfirm where info.endOfSession:
                    return steps
                default:
                    reply = .ussd(
                        .pssrResponse, source: message.destination, destination: message.source, text: "Commande \(message.text) en route",
                        session: ITSSessionInfo(sessionNumber: info.sessionNumber, sequenceNumber: info.sequenceNumber + 1, endOfSession: true))
                }
                try await esme.submit(reply)
                if reply.options.ussdServiceOp == .pssrResponse { return steps }
            }
            return steps
        }
        let first = try await world.dial(Self.kofi, "*384#")
        #expect(first["screen"] as? String == "Boutique\n1. Commander\n2. Suivi")
        #expect(first["final"] as? Bool == false)
        let session = try #require(first["session"] as? String)
        let last = try await world.answer(session, "2")
        #expect(last["screen"] as? String == "Commande 2 en route")
        #expect(last["final"] as? Bool == true)
        let steps = try await application.value
        #expect(steps == ["1:*384#:false", "18:2:false"])
        #expect(world.smpp?.openDialogues == 0)
        try await esme.unbind()
        try await world.stop()
    }

    @Test func aCodeWhoseESMEIsNotBoundIsANetworkError() async throws {
        let world = try await SMPPWorld.start()
        try await world.phone(Self.kofi)
        let exchange = try await world.dial(Self.kofi, "*390#")
        let error = try #require(exchange["error"] as? [String: Any])
        #expect(error["code"] as? Int == 503)
        try await world.stop()
    }

    @Test func anESMEThatRefusesTheDialogueIsAnErrorOnThePhone() async throws {
        let world = try await SMPPWorld.start()
        try await world.phone(Self.kofi)
        let esme = try await world.esme(SMPPWorld.quiet)
        let application = Task {
            for await inbound in esme.inbound {
                inbound.respond(.receiverPermanentAppError)
                return
            }
        }
        let exchange = try await world.dial(Self.kofi, "*390*1#")
        #expect((exchange["error"] as? [String: Any])?["code"] as? Int == 404)
        await application.value
        try await esme.unbind()
        try await world.stop()
    }

    @Test func aDialogueTheESMEDoesNotAnswerTimesOut() async throws {
        let world = try await SMPPWorld.start(configure: { $0.dialogueTimeout = .milliseconds(300) })
        try await world.phone(Self.kofi)
        let esme = try await world.esme(SMPPWorld.quiet)
        let application = Task {
            var received: [UInt8] = []
            for await inbound in esme.inbound {
                inbound.respond()
                received.append(inbound.deliverSM?.options.rawUSSDServiceOp ?? 255)
                // The phone's release after the timeout comes with the end-of-session flag.
                if inbound.deliverSM?.options.itsSessionInfo?.endOfSession == true { return received }
            }
            return received
        }
        let exchange = try await world.dial(Self.kofi, "*390#")
        #expect((exchange["error"] as? [String: Any])?["code"] as? Int == 503)
        #expect(await application.value == [1, 18])
        #expect(world.smpp?.openDialogues == 0)
        try await esme.unbind()
        try await world.stop()
    }

    @Test func throttlingRefusesBeyondTheBindsRate() async throws {
        let slow = ESMEAccount(
            systemID: "slow", password: "slow-pw", shortCodes: ["8070"], throttle: ThrottleRate(perSecond: 0.001, burst: 3))
        let world = try await SMPPWorld.start(accounts: [slow])
        let esme = try await world.esme(slow, kind: .transmitter)
        let results = await withTaskGroup(of: CommandStatus.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    do {
                        try await esme.submit(SubmitSM(source: .shortCode("8070"), destination: .international(Self.kofi), shortMessage: [0x41]))
                        return .ok
                    } catch {
                        return (error as? SMPPError)?.status ?? .systemError
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 == .ok }.count == 3)
        #expect(results.filter { $0 == .throttled }.count == 3)
        try await esme.unbind()
        try await world.stop()
    }

    /// An ESME that submits with receipts faster than it reads them is slowed down, not robbed: at the mailbox's
    /// high-water mark its submit_sm get ESME_RTHROTTLED, and once it drains, every submit_sm it retried is accepted
    /// and answered by exactly one receipt. Meanwhile the phones' SMS to it still fit (the room left above the
    /// receipts), and past the mailbox's capacity they are refused to the phone, not dropped.
    @Test func anESMEThatReadsSlowlyIsThrottledAndLosesNoReceipt() async throws {
        // 10 slots: receipts may hold 9, one is left for the phones' SMS; 2 deliver_sm in flight.
        let world = try await SMPPWorld.start { settings in
            settings.mailboxCapacity = 10
            settings.window = 2
        }
        try await world.phone(Self.kofi)
        let esme = try await world.esme()
        let count = 30
        let (throttledOnce, throttledSignal) = AsyncStream<Void>.makeStream()
        let submitter = Task { () throws -> (ids: [String], throttled: Int) in
            defer { throttledSignal.finish() }  // never throttled: the test goes on, and fails
            return try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for n in 0..<count {
                    group.addTask {
                        let message = SubmitSM(
                            source: .shortCode("8080"), destination: .international(Self.kofi), registeredDelivery: 1, dataCoding: 0,
                            shortMessage: GSM7.encode("Commande \(n)")!)
                        var throttled = 0
                        while true {
                            do {
                                return (try await esme.submit(message).messageID, throttled)
                            } catch let error as SMPPError where error.status == .throttled {
                                throttled += 1
                                throttledSignal.yield()
                                try await Task.sleep(for: .milliseconds(100))  // the ESME's back-off before it tries again
                            }
                        }
                    }
                }
                var ids: [String] = []
                var throttled = 0
                for try await (id, refusals) in group {
                    ids.append(id)
                    throttled += refusals
                }
                return (ids, throttled)
            }
        }
        // The ESME reads nothing until the server has pushed back.
        var signals = throttledOnce.makeAsyncIterator()
        _ = await signals.next()

        // The mailbox is at the receipts' mark: a phone's SMS still fits, the next one is refused to the phone.
        let (fits, _) = try await world.http(.POST, "/simulator/api/phones/\(Self.kofi)/sms", json: #"{"to": "8080", "text": "STOP"}"#)
        #expect(fits == 202)
        let (refused, body) = try await world.http(.POST, "/simulator/api/phones/\(Self.kofi)/sms", json: #"{"to": "8080", "text": "AIDE"}"#)
        #expect(refused == 503)
        #expect((body["error"] as? [String: Any])?["code"] as? String == "unreachable")

        // Now it reads, slowly, until every submit_sm is accepted and its receipt is in.
        let reader = Task { () -> (receipts: [String], mo: [String]) in
            var receipts: [String] = []
            var mo: [String] = []
            for await inbound in esme.inbound {
                try? await Task.sleep(for: .milliseconds(5))
                inbound.respond()
                if let receipt = inbound.receipt {
                    receipts.append(receipt.messageID)
                } else {
                    mo.append(inbound.deliverSM?.text ?? "")
                }
                if receipts.count == count && mo.count == 1 { break }
            }
            return (receipts, mo)
        }
        let (ids, throttled) = try await submitter.value
        #expect(throttled > 0)
        #expect(ids.count == count && Set(ids).count == count)
        let deadline = Task {
            try await Task.sleep(for: .seconds(60))  // a failure bound for a loaded machine
            await esme.close()
        }
        let (receipts, mo) = await reader.value
        deadline.cancel()
        #expect(receipts.count == count, "exactly one receipt per accepted submit_sm")
        #expect(receipts.sorted() == ids.sorted())
        #expect(mo == ["STOP"])
        // Only what was accepted reached the phone: a throttled submit_sm left nothing behind.
        let inbox = try await world.inbox(Self.kofi, count: count)
        #expect(inbox.count == count)
        try await esme.unbind()
        try await world.stop()
    }

    @Test func anAccountHoldsAtMostItsShareOfBinds() async throws {
        let world = try await SMPPWorld.start(configure: { $0.connections = ConnectionLimits(total: 10, perAddress: 10, perOperator: 2) })
        let first = try await world.esme()
        let second = try await world.esme()
        let third = try await SMPPClient.connect(host: "127.0.0.1", port: world.smppPort)
        do {
            try await third.bind(.transceiver, systemID: "shop", password: "shop-pw")
            Issue.record("a third bind of one account was accepted")
        } catch {
            #expect(error.status == .bindFailed)
        }
        // Another account is not affected; and a bind that ends frees its place.
        let other = try await world.esme(SMPPWorld.quiet)
        try await second.unbind()
        #expect(await eventually { world.smpp?.gate.openConnections == 3 })
        try await third.bind(.transceiver, systemID: "shop", password: "shop-pw")
        for client in [first, third, other] { try await client.unbind() }
        try await world.stop()
    }

    @Test func connectionsBeyondTheListenersCapAreClosedAtOnce() async throws {
        let world = try await SMPPWorld.start(configure: { $0.connections = ConnectionLimits(total: 2, perAddress: 2, perOperator: 2) })
        let first = try await world.esme()
        let second = try await world.esme(SMPPWorld.quiet)
        // Closed as it is accepted: the client sees it close while it connects, or when it binds.
        do {
            let third = try await SMPPClient.connect(host: "127.0.0.1", port: world.smppPort)
            try await third.bind(.transceiver, systemID: "shop", password: "shop-pw")
            Issue.record("a connection over the cap was served")
        } catch {
            #expect(error.code == .connectionClosed)
        }
        #expect(world.core.metrics.exposition().contains(#"sika_connections_refused_total{listener="smpp",reason="listener"} 1"#))
        try await first.unbind()
        try await second.unbind()
        try await world.stop()
    }

    @Test func shutdownUnbindsEveryESME() async throws {
        let world = try await SMPPWorld.start()
        let esme = try await world.esme()
        let stopped = Task { try await world.stop() }
        // The server's unbind is answered by the client, which then sees its connection close.
        await esme.waitUntilClosed()
        try await stopped.value
    }
}
