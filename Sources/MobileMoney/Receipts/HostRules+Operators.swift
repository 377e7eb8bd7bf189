import MenuEngine
import Operators

extension HostRules {
    /// Sika's rules for the menu engine: the one `MSISDN` type of the operations and the one `MoneyFormat` of
    /// screens and receipts (both from `Operators`), so that a number a screen accepts is one the operations
    /// accept and an amount reads the same on a screen and in its SMS. Built here, the lowest module that sees
    /// both the engine and the operator data: the receipts use it, and so do the menus the session manager loads.
    public static let operators = HostRules(
        phoneNumber: { MSISDN($0)?.digits }, localNumber: { MSISDN.localPart(of: $0) },
        money: { amount, currency in MoneyFormat.amount(amount, currency: currency) })
}
