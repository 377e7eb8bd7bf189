import Foundation

/// Where the `sika` binary finds the files it ships with: the menus and operator data (`menus/`), the
/// demo world and session scripts (`fixtures/`) and the OpenAPI document (`docs/openapi.yaml`).
///
/// `$SIKA_HOME` names a directory laid out like the checkout (a checkout is one); without it, the
/// copies built into the binary's resource bundle are used, so `sika` works from any directory. Every
/// command's `--menus`, `--operators`, `--world`… flag still wins over both.
public struct SikaHome: Sendable {
    /// The directory holding `menus/`, `fixtures/` and `docs/`.
    public let root: URL
    /// Whether `root` comes from `$SIKA_HOME` (otherwise it is the resource bundle).
    public let fromEnvironment: Bool

    /// `$SIKA_HOME` when set and not empty, else the bundled resources.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let home = environment["SIKA_HOME"], !home.isEmpty {
            root = URL(fileURLWithPath: home, isDirectory: true)
            fromEnvironment = true
        } else {
            root = Self.bundled
            fromEnvironment = false
        }
    }

    /// The resource bundle's copy of the checkout's `menus/`, `fixtures/` and `docs/`.
    public static var bundled: URL {
        // Asked by a file inside it, so the answer does not depend on how the platform lays out bundles.
        Bundle.module.url(forResource: "menus", withExtension: nil)?.deletingLastPathComponent() ?? Bundle.module.bundleURL
    }

    /// `menus/`: the shared wallet menu, `actions.yaml`, `operators.yaml` and the SMS notices (`receipts.yaml`).
    public var menus: URL { root.appending(path: "menus", directoryHint: .isDirectory) }
    /// `menus/operators.yaml`: numbering, limits and tariffs.
    public var operators: URL { menus.appending(path: "operators.yaml") }
    /// `fixtures/demo-world.yaml`: the demo subscribers and agents.
    public var world: URL { root.appending(path: "fixtures/demo-world.yaml") }
    /// `fixtures/scripts/`: the session scripts.
    public var scripts: URL { root.appending(path: "fixtures/scripts", directoryHint: .isDirectory) }
    /// `docs/openapi.yaml`: the JSON API's description, served at `/openapi.yaml`.
    public var openAPI: URL { root.appending(path: "docs/openapi.yaml") }

    /// Where the defaults come from, for help texts and error messages.
    public var origin: String { fromEnvironment ? "$SIKA_HOME (\(root.path))" : "the files built into sika" }
}
