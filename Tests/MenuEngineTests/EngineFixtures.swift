import Foundation
import MenuEngine
import TestSupport

/// Paths and helpers shared by the engine tests.
enum EngineFixtures {
    static let menusDirectory = Repository.url("menus")
    static let fixtures = Repository.url("Tests/MenuEngineTests/Fixtures")

    /// The shipped menus with the host's real rules (Togo's numbers, the receipts' money format).
    static let shipped: MenuSet = Shipped.menus
    /// The host's rules, as `sika` gives them to the engine.
    static let rules: HostRules = Shipped.rules

    static let kofi = SubscriberContext(msisdn: "22890112233", operatorID: "tmoney", registered: true, language: "fr", name: "Kofi Amegah")

    /// A small service plus the real action catalog, built from a YAML string, with the host's rules.
    static func menus(_ yaml: String) throws -> MenuSet {
        let actions = try String(contentsOf: menusDirectory.appending(path: "actions.yaml"), encoding: .utf8)
        return try MenuSet(files: [("test.yaml", yaml), ("actions.yaml", actions)], rules: rules)
    }
}
