import Foundation

/// The checkout the tests run from: shipped menus, operator data, fixtures and docs are read from it.
public enum Repository {
    /// The repository root (the directory holding `Package.swift`).
    public static let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A path inside the repository.
    public static func url(_ path: String) -> URL { root.appending(path: path) }
}
