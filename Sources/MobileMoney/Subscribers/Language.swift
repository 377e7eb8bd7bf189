/// The language of a subscriber's screens and receipts. French is the default in Togo.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    case fr
    case en
}
