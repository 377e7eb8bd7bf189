/// The result of ``MenuEngine/begin(dial:context:)``, ``MenuEngine/step(_:input:)`` and
/// ``MenuEngine/resume(_:outcome:)``.
///
/// Exactly one of these holds: ``reply`` is set (show it; it is final when the session ended),
/// or ``actionCall`` is set (run it and resume; there is no reply yet).
public struct StepResult: Sendable {
    /// The session after this step; store it (or drop it when ``MenuSession/isEnded``).
    public var session: MenuSession
    /// The page to show, or `nil` while an action is pending.
    public var reply: Reply?
    /// What the driver must do, in order.
    public var effects: [Effect]

    /// A result.
    public init(session: MenuSession, reply: Reply?, effects: [Effect]) {
        self.session = session
        self.reply = reply
        self.effects = effects
    }

    /// The action to run before the session can go on, if any.
    public var actionCall: ActionCall? {
        for case .callAction(let call) in effects { return call }
        return nil
    }
}
