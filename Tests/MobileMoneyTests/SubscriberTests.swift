import Foundation
import Ledger
import MobileMoney
import Operators
import TestSupport
import Testing

@Suite struct MSISDNTests {
    @Test func normalisesWhatPeopleType() {
        #expect(MSISDN("90112233")?.digits == "22890112233")
        #expect(MSISDN("22890112233")?.digits == "22890112233")
        #expect(MSISDN("+228 90 11 22 33")?.digits == "22890112233")
        #expect(MSISDN("0022890112233")?.digits == "22890112233")
        #expect(MSISDN("9011223") == nil)
        #expect(MSISDN("23390112233") == nil)
        #expect(MSISDN("9O112233") == nil)
        #expect(MSISDN("") == nil)
        #expect(MSISDN("٩٠١١٢٢٣٣") == nil, "only ASCII digits")
    }
}

@Suite struct PinTests {
    let policy = PinPolicy()
    let me = MSISDN("22890115566")!

    @Test(arguments: ["0000", "1111", "1234", "2345", "7890", "9876", "3210", "5566", "1212", "abcd", "123", "12345", ""])
    func trivialOrMalformedPinsAreRefused(pin: String) {
        #expect(policy.isTrivial(pin, for: me))
    }

    @Test(arguments: ["2580", "4826", "7391", "1983"])
    func ordinaryPinsAreAccepted(pin: String) {
        #expect(!policy.isTrivial(pin, for: me))
    }

    @Test func hashIsKeyedAndSalted() {
        let hasher = PinHasher(pepper: .random())
        let salt1 = hasher.makeSalt()
        let salt2 = hasher.makeSalt()
        #expect(salt1 != salt2)
        let h1 = hasher.hash(pin: "2580", salt: salt1)
        #expect(h1 != hasher.hash(pin: "2580", salt: salt2))
        #expect(h1 != PinHasher(pepper: .random()).hash(pin: "2580", salt: salt1), "another pepper gives another hash")
        #expect(hasher.verify(pin: "2580", salt: salt1, hash: h1))
        #expect(!hasher.verify(pin: "2581", salt: salt1, hash: h1))
    }

    @Test func pepperComesFromEnvironmentOrAPrivateKeyFile() throws {
        let dir = FileManager.default.temporaryDirectory.appending(path: "pepper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appending(path: "sika.key").path
        let missing = #expect(throws: MobileMoneyError.self) { try PinPepper.load(environment: [:], keyFile: file, createIfMissing: false) }
        #expect(missing?.code == .configuration && missing?.message.hasPrefix("no PIN pepper") == true)
        _ = try PinPepper.load(environment: [:], keyFile: file, createIfMissing: true)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        _ = try PinPepper.load(environment: [:], keyFile: file, createIfMissing: false)
        chmod(file, 0o644)
        let readable = #expect(throws: MobileMoneyError.self) { try PinPepper.load(environment: [:], keyFile: file, createIfMissing: false) }
        #expect(
            readable?.code == .configuration && readable?.message.contains("readable by its owner only") == true, "\(String(describing: readable))")
        let hex = String(repeating: "ab", count: 32)
        _ = try PinPepper.load(environment: [PinPepper.environmentVariable: hex], keyFile: file, createIfMissing: false)
        let short = #expect(throws: MobileMoneyError.self) {
            try PinPepper.load(environment: [PinPepper.environmentVariable: "abcd"], keyFile: file, createIfMissing: false)
        }
        #expect(short?.code == .configuration)
    }
}

@Suite struct RegistrationTests {
    func code(_ body: () async throws -> Void) async -> MobileMoneyError.Code? {
        do {
            try await body()
            return nil
        } catch let error as MobileMoneyError {
            return error.code
        } catch {
            Issue.record("not a MobileMoneyError: \(error)")
            return nil
        }
    }

    @Test(arguments: TestBackend.allCases) func registrationRules(_ backend: TestBackend) async throws {
        let f = try await MoneyFixture(backend, seed: false)
        let m = f.money
        #expect(await code { try await m.register(msisdn: "93000001", name: "Esi Dogbe", pin: "4826", confirmation: "4827") } == .pinMismatch)
        #expect(await code { try await m.register(msisdn: "93000001", name: "Esi Dogbe", pin: "1234", confirmation: "1234") } == .trivialPin)
        #expect(await code { try await m.register(msisdn: "93000001", name: "Esi Dogbe", pin: "0001", confirmation: "0001") } == .trivialPin)
        #expect(await code { try await m.register(msisdn: "93000001", name: "x", pin: "4826", confirmation: "4826") } == .invalidName)
        #expect(await code { try await m.register(msisdn: "60000001", name: "Esi Dogbe", pin: "4826", confirmation: "4826") } == .invalidMSISDN)
        let s = try await m.register(msisdn: "93000001", name: "  Esi   Dogbe ", pin: "4826", confirmation: "4826", language: .en)
        #expect(s.msisdn.digits == "22893000001")
        #expect(s.name == "Esi Dogbe")
        #expect(s.shortName == "ESI D.")
        #expect(s.operatorID == "tmoney")
        #expect(
            await code { try await m.register(msisdn: "22893000001", name: "Esi Dogbe", pin: "4826", confirmation: "4826") } == .alreadyRegistered)
        #expect(try await f.sms("22893000001").first?.hasPrefix("Welcome Esi Dogbe") == true)
    }
}
