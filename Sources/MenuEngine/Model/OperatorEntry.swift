import Yams

/// What the engine reads of one operator in `operators.yaml`: which shared menu its USSD code runs and
/// the values that menu is filled with (`{{operator.name}}`, `{{peer.name}}`, the amount limits).
///
/// The rest of the file (numbering, tiers, fees) belongs to the ledger and is not read here.
struct OperatorEntry: Sendable {
    /// The operator id (`tmoney`), which becomes the id of the service built from its menu.
    var id: String
    /// The name shown to people (`T-Money`).
    var name: String?
    /// The USSD code (`*145#`), from `ussdCode:`.
    var code: String?
    /// The shared menu the operator runs (`menu: wallet`), if any.
    var menu: ScreenDefinition.Reference?
    /// The operator whose name the menu's "other network" screens show (`peer: flooz`), if any.
    var peer: ScreenDefinition.Reference?
    /// `limits.minTransfer` and `limits.maxTransfer`.
    var minTransfer: Int64?
    var maxTransfer: Int64?
    /// Where the entry is, and where its limits are.
    var location: SourceLocation
    var limitsLocation: SourceLocation
}

extension NodeReader {
    /// The operators of an `operators:` document. Only the keys above are checked; others are the ledger's.
    mutating func operatorEntries(_ root: Node) -> [OperatorEntry] {
        guard let mapping = root.mapping, let node = mapping.value("operators") else { return [] }
        guard let sequence = node.sequence else {
            error(.structure, node, "operators must be a list, not \(Self.describe(node))")
            return []
        }
        var entries: [OperatorEntry] = []
        for item in sequence {
            guard let entry = self.mapping(item, "an operator") else { continue }
            guard let id = requiredIdentifier(entry, "id", in: item, "an operator") else { continue }
            let what = "operator '\(id)'"
            var minimum: Int64?
            var maximum: Int64?
            var limitsLocation = location(item)
            if let limitsNode = entry.value("limits"), let limits = self.mapping(limitsNode, "limits of \(what)") {
                limitsLocation = location(limitsNode)
                minimum = int(limits.value("minTransfer"), "limits.minTransfer of \(what)", in: 1...Int.max).map(Int64.init)
                maximum = int(limits.value("maxTransfer"), "limits.maxTransfer of \(what)", in: 1...Int.max).map(Int64.init)
                if let minimum, let maximum, minimum > maximum {
                    error(.structure, limitsNode, "limits of \(what): minTransfer (\(minimum)) is above maxTransfer (\(maximum))")
                }
            }
            entries.append(
                OperatorEntry(
                    id: id,
                    name: string(entry.value("name"), "name of \(what)"),
                    code: string(entry.value("ussdCode"), "ussdCode of \(what)"),
                    menu: reference(entry.value("menu"), "menu of \(what)"),
                    peer: reference(entry.value("peer"), "peer of \(what)"),
                    minTransfer: minimum,
                    maxTransfer: maximum,
                    location: location(item),
                    limitsLocation: limitsLocation
                ))
        }
        return entries
    }
}
