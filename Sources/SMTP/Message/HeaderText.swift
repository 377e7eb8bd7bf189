/// The one rule for text that goes into a header (a subject, a display name): no control character of any kind
/// (C0 including CR, LF, NUL and TAB, DEL, C1) and no Unicode line or paragraph separator, so no value can end a
/// header line or start another one, whatever a receiver counts as a line break.
enum HeaderText {
    static func validate(_ value: String, field: String, maximumLength: Int) throws(SMTPError) {
        for scalar in value.unicodeScalars where isForbidden(scalar) {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            throw SMTPError(
                .invalidHeader, "contains a control character (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex))", field: field)
        }
        if value.count > maximumLength {
            throw SMTPError(.invalidHeader, "longer than \(maximumLength) characters", field: field)
        }
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }
}
