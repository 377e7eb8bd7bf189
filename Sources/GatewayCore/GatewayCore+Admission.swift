import Ledger
import MenuEngine
import Operators

extension GatewayCore {
    /// The checks every front runs before a session starts, in one place so that no front can skip
    /// one: not while shutting down (`503`), a dial string the engine accepts (`400`), then, for an
    /// authenticated operator, a number inside its numbering ranges and not another operator's
    /// service code (`403`).
    ///
    /// The dial string is normalised once (``DialString/normalized``: no surrounding spaces) and the
    /// checks run on that form, which is also the one returned for the engine to start: a check on
    /// one spelling and a start on another (`*155# `) is how a service-code check gets around.
    ///
    /// - Parameter op: the authenticated operator; nil when authentication is off and none was named.
    /// - Returns: the normalised dial string.
    public func admit(session: String, msisdn: String, dial: String, operator op: OperatorConfig?) throws(GatewayError) -> String {
        guard !isDraining else { throw GatewayError(.unavailable, session: session, "shutting down") }
        let normalized: String
        do {
            normalized = try DialString.normalize(dial)
        } catch {
            throw GatewayError(.malformed, session: session, error.message)
        }
        if let op {
            guard op.owns(msisdn: msisdn) else {
                throw GatewayError(.forbidden, session: session, "\(msisdn) is outside \(op.id)'s numbering range")
            }
            if let serving = catalog.operatorServing(ussd: normalized), serving.id != op.id {
                throw GatewayError(.forbidden, session: session, "\(normalized) is \(serving.id)'s service")
            }
        }
        return normalized
    }
}
