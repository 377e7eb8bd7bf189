/// The body of a bind response (section 4.1.2): the SMSC's system_id and, optionally, sc_interface_version.
/// On a non-zero status the body is not sent (section 4.1.2), and decodes as empty.
public struct BindResponse: Hashable, Sendable {
    public var systemID: String
    public var options: OptionalParameters

    public init(systemID: String = "", options: OptionalParameters = []) {
        self.systemID = systemID
        self.options = options
    }
}
