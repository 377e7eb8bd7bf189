/// A delivery receipt in the de-facto text format of SMPP 3.4 Appendix B, as SMSCs put it in a deliver_sm with
/// esm_class 0x04:
///
///     id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:<first 20 chars>
///
/// together with the receipted_message_id and message_state TLVs, which are authoritative when both are present.
public struct DeliveryReceipt: Hashable, Sendable {
    /// The SMSC message id from the submit_sm_resp.
    public var messageID: String
    /// `sub:`: messages originally submitted (1 for one short message).
    public var submitted: Int
    /// `dlvrd:`: messages delivered.
    public var delivered: Int
    public var submitDate: ReceiptDate?
    public var doneDate: ReceiptDate?
    public var state: MessageState
    /// `err:`: a network-specific error code, 0 when none.
    public var error: Int
    /// `text:`: the first 20 characters of the original message.
    public var text: String

    public init(
        messageID: String, submitted: Int = 1, delivered: Int? = nil, submitDate: ReceiptDate?, doneDate: ReceiptDate?,
        state: MessageState, error: Int = 0, text: String = ""
    ) {
        self.messageID = messageID
        self.submitted = submitted
        self.delivered = delivered ?? (state == .delivered ? submitted : 0)
        self.submitDate = submitDate
        self.doneDate = doneDate
        self.state = state
        self.error = error
        self.text = String(text.prefix(20))
    }

    /// The receipt text.
    public var formatted: String {
        func three(_ value: Int) -> String {
            let digits = String(max(0, min(value, 999)))
            return String(repeating: "0", count: 3 - digits.count) + digits
        }
        return "id:\(messageID) sub:\(three(submitted)) dlvrd:\(three(delivered)) "
            + "submit date:\(submitDate?.description ?? "") done date:\(doneDate?.description ?? "") "
            + "stat:\(state.receiptStat) err:\(three(error)) text:\(text)"
    }

    /// The deliver_sm that carries this receipt back to the ESME: from the original destination to the original
    /// source, esm_class 0x04, the text in GSM 7-bit (characters it lacks become `?`), and the receipted_message_id
    /// and message_state TLVs.
    public func deliverSM(originalSource: Address, originalDestination: Address) -> DeliverSM {
        let body = GSM7.encode(formatted) ?? GSM7.encode(String(formatted.unicodeScalars.map { GSM7.canEncode(String($0)) ? Character($0) : "?" }))!
        var options = OptionalParameters()
        options.receiptedMessageID = messageID
        options.messageState = state
        return DeliverSM(
            source: originalDestination, destination: originalSource, esmClass: ESMClass.deliveryReceipt,
            dataCoding: DataCoding.gsm7.rawValue, shortMessage: Array(body.prefix(254)), options: options)
    }

    /// Parses a receipt text. Field names are matched case-insensitively and in any order; `id:` and `stat:` are
    /// required, the rest default (sub 1, dlvrd 0, no dates, err 0, empty text).
    public static func parse(_ text: String) throws(DeliveryReceiptError) -> DeliveryReceipt {
        let fields = ReceiptFields(text)
        guard let id = fields["id"], !id.isEmpty else { throw DeliveryReceiptError(message: "no id: field in \"\(text)\"") }
        guard let stat = fields["stat"], let state = MessageState(receiptStat: stat) else {
            throw DeliveryReceiptError(message: "no known stat: in \"\(text)\"")
        }
        let submitted = fields["sub"].flatMap { Int($0) } ?? 1
        return DeliveryReceipt(
            messageID: id, submitted: submitted, delivered: fields["dlvrd"].flatMap { Int($0) } ?? 0,
            submitDate: fields["submit date"].flatMap { ReceiptDate($0) }, doneDate: fields["done date"].flatMap { ReceiptDate($0) },
            state: state, error: fields["err"].flatMap { Int($0) } ?? 0, text: fields["text"] ?? "")
    }

    /// The receipt a deliver_sm carries, or nil when it is not a receipt (esm_class lacks 0x04 and there is no
    /// receipted_message_id). The TLVs override the text's id and state.
    public init?(deliverSM message: DeliverSM) {
        let options = message.options
        guard message.isDeliveryReceipt || options.receiptedMessageID != nil else { return nil }
        let text = TextCodec.decode(message.userData, dataCoding: message.dataCoding)
        if var parsed = try? Self.parse(text) {
            if let id = options.receiptedMessageID { parsed.messageID = id }
            if let state = options.messageState { parsed.state = state }
            self = parsed
        } else if let id = options.receiptedMessageID, let state = options.messageState {
            self.init(messageID: id, submitDate: nil, doneDate: nil, state: state)
        } else {
            return nil
        }
    }
}

/// Splits `key:value key:value …` where keys may contain one space (`submit date`). `text:` runs to the end.
struct ReceiptFields {
    private var values: [String: String] = [:]
    static let keys = ["id", "sub", "dlvrd", "submit date", "done date", "stat", "err", "text"]

    init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        // Positions where a key starts: at the beginning or after a space, matched case-insensitively, followed by ':'.
        var starts: [(key: String, keyStart: Int, valueStart: Int)] = []
        var position = 0
        while position < scalars.count {
            if position == 0 || scalars[position - 1] == " " {
                for key in Self.keys {
                    let keyScalars = Array(key.unicodeScalars)
                    let end = position + keyScalars.count
                    guard end < scalars.count, scalars[end] == ":" else { continue }
                    let matches = zip(scalars[position..<end], keyScalars).allSatisfy { lowercase($0) == $1 }
                    if matches, !starts.contains(where: { $0.key == key }) {
                        starts.append((key, position, end + 1))
                        break
                    }
                }
                if starts.last?.key == "text" { break }
            }
            position += 1
        }
        for (offset, start) in starts.enumerated() {
            let end = offset + 1 < starts.count ? starts[offset + 1].keyStart : scalars.count
            var value = String(String.UnicodeScalarView(scalars[start.valueStart..<max(start.valueStart, end)]))
            if start.key != "text" { value = value.trimmingSpaces }
            values[start.key] = value
        }
    }

    subscript(key: String) -> String? { values[key] }
}

private func lowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
