import SMPP

/// How the front reads and writes the addresses and times of SMPP fields.
enum SMPPAddressing {
    /// The MSISDN in an address (E.164 digits, a leading `+` tolerated), or nil when it is not one.
    static func msisdn(_ address: Address) -> String? {
        var digits = Substring(address.address)
        if digits.first == "+" { digits = digits.dropFirst() }
        guard (8...15).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return String(digits)
    }

    /// A relative validity period in the 16-character format of SMPP 3.4 section 7.1.1.2 (`YYMMDDhhmmss000R`), for a
    /// duration of at least one second and at most 99 years; nil outside that.
    static func relativeTime(seconds total: Int64) -> String? {
        guard total >= 1 else { return nil }
        let days = total / 86_400
        let years = days / 365
        guard years <= 99 else { return nil }
        let rest = days % 365
        let fields = [years, rest / 30, rest % 30, total % 86_400 / 3600, total % 3600 / 60, total % 60]
        return fields.map { $0 < 10 ? "0\($0)" : "\($0)" }.joined() + "000R"
    }

    /// A service code as an ESME or a gateway may write it in `destination_addr` (`*384#`, `384`), in the dial form.
    static func serviceCode(_ address: String) -> String {
        address.hasPrefix("*") ? address : "*\(address)#"
    }

    /// The service code a dial string starts with: `*145*1*2#` → `*145#`.
    static func serviceCode(ofDial dial: String) -> String {
        let body = dial.dropFirst().prefix { $0 != "*" && $0 != "#" }
        return "*\(body)#"
    }
}
