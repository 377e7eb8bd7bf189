/// A connection lost at a batch's `COMMIT`, made on purpose: how the tests reach the writer's lost-commit
/// resolution without killing a server at the right microsecond.
public enum CommitFault: Sendable, Hashable {
    /// The connection goes before `COMMIT` is sent: the server rolls the batch back.
    case lostBeforeCommit
    /// The connection goes after the server committed, before its answer was read.
    case lostAfterCommit
}
