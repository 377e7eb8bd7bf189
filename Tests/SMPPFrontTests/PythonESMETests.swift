import Foundation
import SMPP
import SMPPFront
import TestSupport
import Testing

/// smpplib and aiosmpplib (PyPI), ESMEs nobody here wrote, against this process's SMPP server, with the simulated
/// phones driven through the web simulator's API: `Tests/SMPPInterop/sika_interop.py` says check by check.
@Suite(
    .timeLimit(.minutes(3)),
    .enabled(if: InteropPeers.pythonESMEs, "needs smpplib and aiosmpplib: python3 -m pip install smpplib aiosmpplib"))
struct PythonESMETests {
    static let slow = ESMEAccount(systemID: "slow", password: "slow-pw", shortCodes: ["8070"], throttle: ThrottleRate(perSecond: 0.001, burst: 3))

    @Test func smpplibAndAiosmpplibAgainstTheSMPPServer() async throws {
        let world = try await SMPPWorld.start(accounts: [SMPPWorld.shop, Self.slow])
        let script = InteropPeers.root.appending(path: "Tests/SMPPInterop/sika_interop.py").path
        let smpp = world.smppPort
        let http = world.httpPort
        // The script blocks on sockets: it runs on a thread of its own, not on the cooperative pool.
        let (status, output) = try await offThePool {
            InteropPeers.run("/usr/bin/env", ["python3", script, "--smpp-port", "\(smpp)", "--http-port", "\(http)"])
        }
        #expect(status == 0, "\(output)")
        #expect(output.contains(" passed, 0 failed"), "\(output)")
        try await world.stop()
    }
}
