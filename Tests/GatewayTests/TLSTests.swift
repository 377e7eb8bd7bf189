import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOSSL
import SwiftASN1
import Testing
import X509

@testable import LineFront

/// A certificate for `localhost`, signed by its own key, made by the test: nothing on disk, nothing shared.
struct SelfSignedCertificate {
    let certificate: NIOSSLCertificate
    let key: NIOSSLPrivateKey

    init() throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("localhost") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(3600), issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                SubjectAlternativeNames([.dnsName("localhost")])
            },
            issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.certificate = try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
        self.key = try NIOSSLPrivateKey(bytes: Array(key.derRepresentation), format: .der)
    }

    var server: TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
    }

    /// A client that trusts this certificate only, and checks the host name.
    var client: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([certificate])
        return configuration
    }
}

@Suite(.serialized) struct TLSTests {
    @Test func lineProtocolAndHTTPSpeakTLSWhenConfigured() async throws {
        let certificate = try SelfSignedCertificate()
        let world = try await GatewayWorld()
        defer { world.remove() }
        let running = try await RunningServer.start(world) { $0.tls = certificate.server }

        let client = try await LineClient.connect(host: "localhost", port: running.linePort, tls: certificate.client)
        try await client.hello(operatorID: "tmoney", token: GatewayWorld.tokens.tokens["tmoney"]!)
        #expect(try await client.ping("over-tls") == "over-tls")
        let screen = try await client.begin(session: "t1", msisdn: "22890112233", dial: "*145#")
        #expect("\(screen)".contains("Envoyer"))
        await client.close()

        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: certificate.client))
        let response = try await http.execute(HTTPClientRequest(url: "https://localhost:\(running.httpPort)/health"), timeout: .seconds(10))
        #expect(response.status == .ok)
        // A client that does not trust the certificate is refused: TLS is real, not decoration.
        let stranger = HTTPClient(eventLoopGroupProvider: .singleton)
        let untrusted = await #expect(throws: (any Error).self) {
            _ = try await stranger.execute(HTTPClientRequest(url: "https://localhost:\(running.httpPort)/health"), timeout: .seconds(10))
        }
        #expect(untrusted is NIOSSLError, "the handshake, not something else, must fail: \(String(describing: untrusted))")
        try await http.shutdown()
        try await stranger.shutdown()
        try await running.stop()
    }
}
