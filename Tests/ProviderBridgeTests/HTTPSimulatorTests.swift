import AsyncHTTPClient
import Foundation
import Ledger
import Logging
import MobileMoney
import ProviderBridge
import Testing

/// The provider API over real sockets: the Hummingbird simulator and the AsyncHTTPClient provider.
@Suite struct HTTPSimulatorTests {
    /// Runs both operators' simulators on free ports for the duration of `body`.
    static func withSimulators<T: Sendable>(
        _ f: F, faults: String = "", _ body: @Sendable ([String: Int], [String: SimulatedProvider]) async throws -> T
    ) async throws -> T {
        let plan = try FaultPlan.parse(faults)
        var cores: [String: SimulatedProvider] = [:]
        for op in ["tmoney", "flooz"] { cores[op] = ProviderNetwork.simulator(for: op, money: f.money, faults: plan, logger: .init(label: "test")) }
        let frozen = cores
        return try await ProviderSimulator.serving(frozen, logger: .quiet("sika.provider.test")) { ports in try await body(ports, frozen) }
    }

    static func provider(_ op: String, as source: String, port: Int, key: String? = nil) -> HTTPProvider {
        HTTPProvider(
            operatorID: op, source: source, baseURL: "http://127.0.0.1:\(port)",
            apiKey: key ?? SimulatedProvider.defaultAPIKey(source: source, provider: op))
    }

    @Test func creditReplayStatusAndNotFound() async throws {
        let f = try await F()
        try await Self.withSimulators(f) { ports, _ in
            let flooz = Self.provider("flooz", as: "tmoney", port: ports["flooz"]!)
            let request = ProviderTransferRequest(idempotencyKey: "TM1", source: "tmoney", sender: F.kofi, recipient: F.akosua, amount: 1500)
            let first = try await flooz.credit(request, timeout: .seconds(5))
            #expect(first.state == .credited && first.amount == 1500 && first.provider == "flooz")
            let replay = try await flooz.credit(request, timeout: .seconds(5))
            #expect(replay == first)
            #expect(try await f.balance(F.akosua) == 31_500)
            #expect(try await flooz.status(key: "TM1", timeout: .seconds(5)) == first)
            #expect(try await flooz.status(key: "nope", timeout: .seconds(5)) == nil)
            var other = request
            other.amount = 1600
            await #expect { try await flooz.credit(other, timeout: .seconds(5)) } throws: {
                ($0 as? ProviderError)?.status == 409 && ($0 as? ProviderError)?.isRetryable == false
            }
            let listed = try await flooz.credits(since: 0, timeout: .seconds(5))
            #expect(listed.map(\.idempotencyKey) == ["TM1"])
        }
    }

    @Test func refusalIsAnAnswerAndReverseFencesAnUnknownKey() async throws {
        let f = try await F()
        try await Self.withSimulators(f) { ports, _ in
            let flooz = Self.provider("flooz", as: "tmoney", port: ports["flooz"]!)
            let refused = try await flooz.credit(
                .init(idempotencyKey: "TM2", source: "tmoney", sender: F.kofi, recipient: F.noWallet, amount: 100), timeout: .seconds(5))
            #expect(refused.state == .refused && refused.code == "unknown_recipient")
            let fenced = try await flooz.reverse(key: "TM3", timeout: .seconds(5))
            #expect(fenced.state == .reversed && fenced.code == "fenced")
            let late = try await flooz.credit(
                .init(idempotencyKey: "TM3", source: "tmoney", sender: F.kofi, recipient: F.akosua, amount: 100), timeout: .seconds(5))
            #expect(late.state == .reversed)
            #expect(try await f.balance(F.akosua) == 30_000)
        }
    }

    @Test func badKeysAndOtherOperatorsAreRefused() async throws {
        let f = try await F()
        try await Self.withSimulators(f) { ports, _ in
            let stranger = Self.provider("flooz", as: "tmoney", port: ports["flooz"]!, key: "wrong")
            await #expect { try await stranger.status(key: "x", timeout: .seconds(5)) } throws: { ($0 as? ProviderError)?.status == 401 }
            // A T-Money key cannot ask Flooz to credit on behalf of Flooz itself.
            let flooz = Self.provider("flooz", as: "tmoney", port: ports["flooz"]!)
            await #expect {
                try await flooz.credit(
                    .init(idempotencyKey: "k", source: "flooz", sender: F.kofi, recipient: F.akosua, amount: 100), timeout: .seconds(5))
            } throws: { ($0 as? ProviderError)?.status == 403 }
        }
    }

    @Test func transportFaultsSurfaceAsTheirErrors() async throws {
        let f = try await F()
        try await Self.withSimulators(f, faults: "reset=1") { ports, cores in
            let flooz = Self.provider("flooz", as: "tmoney", port: ports["flooz"]!)
            await #expect {
                try await flooz.credit(
                    .init(idempotencyKey: "r1", source: "tmoney", sender: F.kofi, recipient: F.akosua, amount: 100), timeout: .seconds(5))
            } throws: { ($0 as? ProviderError)?.code == .connectionLost }
            #expect(cores["flooz"]!.faults.counts[.reset] == 1)
            let balance = try await f.balance(F.akosua)
            #expect(balance == 30_000, "nothing was processed")
        }
        try await Self.withSimulators(f, faults: "lost=1") { ports, _ in
            let flooz = Self.provider("flooz", as: "tmoney", port: ports["flooz"]!)
            await #expect {
                try await flooz.credit(
                    .init(idempotencyKey: "l1", source: "tmoney", sender: F.kofi, recipient: F.akosua, amount: 100), timeout: .seconds(5))
            } throws: { ($0 as? ProviderError)?.mayHaveReachedProvider == true }
            let balance = try await f.balance(F.akosua)
            #expect(balance == 30_100, "the credit committed; only the answer was lost")
        }
        try await Self.withSimulators(f, faults: "timeout=1,hang=1500") { ports, _ in
            let flooz = Self.provider("flooz", as: "tmoney", port: ports["flooz"]!)
            await #expect {
                try await flooz.credit(
                    .init(idempotencyKey: "t1", source: "tmoney", sender: F.kofi, recipient: F.akosua, amount: 100), timeout: .milliseconds(200))
            } throws: { ($0 as? ProviderError)?.code == .timeout }
        }
        try await Self.withSimulators(f, faults: "outage=0-10") { ports, _ in
            let flooz = Self.provider("flooz", as: "tmoney", port: ports["flooz"]!)
            await #expect { try await flooz.status(key: "o", timeout: .seconds(5)) } throws: {
                ($0 as? ProviderError)?.status == 503 && ($0 as? ProviderError)?.mayHaveReachedProvider == false
            }
        }
        // Nobody listening: the request never left.
        let closed = Self.provider("flooz", as: "tmoney", port: 1)
        await #expect { try await closed.status(key: "x", timeout: .seconds(2)) } throws: { ($0 as? ProviderError)?.mayHaveReachedProvider == false }
    }

    @Test func theSagaOverHTTP() async throws {
        let f = try await F()
        try await Self.withSimulators(f) { ports, _ in
            let providers: [any Provider] = [
                Self.provider("flooz", as: "tmoney", port: ports["flooz"]!), Self.provider("tmoney", as: "flooz", port: ports["tmoney"]!),
            ]
            let bridge = OffNetBridge(money: f.money, providers: providers, options: F.quickOptions())
            let a = try await bridge.send(from: F.kofi, to: F.akosua, amount: 5000, pin: f.pin(F.kofi), idempotencyKey: "h1")
            let b = try await bridge.send(from: F.edem, to: F.ama, amount: 1000, pin: f.pin(F.edem), idempotencyKey: "h2")
            let c = try await bridge.send(from: F.edem, to: "22890000000", amount: 1000, pin: f.pin(F.edem), idempotencyKey: "h3")
            #expect(a.status == .completed && b.status == .completed && c.status == .refunded)
            #expect(try await f.checkBooks() == [])
        }
    }
}
