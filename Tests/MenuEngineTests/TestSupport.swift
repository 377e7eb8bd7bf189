import Foundation
import MenuEngine

/// Paths and helpers shared by the engine tests.
enum TestSupport {
    /// The repository root: this file is `Tests/MenuEngineTests/TestSupport.swift`.
    static let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let menusDirectory = root.appending(path: "menus")
    static let fixtures = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")

    /// The shipped menus, loaded once.
    static let shipped: MenuSet = {
        do {
            return try MenuSet.load(directory: menusDirectory)
        } catch {
            fatalError("shipped menus do not load: \(error)")
        }
    }()

    static let kofi = SubscriberContext(msisdn: "22890112233", operatorID: "tmoney", registered: true, language: "fr", name: "Kofi Amegah")

    /// A small service plus the real action catalog, built from a YAML string.
    static func menus(_ yaml: String) throws -> MenuSet {
        let actions = try String(contentsOf: menusDirectory.appending(path: "actions.yaml"), encoding: .utf8)
        return try MenuSet(files: [("test.yaml", yaml), ("actions.yaml", actions)])
    }
}
