/// A receipt text that could not be read.
public struct DeliveryReceiptError: Error, Hashable, Sendable {
    public var message: String
}
