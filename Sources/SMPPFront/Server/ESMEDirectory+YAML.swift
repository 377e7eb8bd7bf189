import Foundation
import Operators
import SMPP
import Yams

extension ESMEDirectory {
    /// Reads the ESME file (`fixtures/esmes.yaml` shows the format) with each account's password from `secrets` under
    /// `SIKA_ESME_PASSWORD_<SYSTEM_ID>`. Passwords never live in the file: a `password` key is refused. Unknown keys
    /// are refused too, so a misspelt limit is not silently ignored.
    ///
    /// ```yaml
    /// esmes:
    ///   - system_id: shop
    ///     short_codes: ["8080"]
    ///     ussd_codes: ["*384#"]
    ///     throttle: { per_second: 50, burst: 100 }   # optional
    ///     window: 10                                # optional
    ///   - system_id: tmoney-mm                      # Sika's own client, as T-Money's mobile-money service:
    ///     serves_operator: tmoney                   # owns *145# and 1455 on this simulated network
    /// ```
    public static func load(yaml text: String, secrets: [String: String], catalog: OperatorCatalog, extra: [ESMEAccount] = []) throws(SMPPFrontError)
        -> ESMEDirectory
    {
        func refuse(_ message: String) -> SMPPFrontError { SMPPFrontError(.invalidAccounts, message) }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            let detail = "\(error)".split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            throw refuse("the ESME file is not YAML: " + detail.joined(separator: "; "))
        }
        guard let document = root as? [String: Any], document.keys.sorted() == ["esmes"], let entries = document["esmes"] as? [Any] else {
            throw refuse("the ESME file holds one key, esmes:, a list of accounts")
        }
        var accounts: [ESMEAccount] = []
        for (index, entry) in entries.enumerated() {
            guard let fields = entry as? [String: Any] else { throw refuse("esmes[\(index)] is not a mapping") }
            let known: Set<String> = ["system_id", "short_codes", "ussd_codes", "throttle", "window", "serves_operator"]
            if fields["password"] != nil {
                throw refuse("esmes[\(index)]: passwords are not kept in this file; set SIKA_ESME_PASSWORD_<SYSTEM_ID> in the secrets file")
            }
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) { throw refuse("esmes[\(index)]: unknown key \(unknown)") }
            guard let id = fields["system_id"] as? String else { throw refuse("esmes[\(index)]: system_id is missing") }
            let variable = ESMEAccount.passwordVariable(systemID: id)
            guard let password = secrets[variable], !password.isEmpty else {
                throw SMPPFrontError(.missingSecret, "no password for ESME \(id): set \(variable) in the secrets file")
            }
            func codes(_ key: String) throws(SMPPFrontError) -> [String] {
                guard let value = fields[key] else { return [] }
                guard let list = value as? [Any] else { throw refuse("\(id): \(key) is a list") }
                return list.map { "\($0)" }
            }
            var throttle: ThrottleRate?
            if let value = fields["throttle"] {
                guard let rate = value as? [String: Any],
                    let perSecond = (rate["per_second"] as? Double) ?? (rate["per_second"] as? Int).map(Double.init)
                else { throw refuse("\(id): throttle is { per_second: N, burst: N }") }
                throttle = ThrottleRate(perSecond: perSecond, burst: rate["burst"] as? Int ?? max(1, Int(perSecond.rounded(.up))))
            }
            func integer(_ key: String) throws(SMPPFrontError) -> Int? {
                guard let value = fields[key] else { return nil }
                guard let number = value as? Int else { throw refuse("\(id): \(key) is a whole number") }
                return number
            }
            accounts.append(
                ESMEAccount(
                    systemID: id, password: password, shortCodes: try codes("short_codes"), ussdCodes: try codes("ussd_codes"), throttle: throttle,
                    window: try integer("window"), servesOperator: fields["serves_operator"].map { "\($0)" }))
        }
        let ids = Set(accounts.map(\.systemID))
        return try ESMEDirectory(accounts: accounts + extra.filter { !ids.contains($0.systemID) }, catalog: catalog)
    }
}
