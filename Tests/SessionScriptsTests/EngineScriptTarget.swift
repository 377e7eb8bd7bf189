import Foundation
import MenuEngine
import SessionScripts

/// A ``ScriptTarget`` made of the real menu engine and ``FakeWorld`` as host: runs the shipped
/// scripts without the real MobileMoney, the way the gateway's driver loop will.
actor EngineScriptTarget: ScriptTarget {
    let engine: MenuEngine
    var world: FakeWorld
    var sessions: [String: (msisdn: String, session: MenuSession)] = [:]
    /// Every PIN-bearing action call seen, to check that PINs never reach a reply or a session.
    var actionCalls: [ActionCall] = []
    /// Every screen (`service/screen`) a step stopped on or passed through an action of.
    var visited: [String] = []

    init(menus: MenuSet, world: FakeWorld) {
        engine = MenuEngine(menus: menus)
        self.world = world
    }

    func drive(_ start: StepResult, msisdn: String, session id: String) throws -> Screen {
        var result = start
        visited.append(result.session.service + "/" + result.session.screen)
        while let call = result.actionCall {
            actionCalls.append(call)
            result = try engine.resume(result.session, outcome: world.run(call, caller: msisdn))
            visited.append(result.session.service + "/" + result.session.screen)
        }
        guard let reply = result.reply else { throw MenuError(.unknownScreen, "no reply") }
        if result.session.isEnded {
            sessions[id] = nil
        } else {
            sessions[id] = (msisdn, result.session)
        }
        return Screen(text: reply.text, isFinal: reply.isFinal)
    }

    func begin(session: String, msisdn: String, dial: String) async throws -> Screen {
        try drive(engine.begin(dial: dial, context: world.context(for: msisdn)), msisdn: msisdn, session: session)
    }

    func reply(session: String, input: String) async throws -> Screen {
        guard let state = sessions[session] else { throw MenuError(.sessionEnded, "no session \(session)") }
        return try drive(engine.step(state.session, input: input), msisdn: state.msisdn, session: session)
    }

    func abort(session: String) async throws {
        sessions[session] = nil
    }

    func smsReceived(msisdn: String) async throws -> [String] {
        world.sms[msisdn] ?? []
    }

    func balance(msisdn: String) async throws -> Int64? {
        world.subscribers[msisdn]?.balance
    }

    func openSessions() -> [MenuSession] { sessions.values.map(\.session) }
}
