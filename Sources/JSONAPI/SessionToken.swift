import JWTKit

/// The claims of a subscriber's session token: who (`sub`, an MSISDN) and until when.
struct SessionToken: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim

    func verify(using algorithm: some JWTAlgorithm) throws {
        try exp.verifyNotExpired()
    }
}
