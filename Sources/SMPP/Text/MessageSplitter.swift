/// Splits a text into concatenated short messages (UDH IEI 0x00, 8-bit reference).
public enum MessageSplitter {
    /// The parts of `text` in `coding` (GSM 7-bit when every character fits, else UCS2, if nil). A text that fits one
    /// message (160 septets, 140 Latin-1 octets, 70 UTF-16 units) is one part without a UDH; a longer one is cut into
    /// parts of at most 153 septets / 134 octets / 67 code units, never between an escape and its code nor inside a
    /// surrogate pair, each with a UDH carrying `reference`.
    public static func split(_ text: String, coding: DataCoding? = nil, reference: UInt8) throws(TextEncodingError) -> [MessagePart] {
        let coding = coding ?? DataCoding.best(for: text)
        // Encode scalar by scalar so the cut points fall between characters.
        var units: [[UInt8]] = []
        var unitLengths: [Int] = []
        for scalar in text.unicodeScalars {
            guard let octets = TextCodec.encode(String(scalar), as: coding) else {
                throw TextEncodingError(
                    code: .unrepresentable, message: "U+\(String(scalar.value, radix: 16, uppercase: true)) is not in \(coding)")
            }
            units.append(octets)
            // Capacity is counted in septets (one octet each, unpacked), octets, or UTF-16 code units (two octets each).
            unitLengths.append(coding == .ucs2 ? octets.count / 2 : octets.count)
        }
        let total = unitLengths.reduce(0, +)
        if total <= coding.singleMessageCapacity {
            return [MessagePart(shortMessage: units.flatMap { $0 }, esmClass: 0, dataCoding: coding)]
        }
        var bodies: [[UInt8]] = [[]]
        var used = 0
        for (octets, length) in zip(units, unitLengths) {
            if used + length > coding.concatenatedPartCapacity {
                bodies.append([])
                used = 0
            }
            bodies[bodies.count - 1].append(contentsOf: octets)
            used += length
        }
        guard bodies.count <= 255 else {
            throw TextEncodingError(code: .tooLong, message: "\(bodies.count) parts needed, at most 255 allowed")
        }
        let count = UInt8(bodies.count)
        return bodies.enumerated().map { offset, body in
            MessagePart(
                shortMessage: UserDataHeader.concatenation(reference: reference, total: count, index: UInt8(offset + 1)) + body,
                esmClass: ESMClass.udhIndicator, dataCoding: coding)
        }
    }
}
