import MenuEngine
import Operators

/// A receipt rendered before its movement's write job, but for what only that job knows: the fee it
/// charged, the balance after the movement, its reference and its time. Filling those in is all the job
/// does with the text; the notice's values (what its e-mail twin is rendered from when it is sent) are
/// the same ones, so the SMS and the e-mail cannot differ.
struct PreparedReceipt: Sendable {
    /// The variables a prepared receipt leaves open.
    static let open: Set<String> = ["fee", "balance", "reference", "when"]

    let notice: Receipts.Notice
    let language: Language
    /// The values known before the job.
    let known: [String: String]
    /// Nil when the notices file has no such notice (then the text is empty, as a full rendering's would be).
    let sms: PreparedNotice?

    /// The receipt, as ``Receipts`` would have rendered it with the same values in the job.
    func text(fee: Int64, balance: Int64, reference: String, at: Int64) -> NoticeText {
        let open = ["fee": String(fee), "balance": String(balance), "reference": reference, "when": MoneyFormat.dateTime(at)]
        return NoticeText(
            notice: notice.rawValue, language: language, values: known.merging(open) { _, new in new }, sms: sms?.render(open) ?? "")
    }
}
