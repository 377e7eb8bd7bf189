import Operators

/// Which PINs a subscriber may choose: four digits that are not trivially guessed.
public struct PinPolicy: Sendable {
    public init() {}

    /// Whether `pin` has the right shape (4 ASCII digits). Shape is checked before anything else.
    public func isWellFormed(_ pin: String) -> Bool {
        pin.utf8.count == 4 && pin.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Refuses `0000`-style repeats, ascending or descending runs (`1234`, `9876`, `8901`), the last 4
    /// digits of the subscriber's own number, and a handful of well-known choices.
    public func isTrivial(_ pin: String, for msisdn: MSISDN) -> Bool {
        guard isWellFormed(pin) else { return true }
        let d = pin.utf8.map { Int($0 - UInt8(ascii: "0")) }
        if Set(d).count == 1 { return true }
        let steps = zip(d.dropFirst(), d).map { ($0 - $1 + 10) % 10 }
        if steps.allSatisfy({ $0 == 1 }) || steps.allSatisfy({ $0 == 9 }) { return true }
        if msisdn.digits.hasSuffix(pin) { return true }
        // Two-digit repeats and the years people reach for first are the next guesses after runs.
        if d[0] == d[2] && d[1] == d[3] { return true }
        return ["1004", "2000", "1122", "6969"].contains(pin)
    }
}
