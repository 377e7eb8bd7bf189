import GatewayCore
import SMPP
import SMPPFront
import TestSupport
import Testing

/// The ESME file `sika serve --esmes` reads: the format of `fixtures/esmes.yaml`, passwords from the secrets only, and
/// every rule a line of its own.
@Suite struct ESMEDirectoryTests {
    static let secrets = ["SIKA_ESME_PASSWORD_SHOP": "shop-pw", "SIKA_ESME_PASSWORD_KANNEL": "kannel1", "SIKA_ESME_PASSWORD_TMONEY_MM": "mm-pw"]

    @Test func theShippedExampleLoads() throws {
        let text = try String(contentsOf: InteropPeers.root.appending(path: "fixtures/esmes.yaml"), encoding: .utf8)
        let directory = try ESMEDirectory.load(yaml: text, secrets: Self.secrets, catalog: Shipped.catalog)
        #expect(directory.accounts.map(\.systemID) == ["shop", "kannel", "tmoney-mm"])
        let shop = try #require(directory.account(systemID: "shop"))
        #expect(shop.password == "shop-pw")
        #expect(shop.throttle == ThrottleRate(perSecond: 100, burst: 100))
        #expect(shop.window == 10)
        #expect(directory.account(dial: "*384*2*1#")?.systemID == "shop")
        #expect(directory.account(shortCode: "8181")?.systemID == "kannel")
        // An ESME serving an operator owns its USSD code and short code on this network.
        #expect(directory.account(dial: "*145*4*1#")?.systemID == "tmoney-mm")
        #expect(directory.account(shortCode: "1455")?.systemID == "tmoney-mm")
        #expect(directory.account(dial: "*155#") == nil)
    }

    @Test(arguments: [
        ("esmes:\n  - system_id: shop\n    password: secret\n", "passwords are not kept in this file"),
        ("esmes:\n  - system_id: shop\n    windows: 3\n", "unknown key windows"),
        ("esmes:\n  - system_id: nobody\n", "no password for ESME nobody: set SIKA_ESME_PASSWORD_NOBODY"),
        ("esmes:\n  - system_id: shop\n    short_codes: [\"1455\"]\n", "short code 1455 is tmoney's"),
        ("esmes:\n  - system_id: shop\n    ussd_codes: [\"*155#\"]\n", "USSD code *155# is flooz's"),
        ("esmes:\n  - system_id: shop\n    ussd_codes: [\"384\"]\n", "USSD code \"384\" is * then 1 to 6 digits then #"),
        ("esmes:\n  - system_id: shop\n    short_codes: [\"80\"]\n", "short code \"80\" is 3 to 8 digits"),
        (
            "esmes:\n  - system_id: shop\n    short_codes: [\"8080\"]\n  - system_id: kannel\n    short_codes: [\"8080\"]\n",
            "short code 8080 is already shop's"
        ),
        ("esmes:\n  - system_id: shop\n    serves_operator: orange\n", "serves_operator orange is not an operator"),
        ("esmes:\n  - system_id: shop\n    throttle: { per_second: 0 }\n", "throttle needs per_second > 0"),
        ("accounts: []\n", "one key, esmes:"),
        ("esmes: [\n", "not YAML"),
    ])
    func eachRuleIsOneLine(_ yaml: String, _ message: String) {
        do {
            _ = try ESMEDirectory.load(yaml: yaml, secrets: Self.secrets, catalog: Shipped.catalog)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func anSMPPPasswordIsAtMostEightCharacters() {
        #expect(throws: SMPPFrontError.self) {
            try ESMEDirectory(accounts: [ESMEAccount(systemID: "shop", password: "nine-char", shortCodes: ["8080"])], catalog: Shipped.catalog)
        }
    }

    /// Every code of the gateway has one status, and that status reads back as the code (403 has two).
    @Test func refusalStatusesReadBackAsTheirCodes() {
        for code in GatewayError.Code.allCases {
            #expect(SMPPRefusal.code(for: SMPPRefusal.status(for: code)) == code, "\(code)")
            #expect(SMPPRefusal.code(for: SMPPRefusal.status(for: code, sourceRefused: true)) == code, "\(code)")
        }
        #expect(SMPPRefusal.status(for: .forbidden, sourceRefused: true) == .invalidSourceAddress)
        #expect(SMPPRefusal.status(for: .forbidden) == .invalidDestinationAddress)
    }
}
