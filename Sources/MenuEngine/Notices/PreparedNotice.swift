/// A notice rendered with every value its host knew in advance, waiting for the few that only a later
/// step knows (a movement's reference, the balance after it, its time).
///
/// Filling it is a walk over a handful of pieces with no template parsing and no lookup of the notice:
/// cheap enough to run inside a database's write lock, while the rest of the rendering ran before.
public struct PreparedNotice: Sendable {
    let template: Template
    let currency: String
    let rules: HostRules

    /// The text, with `values` for the variables left open (filters apply as in a full rendering).
    public func render(_ values: [String: String]) -> String {
        template.render(RenderContext(variables: values, currency: currency, rules: rules))
    }

    /// The variables still open, which ``render(_:)`` fills.
    public var openVariables: Set<String> { Set(template.variables.map(\.path)) }
}
