import Synchronization

/// The USSD codes and SMS short codes of the simulated network that external applications serve, so that a phone
/// dialling `*384#` or texting `8080` reaches them. Codes are registered and removed while the network runs.
public final class ExternalServices: Sendable {
    private struct State {
        var ussd: [String: any ExternalUSSDService] = [:]
        var sms: [String: any ExternalSMSService] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// `code` (`*384#`) and every dial string under it (`*384*1#`) go to `service` from now on.
    public func register(ussdCode code: String, _ service: any ExternalUSSDService) {
        state.withLock { $0.ussd[code] = service }
    }

    /// SMS to `shortCode` go to `service` from now on.
    public func register(shortCode: String, _ service: any ExternalSMSService) {
        state.withLock { $0.sms[shortCode] = service }
    }

    public func unregister(ussdCode code: String) {
        _ = state.withLock { $0.ussd.removeValue(forKey: code) }
    }

    public func unregister(shortCode: String) {
        _ = state.withLock { $0.sms.removeValue(forKey: shortCode) }
    }

    /// The service of a normalised dial string: the one whose code it is (`*384#`) or starts (`*384*1#`).
    public func ussdService(for dial: String) -> (any ExternalUSSDService)? {
        state.withLock { state in
            state.ussd.first { code, _ in dial == code || (code.hasSuffix("#") && dial.hasPrefix(code.dropLast() + "*")) }?.value
        }
    }

    public func smsService(for shortCode: String) -> (any ExternalSMSService)? {
        state.withLock { $0.sms[shortCode] }
    }
}
