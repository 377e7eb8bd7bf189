import Foundation
import Yams

/// The host actions a menu may call, as declared in `menus/actions.yaml`.
///
/// The engine only knows names: `MobileMoney` registers what each does. Every action may also
/// answer ``ActionCatalog/errorOutcome`` (an unexpected failure), declared or not.
public struct ActionCatalog: Sendable, Hashable {
    /// One declared action.
    public struct Action: Sendable, Hashable {
        /// The name menus call it by.
        public var name: String
        /// The arguments it takes, each a string.
        public var arguments: [String]
        /// The outcome names it may answer, `error` included.
        public var outcomes: [String]
        /// The variables its outcome may set (merged into the session).
        public var provides: [String]
        /// Where it is declared.
        public var location: SourceLocation

        /// An action declaration; `error` is added to the outcomes when missing.
        public init(name: String, arguments: [String], outcomes: [String], provides: [String], location: SourceLocation) {
            self.name = name
            self.arguments = arguments
            self.outcomes = outcomes.contains(ActionCatalog.errorOutcome) ? outcomes : outcomes + [ActionCatalog.errorOutcome]
            self.provides = provides
            self.location = location
        }
    }

    /// The outcome every action may answer.
    public static let errorOutcome = "error"

    /// Actions by name.
    public var actions: [String: Action]

    /// A catalog of these actions.
    public init(actions: [Action]) {
        self.actions = Dictionary(actions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The action called `name`, if declared.
    public subscript(name: String) -> Action? { actions[name] }

    /// Loads `actions.yaml`.
    public static func load(contentsOf url: URL) throws(MenuError) -> ActionCatalog {
        let yaml: String
        do {
            yaml = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw MenuError(.unreadable, "cannot read \(url.path): \(error)")
        }
        return try parse(yaml: yaml, file: url.lastPathComponent)
    }

    /// Parses the text of an `actions.yaml`.
    public static func parse(yaml: String, file: String = "actions.yaml") throws(MenuError) -> ActionCatalog {
        var reader = NodeReader(file: file)
        let catalog = reader.document(yaml).flatMap { reader.actionCatalog($0) }
        let errors = reader.diagnostics.filter { $0.severity == .error }
        guard let catalog, errors.isEmpty else {
            throw MenuError(.invalidMenus, "\(file) does not load", diagnostics: errors)
        }
        return catalog
    }
}

extension NodeReader {
    /// The catalog in an `actions:` document.
    mutating func actionCatalog(_ root: Node) -> ActionCatalog? {
        guard let mapping = self.mapping(root, "actions file"), let actionsNode = mapping.value("actions") else {
            error(.structure, root, "an actions file needs a top-level 'actions:' mapping")
            return nil
        }
        guard let actions = self.mapping(actionsNode, "actions") else { return nil }
        var result: [ActionCatalog.Action] = []
        for (name, key, value) in namedPairs(actions, "actions") {
            guard let body = self.mapping(value, "action '\(name)'") else { continue }
            checkKeys(body, allowed: ["arguments", "outcomes", "provides"], in: "action '\(name)'")
            result.append(
                ActionCatalog.Action(
                    name: name,
                    arguments: identifierList(body.value("arguments"), "arguments of '\(name)'") ?? [],
                    outcomes: identifierList(body.value("outcomes"), "outcomes of '\(name)'") ?? [],
                    provides: identifierList(body.value("provides"), "provides of '\(name)'") ?? [],
                    location: location(key)
                )
            )
        }
        return ActionCatalog(actions: result)
    }
}
