import Foundation
import MenuEngine
import MobileMoney
import Operators
import SessionScripts
import Sessions

/// Loads session scripts and runs each in-process against a fresh, seeded ledger.
public struct ScriptSuite: Sendable {
    let menus: MenuSet
    let catalog: OperatorCatalog
    let world: DemoWorld

    public init(menus: URL, operators: URL, world: URL) throws {
        catalog = try OperatorCatalog.load(from: operators)
        self.menus = try SessionManager.loadMenus(directory: menus, catalog: catalog)
        self.world = try DemoWorld.load(from: world)
    }

    /// The scripts of these files, or of the `*.yaml` files of these directories, in name order.
    public static func files(_ paths: [URL]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                throw ScriptError(file: path.path, line: 0, message: "no such file")
            }
            if isDirectory.boolValue {
                files += try FileManager.default.contentsOfDirectory(at: path, includingPropertiesForKeys: nil)
                    .filter { ["yaml", "yml"].contains($0.pathExtension) }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            } else {
                files.append(path)
            }
        }
        return files
    }

    public func run(paths: [URL]) async throws -> [ScriptResult] {
        var scripts: [SessionScript] = []
        for file in try Self.files(paths) { scripts += try ScriptParser.load(contentsOf: file) }
        let (menus, catalog, world) = (self.menus, self.catalog, self.world)
        return await ScriptRunner { try await InProcessTarget(menus: menus, catalog: catalog, world: world) }.run(scripts)
    }
}
