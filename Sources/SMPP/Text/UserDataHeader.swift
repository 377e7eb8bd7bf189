/// Reads and writes user data headers at the start of short_message (esm_class UDHI 0x40).
public enum UserDataHeader {
    /// The 6-octet UDH for part `index` of `total` with an 8-bit reference: UDHL 5, IEI 0x00, IEDL 3, ref, total, index.
    public static func concatenation(reference: UInt8, total: UInt8, index: UInt8) -> [UInt8] {
        [0x05, 0x00, 0x03, reference, total, index]
    }

    /// Splits user data that starts with a UDH into the concatenation element (if any) and the text octets after the
    /// header. Total: a header whose length runs past the data yields nil (the caller treats the octets as text).
    public static func parse(_ userData: [UInt8]) -> (concatenation: ConcatenationInfo?, body: ArraySlice<UInt8>)? {
        guard let headerLength = userData.first.map(Int.init), userData.count >= 1 + headerLength else { return nil }
        var concatenation: ConcatenationInfo?
        var position = 1
        let end = 1 + headerLength
        while position + 2 <= end {
            let iei = userData[position]
            let length = Int(userData[position + 1])
            let start = position + 2
            guard start + length <= end else { return nil }
            let element = userData[start..<start + length]
            if iei == 0x00, length == 3 {
                concatenation = ConcatenationInfo(
                    reference: UInt16(element[start]), total: element[start + 1], index: element[start + 2])
            } else if iei == 0x08, length == 4 {
                concatenation = ConcatenationInfo(
                    reference: UInt16(element[start]) << 8 | UInt16(element[start + 1]), total: element[start + 2],
                    index: element[start + 3])
            }
            position = start + length
        }
        return (concatenation, userData[end...])
    }
}
