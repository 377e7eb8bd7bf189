extension Receipt {
    /// An off-net party as receipts and statements show it: `AKOSUA D. (22896112233, Flooz)`, or
    /// `22896112233 (Flooz)` when the other network gave no name. Never a suspense or settlement account.
    public static func offNetParty(name: String?, msisdn: String, network: String) -> String {
        if let name, !name.isEmpty { "\(name) (\(msisdn), \(network))" } else { "\(msisdn) (\(network))" }
    }
}
