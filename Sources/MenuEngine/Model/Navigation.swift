/// The answers that move around instead of answering, configurable per service.
public struct Navigation: Sendable, Hashable, Codable {
    /// Back to the previous screen (or the previous page of a paged screen).
    public var back: String
    /// Back to the service's home screen, forgetting the way there.
    public var home: String
    /// The next page of a screen longer than one USSD page.
    public var next: String

    /// Navigation keys; the defaults are the ones Togolese operators use.
    public init(back: String = "0", home: String = "00", next: String = "98") {
        self.back = back
        self.home = home
        self.next = next
    }
}
