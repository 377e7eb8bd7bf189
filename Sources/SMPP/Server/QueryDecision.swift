/// What the host answers to a query_sm.
public enum QueryDecision: Hashable, Sendable {
    case found(QuerySMResponse)
    case rejected(CommandStatus)
}
