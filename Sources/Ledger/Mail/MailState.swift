/// Where an e-mail notice is in its delivery. Only `queued` is ever picked up by the dispatcher.
public enum MailState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its first attempt, or for its next one after a transient failure (`attempts > 0`).
    case queued
    /// The relay answered 250 to its data: handed over (at least once; see ``MailOutboxMessage/messageID``).
    case sent
    /// The relay refused it for good (a 5xx reply, an address it will not take): never retried.
    case failed
    /// Dead letter: transient failures until the attempts or the age ran out. Retried only by a person.
    case dead
}
