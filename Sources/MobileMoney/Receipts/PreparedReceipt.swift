import MenuEngine
import Operators

/// A receipt rendered before its movement's write job, but for what only that job knows: the fee it
/// charged, the balance after the movement, its reference and its time. Filling those in is all the job
/// does with the text.
struct PreparedReceipt: Sendable {
    /// The variables a prepared receipt leaves open.
    static let open: Set<String> = ["fee", "balance", "reference", "when"]

    /// Nil when the notices file has no such notice (then the text is empty, as a full rendering's would be).
    let notice: PreparedNotice?

    /// The receipt's text.
    func text(fee: Int64, balance: Int64, reference: String, at: Int64) -> String {
        notice?.render(["fee": String(fee), "balance": String(balance), "reference": reference, "when": MoneyFormat.dateTime(at)]) ?? ""
    }
}
