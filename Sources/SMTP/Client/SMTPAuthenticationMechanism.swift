/// The SASL mechanisms this client speaks. Both send the password itself (base64 is not encryption), which is why
/// the client refuses to authenticate on a connection that is not encrypted.
public enum SMTPAuthenticationMechanism: String, Sendable, Hashable, CaseIterable {
    /// RFC 4616: one `AUTH PLAIN <base64(\0user\0password)>`.
    case plain = "PLAIN"
    /// The de-facto LOGIN exchange: `AUTH LOGIN`, then the user name and the password, each answering a 334.
    case login = "LOGIN"
}
