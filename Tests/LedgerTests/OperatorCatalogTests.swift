import Foundation
import Ledger
import Operators
import Testing

@Suite struct OperatorCatalogTests {
    let catalog = LedgerFixture.catalog

    @Test func numberingRangesPickTheOperator() {
        #expect(catalog.operatorOwning(msisdn: "22890112233")?.id == "tmoney")
        #expect(catalog.operatorOwning(msisdn: "22896112233")?.id == "flooz")
        #expect(catalog.operatorOwning(msisdn: "22860000000") == nil)
        #expect(catalog.operatorServing(ussd: "*145*1*96112233#")?.id == "tmoney")
        #expect(catalog.operatorServing(ussd: "*155#")?.id == "flooz")
        #expect(catalog.operatorServing(ussd: "*1455#") == nil)
    }

    @Test func feeBandsComeFromTheFile() throws {
        let onNet = try #require(catalog.operator("tmoney")).fees.onNet
        #expect(onNet.fee(for: 100) == 10)
        #expect(onNet.fee(for: 1000) == 10)
        #expect(onNet.fee(for: 1001) == 50)
        #expect(onNet.fee(for: 5000) == 50)
        #expect(onNet.fee(for: 500_000) == 1000)
        let offNet = try #require(catalog.operator("tmoney")).fees.offNet
        #expect(offNet.fee(for: 50_000) == 500)  // 1 % band
        #expect(try #require(catalog.operator("flooz")).fees.airtime.fee(for: 5000) == 0)
    }

    @Test func tiersSelectCaps() throws {
        let tmoney = try #require(catalog.operator("tmoney"))
        #expect(tmoney.tier(0).dailyOutgoing == 200_000)
        #expect(tmoney.tier(2).balanceCap == 5_000_000)
        #expect(tmoney.tier(9).balanceCap == 500_000, "an unknown tier gets the strictest caps")
    }

    @Test func overlappingRangesAreRefused() {
        let yaml = """
            currency: XOF
            operators:
              - { id: a, name: A, referencePrefix: AA, ussdCode: "*1#", smsShortCode: "1", numbering: ["2289"],
                  limits: { minTransfer: 1, maxTransfer: 10, tiers: [{ tier: 0, dailyOutgoing: 10, balanceCap: 10 }] },
                  fees: { onNet: [], offNet: [], cashOut: [], airtime: [] } }
              - { id: b, name: B, referencePrefix: BB, ussdCode: "*2#", smsShortCode: "2", numbering: ["22890"],
                  limits: { minTransfer: 1, maxTransfer: 10, tiers: [{ tier: 0, dailyOutgoing: 10, balanceCap: 10 }] },
                  fees: { onNet: [], offNet: [], cashOut: [], airtime: [] } }
            """
        let error = #expect(throws: OperatorError.self) { try OperatorCatalog.parse(yaml) }
        #expect(error?.code == .configuration && error?.message.contains("overlap") == true, "\(String(describing: error))")
    }

    @Test func badBandsAndPrefixesAreRefused() {
        let yaml = """
            currency: XOF
            operators:
              - { id: a, name: A, referencePrefix: aaa, ussdCode: "*1#", smsShortCode: "1", numbering: ["2289"],
                  limits: { minTransfer: 1, maxTransfer: 10, tiers: [{ tier: 0, dailyOutgoing: 10, balanceCap: 10 }] },
                  fees: { onNet: [], offNet: [], cashOut: [], airtime: [] } }
            """
        let prefix = #expect(throws: OperatorError.self) { try OperatorCatalog.parse(yaml) }
        #expect(prefix?.code == .configuration && prefix?.message.contains("referencePrefix") == true, "\(String(describing: prefix))")
        let bands = yaml.replacingOccurrences(of: "aaa", with: "AA").replacingOccurrences(
            of: "onNet: []", with: "onNet: [{ upTo: 100, fixed: 1 }, { upTo: 50, fixed: 2 }]")
        let band = #expect(throws: OperatorError.self) { try OperatorCatalog.parse(bands) }
        #expect(band?.code == .configuration && band?.message.contains("bands must grow") == true, "\(String(describing: band))")
    }
}

@Suite struct ReferenceTests {
    @Test func referenceCarriesOperatorDayAndID() {
        #expect(TransferReference(prefix: "TM", createdAt: LedgerFixture.start, id: 123).description == "TM261127.000123")
        #expect(TransferReference(prefix: "FL", createdAt: LedgerFixture.start, id: 1_234_567).description == "FL261127.1234567")
        #expect(TransferReference("TM261127.000123")?.id == 123)
        #expect(TransferReference("tm261127.000123")?.prefix == "TM")
        #expect(TransferReference("TM2611.1") == nil)
        #expect(TransferReference("nonsense") == nil)
    }

    @Test func civilDatesMatchTheCalendar() {
        #expect(CivilDate(epochMillis: 0) == CivilDate(year: 1970, month: 1, day: 1))
        #expect(CivilDate(epochMillis: LedgerFixture.start) == CivilDate(year: 2026, month: 11, day: 27))
        #expect(CivilDate(epochMillis: 951_782_400_000) == CivilDate(year: 2000, month: 2, day: 29))
        #expect(CivilDate(epochMillis: -1) == CivilDate(year: 1969, month: 12, day: 31))
    }
}
