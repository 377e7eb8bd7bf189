/// The shapes every front accepts for what identifies a conversation on the wire, checked before
/// anything else (the line protocol's rules, which the HTTP callback and SMPP share): a session id is
/// 1–64 of `A-Z a-z 0-9 . _ : -`, a phone number 8 to 15 digits.
public enum WireIdentifiers {
    /// 1–64 of `A-Z a-z 0-9 . _ : -`.
    public static func isSessionID(_ text: Substring) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    /// E.164 digits without `+`: a country code and a subscriber number, 8 to 15 digits in all.
    public static func isMSISDN(_ text: Substring) -> Bool {
        (8...15).contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
