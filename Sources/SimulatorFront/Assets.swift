import Foundation

/// The page's files, read once from this module's resources (`Web/`), so `sika` serves them from any directory.
struct Assets: Sendable {
    let index: String
    let script: String
    let style: String

    static func load() -> Assets {
        Assets(index: read("index", "html"), script: read("app", "js"), style: read("style", "css"))
    }

    private static func read(_ name: String, _ ext: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Web"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            // Only a broken build lacks its resources; say so on the page rather than crash the server.
            return "/* \(name).\(ext) missing from the SimulatorFront resources */"
        }
        return text
    }
}
