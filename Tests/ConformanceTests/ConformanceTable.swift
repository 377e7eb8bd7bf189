/// The behaviour every front shares, as data. `docs/PROTOCOL.md` shows this table rendered per front
/// (a test keeps the two equal).
enum ConformanceTable {
    static let kofi = "22890112233"  // T-Money, PIN 2580, 50 000 FCFA
    static let ama = "22890445566"  // T-Money, PIN 4826, 25 000 FCFA
    static let akosua = "22896112233"  // Flooz, PIN 3719, 30 000 FCFA

    /// Why a caller cannot take another's session id on the web simulator.
    static let serverNamed = "the simulator names sessions itself (`web-7`)"

    /// Why the credential cases cannot apply to the web simulator.
    static let noCredential = "no credential: it answers this machine only (`403 simulator_local_only` from elsewhere)"

    static let cases: [ConformanceCase] = [
        ConformanceCase(
            name: "start: the first screen, then an answer",
            steps: [
                Step(.begin(session: "s1", caller: kofi, dial: "*145#"), .menus(.screen("T-Money\n1. Envoyer de l'argent"), api: .unsupported)),
                Step(.answer(session: "s1", input: "4"), .menus(.screen("Mon compte\n1. Solde"), api: .unsupported)),
            ]),
        ConformanceCase(
            name: "400: a request that does not parse",
            steps: [Step(.malformed, .every(.refused(400)))]),
        ConformanceCase(
            name: "400: a phone number that is not one",
            steps: [Step(.checkBalance(caller: "228", pin: "2580", credential: .of(kofi)), .menus(.refused(400), api: .refused(422)))]),
        ConformanceCase(
            name: "401: no credential",
            steps: [
                Step(.checkBalance(caller: kofi, pin: "2580", credential: .none), Expect.every(.refused(401)).unless(\.authenticates, noCredential))
            ]),
        ConformanceCase(
            name: "401: a wrong credential",
            steps: [
                Step(.checkBalance(caller: kofi, pin: "2580", credential: .wrong), Expect.every(.refused(401)).unless(\.authenticates, noCredential))
            ]),
        ConformanceCase(
            // On the web simulator the phone is its own operator's, so the other operator's service code is what is refused.
            name: "403: a number outside the credential's operator or wallet",
            steps: [Step(.checkBalance(caller: akosua, pin: "3719", credential: .of(kofi)), .every(.refused(403)))]),
        ConformanceCase(
            name: "403: the other operator's service code, however it is spaced",
            steps: [
                Step(.begin(session: "s1", caller: kofi, dial: "*155#"), .menus(.refused(403), api: .unsupported)),
                Step(.begin(session: "s2", caller: kofi, dial: "*155# "), .menus(.refused(403), api: .unsupported)),
                Step(.begin(session: "s3", caller: kofi, dial: " *155#"), .menus(.refused(403), api: .unsupported)),
                Step(.begin(session: "s4", caller: kofi, dial: "*155*4*1#"), .menus(.refused(403), api: .unsupported)),
                Step(.begin(session: "s5", caller: kofi, dial: "*145# "), .menus(.screen("T-Money"), api: .unsupported)),
            ]),
        ConformanceCase(
            name: "404: an answer for a session that never began",
            steps: [
                // On the callback a session id never seen is a first request, its text the shortcut `*145*1#`.
                Step(
                    .answerUnknown(session: "u1", caller: kofi, input: "1"),
                    .byHistory(carried: .screen("Envoyer de l'argent"), streamed: .refused(404), api: .unsupported))
            ]),
        ConformanceCase(
            name: "404: an expired session, never started again",
            settings: WorldSettings(idleTimeout: .milliseconds(300)),
            steps: [
                Step(.begin(session: "s1", caller: kofi, dial: "*145#"), .menus(.screen("T-Money"), api: .unsupported)),
                Step(.wait(.milliseconds(700)), .every(.done)),
                Step(.answer(session: "s1", input: "4"), .menus(.refused(404), api: .unsupported)),
                Step(.retryLast(session: "s1"), .byHistory(carried: .refused(404), streamed: .unsupported, api: .unsupported)),
                Step(.answer(session: "s1", input: "4"), .menus(.refused(404), api: .unsupported)),
            ]),
        ConformanceCase(
            name: "404: a released session",
            steps: [
                Step(.begin(session: "s1", caller: kofi, dial: "*145#"), .menus(.screen("T-Money"), api: .unsupported)),
                Step(.abort(session: "s1"), .byRelease(released: .released, kept: .unsupported, api: .unsupported)),
                Step(.answer(session: "s1", input: "4"), .byRelease(released: .refused(404), kept: .screen("Mon compte"), api: .unsupported)),
            ]),
        ConformanceCase(
            name: "409: a session id in use by another caller",
            steps: [
                Step(.begin(session: "s1", caller: kofi, dial: "*145#"), .menus(.screen("T-Money"), api: .unsupported)),
                // On SMPP a dialogue is the caller's number with the id: another caller's s1 is another dialogue.
                Step(
                    .begin(session: "s1", caller: ama, dial: "*145#"),
                    Expect.byCallerScope(perCaller: .screen("T-Money"), shared: .refused(409), api: .unsupported).unless(
                        \.callersNameSessions, serverNamed)),
                // Another operator's gateway: its own connection on the socket, the same id space on the callback.
                Step(
                    .begin(session: "s1", caller: akosua, dial: "*155#"),
                    Expect.byIDScope(perConnection: .screen("Flooz"), global: .refused(409), api: .unsupported).unless(
                        \.callersNameSessions, serverNamed)),
            ]),
        ConformanceCase(
            name: "retry of the last step",
            steps: [
                Step(.begin(session: "s1", caller: kofi, dial: "*145#"), .menus(.screen("T-Money"), api: .unsupported)),
                Step(.answer(session: "s1", input: "4"), .menus(.screen("Mon compte"), api: .unsupported)),
                Step(.retryLast(session: "s1"), .byHistory(carried: .sameAs(step: 1), streamed: .unsupported, api: .unsupported)),
                // The retry did not count as an answer: `1` on "Mon compte" is the balance.
                Step(.answer(session: "s1", input: "1"), .menus(.screen("Solde\nEntrez votre code secret"), api: .unsupported)),
            ]),
        ConformanceCase(
            name: "replay after END: the same request again moves no money",
            steps: [
                Step(.transfer(key: "t1", from: kofi, to: ama, amount: 5000, pin: "2580"), .menus(.final("reussi"), api: .final("reference TM"))),
                Step(.retryLast(session: "t1"), .byHistory(carried: .sameAs(step: 0), streamed: .unsupported, api: .sameAs(step: 0))),
                Step(.retryLast(session: "t1"), .byHistory(carried: .sameAs(step: 0), streamed: .unsupported, api: .sameAs(step: 0))),
                Step(.balanceOf(kofi), .every(.balance(44_950))),
                Step(.balanceOf(ama), .every(.balance(30_000))),
                // Both have verified addresses in the demo world: one e-mail each, written with the money, never twice.
                Step(.mailsTo(kofi), .every(.mails(1))),
                Step(.mailsTo(ama), .every(.mails(1))),
            ]),
        ConformanceCase(
            name: "409: an ended session id or a used key, for another request",
            steps: [
                Step(.transfer(key: "t1", from: kofi, to: ama, amount: 5000, pin: "2580"), .menus(.final("reussi"), api: .final("reference TM"))),
                // On a stream front an id is free again once its session ended: this is a new session.
                Step(
                    .transfer(key: "t1", from: kofi, to: ama, amount: 4000, pin: "2580"),
                    .byHistory(carried: .refused(409), streamed: .final("reussi"), api: .refused(409))),
                Step(.balanceOf(kofi), .byHistory(carried: .balance(44_950), streamed: .balance(40_900), api: .balance(44_950))),
            ]),
        ConformanceCase(
            name: "PIN lockout: three wrong PINs on one front lock the wallet on every front",
            steps: [
                Step(.checkBalance(caller: kofi, pin: "1111"), .menus(.final("Il vous reste 2 essai(s)"), api: .refused(401))),
                Step(.checkBalance(caller: kofi, pin: "1112"), .menus(.final("Il vous reste 1 essai(s)"), api: .refused(401))),
                Step(.checkBalance(caller: kofi, pin: "1113"), .menus(.final("Compte bloque"), api: .refused(423))),
                Step(.checkBalance(caller: kofi, pin: "2580"), .menus(.final("Compte bloque"), api: .refused(423)), onEveryFront: true),
            ]),
        ConformanceCase(
            name: "413: a request over the size limit",
            steps: [Step(.oversize, .every(.refused(413)))]),
        ConformanceCase(
            name: "429: one phone starting too much, others unaffected",
            settings: WorldSettings(sessionStartBurst: 3, apiRequestBurst: 6),
            steps: [
                Step(.checkBalance(caller: kofi, pin: "2580"), .menus(.final("50 000 FCFA"), api: .final("balance 50000"))),
                Step(.checkBalance(caller: kofi, pin: "2580"), .menus(.final("50 000 FCFA"), api: .final("balance 50000"))),
                Step(.checkBalance(caller: kofi, pin: "2580"), .menus(.final("50 000 FCFA"), api: .final("balance 50000"))),
                Step(.checkBalance(caller: kofi, pin: "2580"), .every(.refused(429))),
                Step(.checkBalance(caller: ama, pin: "4826"), .menus(.final("25 000 FCFA"), api: .final("balance 25000"))),
            ]),
        ConformanceCase(
            name: "503: no new session while shutting down; live ones finish",
            steps: [
                Step(.begin(session: "s1", caller: kofi, dial: "*145#"), .menus(.screen("T-Money"), api: .unsupported)),
                Step(.drain, .every(.done)),
                // Another phone: a phone that dials again hangs up its own session first.
                Step(.begin(session: "s2", caller: ama, dial: "*145#"), .menus(.refused(503), api: .unsupported)),
                Step(.answer(session: "s1", input: "4"), .menus(.screen("Mon compte"), api: .unsupported)),
            ]),
    ]
}
