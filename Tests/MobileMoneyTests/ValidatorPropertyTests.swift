import Foundation
import Ledger
import MobileMoney
import Operators
import Testing

/// Property tests: whatever a person or a client types, the validators either refuse it or give a
/// well-formed value, and every well-formed value is accepted.
@Suite struct ValidatorPropertyTests {
    @Test(arguments: 0..<4)
    func msisdnParsingNeverYieldsAMalformedNumber(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 1000)
        let alphabet = Array("0123456789 +-.228abc٩")
        for _ in 0..<2000 {
            let length = Int(rng.next() % 16)
            let text = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            if let number = MSISDN(text) {
                #expect(number.digits.count == 11 && number.digits.hasPrefix("228") && number.digits.allSatisfy { $0.isASCII && $0.isNumber })
                #expect(MSISDN(number.digits) == number, "normalising is idempotent")
                #expect(MSISDN(number.local) == number)
            }
        }
        for _ in 0..<500 {
            let local = String(format: "%08d", Int(rng.next() % 100_000_000))
            #expect(MSISDN(local)?.digits == "228" + local)
            #expect(MSISDN("+228 " + local)?.digits == "228" + local)
        }
    }

    @Test func pinPolicyAcceptsExactlyTheWellFormedNonTrivialPins() {
        let policy = PinPolicy()
        let me = MSISDN("22890112233")!
        var accepted = 0
        for n in 0..<10_000 {
            let pin = String(format: "%04d", n)
            #expect(policy.isWellFormed(pin))
            if !policy.isTrivial(pin, for: me) { accepted += 1 }
        }
        // Refused: 10 repeats, 20 runs, the MSISDN's last four, and the two-digit repeats / well-known choices.
        #expect(accepted > 9_800 && accepted < 9_970)
        for bad in ["123", "12345", "12a4", " 1234", "１２３４"] { #expect(!policy.isWellFormed(bad)) }
    }
}
