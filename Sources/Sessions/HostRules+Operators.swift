import MenuEngine
import Operators

extension HostRules {
    /// Sika's rules: the one `MSISDN` type of the operations and the one money format of the receipts.
    public static let operators = HostRules(
        phoneNumber: { MSISDN($0)?.digits }, localNumber: { MSISDN.localPart(of: $0) },
        money: { amount, currency in MoneyFormat.amount(amount, currency: currency) })
}
