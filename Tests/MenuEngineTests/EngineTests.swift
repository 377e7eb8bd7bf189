import Foundation
import Testing

@testable import MenuEngine

/// A service exercising every screen kind; `*100*1*96112233*5000#` is the brief's direct dial.
let demoService = """
    service: demo
    name: Demo
    code: "*100#"
    languages: [fr, en]
    start: start
    fallback: failed
    limits: { amount: { min: 100, max: 500000 } }
    texts:
      back: { fr: "0. Retour", en: "0. Back" }
    screens:
      start:
        type: router
        routes:
          - { when: "!subscriber.registered", next: stranger }
          - { when: "subscriber.language == en", next: main_en_first }
          - { next: main }
      main_en_first:
        type: router
        set: { greeted: "yes" }
        routes: [{ next: main }]
      main:
        type: menu
        text: { fr: "Demo", en: "Demo" }
        options:
          - { label: { fr: "Envoyer", en: "Send" }, next: number }
          - { label: { fr: "Long menu", en: "Long menu" }, next: long }
          - { label: { fr: "Langue", en: "Language" }, next: language }
          - { label: { fr: "Agent", en: "Agent" }, next: agent }
      number:
        type: input
        text: { fr: "Numero:", en: "Number:" }
        footer: "{{@back}}"
        validate: msisdn
        var: recipient
        next: amount
      amount:
        type: input
        text: { fr: "Montant:" }
        validate: amount
        var: amount
        next: lookup
      lookup:
        type: action
        action: lookup_recipient
        args: { msisdn: recipient, amount: amount }
        on: { ok: confirm, self_transfer: self }
        otherwise: refused
      confirm:
        type: confirm
        text: { fr: "Envoyer {{amount | money}} a {{recipient.name}}", en: "Send {{amount | money}} to {{recipient.name}}" }
        next: pin
      pin:
        type: input
        text: { fr: "Code secret:", en: "PIN:" }
        validate: pin
        var: pin
        next: transfer
      transfer:
        type: action
        action: transfer
        args: { msisdn: recipient, amount: amount, pin: pin }
        on: { ok: done, wrong_pin: wrong_pin }
      done:
        type: end
        text: { fr: "Envoye. Ref {{reference}}", en: "Sent. Ref {{reference}}" }
      wrong_pin:
        type: end
        text: { fr: "Code incorrect, {{attempts_left}} essai(s)", en: "Wrong PIN, {{attempts_left}} left" }
      self: { type: end, text: { fr: "Pas a vous-meme", en: "Not to yourself" } }
      refused: { type: end, text: { fr: "Refuse", en: "Refused" } }
      failed: { type: end, text: { fr: "Erreur", en: "Error" } }
      stranger: { type: end, text: { fr: "Inconnu", en: "Unknown" } }
      cancelled: { type: end, text: { fr: "Annule", en: "Cancelled" } }
      long:
        type: menu
        text: "Liste"
        options:
          - { label: "Premiere option assez longue pour remplir", next: picked }
          - { label: "Deuxieme option assez longue pour remplir", next: picked }
          - { label: "Troisieme option assez longue pour remplir", next: picked }
          - { label: "Quatrieme option assez longue pour remplir", next: picked }
          - { label: "Cinquieme option assez longue pour remplir", next: picked }
          - { label: "Sixieme option assez longue pour remplir", next: picked }
      picked: { type: end, text: "Choisi" }
      language:
        type: input
        text: "1. Francais 2. English"
        validate: { type: choice, choices: { "1": fr, "2": en } }
        var: language
        next: language_set
      language_set:
        type: end
        set: { subscriber.language: "{{language}}" }
        text: { fr: "Langue: francais", en: "Language: English" }
      agent:
        type: input
        text: "Code agent:"
        validate: { type: digits, length: 6, reason: "6 chiffres" }
        var: agent
        next: agent_name
      agent_name:
        type: input
        text: "Nom:"
        validate: { type: regex, pattern: "[A-Za-z]{2,5}" }
        var: name
        next: picked
    """

@Suite struct EngineTests {
    let engine = MenuEngine(menus: try! EngineFixtures.menus(demoService))
    let kofi = SubscriberContext(msisdn: "22890112233", operatorID: "tmoney", registered: true, language: "fr", name: "Kofi")

    func begin(_ dial: String = "*100#", context: SubscriberContext? = nil) throws -> StepResult {
        try engine.begin(dial: dial, context: context ?? kofi)
    }

    func steps(_ start: StepResult, _ inputs: String...) throws -> StepResult {
        var result = start
        for input in inputs { result = try engine.step(result.session, input: input) }
        return result
    }

    // MARK: Loading

    @Test func shippedMenusLoad() throws {
        let menus = EngineFixtures.shipped
        #expect(Set(menus.serviceIDs) == ["tmoney", "flooz"])
        #expect(menus.code(ofService: "tmoney") == "*145#")
        #expect(menus.code(ofService: "flooz") == "*155#")
        #expect(try menus.serviceID(forDial: "*155*1*1#") == "flooz")
        #expect(menus.languages(ofService: "tmoney") == ["fr", "en"])
        #expect(menus.actions?["transfer"]?.outcomes.contains("error") == true)
        #expect(menus.warnings.isEmpty)
    }

    @Test func shippedLimitsAgreeWithOperatorData() throws {
        let engine = MenuEngine(menus: EngineFixtures.shipped)
        var result = try engine.begin(dial: "*145*1*1*90445566#", context: kofi)
        result = try engine.step(result.session, input: "99")
        #expect(result.reply?.text.hasPrefix("Montant entre 100 FCFA et 500 000 FCFA.") == true)
        result = try engine.step(result.session, input: "500001")
        #expect(result.reply?.text.hasPrefix("Montant entre") == true)
        result = try engine.step(result.session, input: "500000")
        #expect(result.actionCall?.arguments["amount"] == "500000")
    }

    @Test func hostLimitsOverrideTheFile() throws {
        let actions = try String(contentsOf: EngineFixtures.menusDirectory.appending(path: "actions.yaml"), encoding: .utf8)
        let menus = try MenuSet(
            files: [("demo.yaml", demoService), ("actions.yaml", actions)], amountLimits: ["demo": 500...1000], rules: EngineFixtures.rules)
        let engine = MenuEngine(menus: menus)
        let result = try engine.step(try engine.begin(dial: "*100*1*90445566#", context: kofi).session, input: "200")
        #expect(result.reply?.text.hasPrefix("Montant invalide (min 500 FCFA, max 1 000 FCFA).") == true)
    }

    @Test(arguments: [
        ("*999#", MenuError.Code.unknownService), ("145", .invalidDialString), ("*145**1#", .invalidDialString), ("*1a#", .invalidDialString),
    ])
    func badDialStrings(dial: String, code: MenuError.Code) {
        #expect {
            _ = try engine.begin(dial: dial, context: kofi)
        } throws: { error in
            (error as? MenuError)?.code == code
        }
    }

    @Test func dialStringParsing() throws {
        let dial = try DialString(parsing: "*145*1*96112233*5000#")
        #expect(dial.code == "*145#")
        #expect(dial.answers == ["1", "96112233", "5000"])
        #expect(try DialString(parsing: " *145# ").answers.isEmpty)
    }

    /// One spelling per dial string: what a front checks is what the engine starts.
    @Test func dialStringsHaveOneNormalisedSpelling() throws {
        #expect(try DialString.normalize("*155# ") == "*155#")
        #expect(try DialString.normalize("  *145*1*96112233*5000#  ") == "*145*1*96112233*5000#")
        #expect(try DialString(parsing: "*145*1*+22896112233#").normalized == "*145*1*+22896112233#")
        for spaced in ["*155 #", "* 155#", "*145* 1#", "*145*1 *2#", "\t*145#"] {
            #expect(throws: MenuError.self, "\(spaced)") { try DialString.normalize(spaced) }
        }
    }

    // MARK: Screen kinds

    @Test func menuScreen() throws {
        let result = try begin()
        #expect(result.reply == Reply(text: "Demo\n1. Envoyer\n2. Long menu\n3. Langue\n4. Agent", isFinal: false))
        #expect(result.effects.isEmpty)
        #expect(try steps(result, "1").reply?.text == "Numero:\n0. Retour")
    }

    @Test func wrongMenuChoiceReshowsWithReason() throws {
        let result = try steps(try begin(), "9")
        #expect(result.reply?.text == "Choix invalide.\nDemo\n1. Envoyer\n2. Long menu\n3. Langue\n4. Agent")
        #expect(result.session.attempts == 1)
    }

    @Test func threeWrongAnswersEndPolitely() throws {
        let result = try steps(try begin(), "9", "x", "")
        #expect(result.reply == Reply(text: "Trop d'erreurs. Merci et a bientot.", isFinal: true))
        #expect(result.session.isEnded)
        #expect(result.effects == [.sessionEnded(.tooManyAttempts)])
    }

    @Test func attemptsCountPerScreen() throws {
        // Two wrong answers, a right one, then two wrong on the next screen: still going.
        let result = try steps(try begin(), "9", "9", "1", "12", "12")
        #expect(!result.session.isEnded)
        #expect(result.session.attempts == 2)
    }

    @Test func actionScreenAsksTheHostWithoutReply() throws {
        let result = try steps(try begin(), "1", "90445566", "5000")
        #expect(result.reply == nil)
        #expect(result.effects == [.callAction(ActionCall(name: "lookup_recipient", arguments: ["msisdn": "22890445566", "amount": "5000"]))])
        #expect(result.session.pendingAction == "lookup_recipient")
        let waiting = #expect(throws: MenuError.self) { try engine.step(result.session, input: "1") }
        #expect(waiting?.code == .awaitingAction)
    }

    @Test func resumeRoutesOnTheOutcome() throws {
        let pending = try steps(try begin(), "1", "90445566", "5000").session
        let confirm = try engine.resume(pending, outcome: ActionOutcome("ok", values: ["recipient.name": "Françoise K."]))
        #expect(confirm.reply == Reply(text: "Envoyer 5 000 FCFA a Francoise K.\n1. Confirmer\n2. Annuler", isFinal: false))
        #expect(try engine.resume(pending, outcome: ActionOutcome("self_transfer")).reply?.text == "Pas a vous-meme")
        // Routed by `otherwise`, and by the service fallback when the screen has none.
        #expect(try engine.resume(pending, outcome: ActionOutcome("recipient_blocked")).reply?.text == "Refuse")
        let atTransfer = try steps(confirm, "1", "2580").session
        #expect(try engine.resume(atTransfer, outcome: .error).reply == Reply(text: "Erreur", isFinal: true))
        let notWaiting = #expect(throws: MenuError.self) { try engine.resume(confirm.session, outcome: .error) }
        #expect(notWaiting?.code == .notAwaitingAction)
    }

    @Test func confirmScreen() throws {
        let confirm = try engine.resume(try steps(try begin(), "1", "90445566", "5000").session, outcome: ActionOutcome("ok"))
        #expect(try steps(confirm, "1").reply?.text == "Code secret:")
        #expect(try steps(confirm, "2").reply == Reply(text: "Annule", isFinal: true))
        #expect(try steps(confirm, "3").reply?.text.hasPrefix("Choix invalide.\nEnvoyer") == true)
    }

    @Test func routerOnSubscriberContext() throws {
        let stranger = SubscriberContext(msisdn: "22893000000", operatorID: "tmoney", registered: false)
        #expect(try begin(context: stranger).reply == Reply(text: "Inconnu", isFinal: true))
        let english = SubscriberContext(msisdn: "22891234567", operatorID: "tmoney", registered: true, language: "en")
        let result = try begin(context: english)
        #expect(result.reply?.text.hasPrefix("Demo\n1. Send") == true)
        #expect(result.session.variables["greeted"] == "yes")
    }

    @Test func endScreenEndsTheSession() throws {
        let result = try steps(try begin(), "2", "1")
        #expect(result.reply == Reply(text: "Choisi", isFinal: true))
        #expect(result.effects == [.sessionEnded(.completed)])
        let ended = #expect(throws: MenuError.self) { try engine.step(result.session, input: "1") }
        #expect(ended?.code == .sessionEnded)
    }

    // MARK: Validators

    func validator(_ kind: Validator.Kind) -> Validator {
        Validator(kind: kind, reason: [Template(literal: "no")], reasonValues: [:])
    }

    @Test func digitsValidator() {
        let digits = validator(.digits(min: 6, max: 6))
        #expect(digits.validate("123456", rules: EngineFixtures.rules) == "123456")
        #expect(digits.validate("12345", rules: EngineFixtures.rules) == nil)
        #expect(digits.validate("12345a", rules: EngineFixtures.rules) == nil)
        #expect(digits.validate("１２３４５６", rules: EngineFixtures.rules) == nil)
    }

    @Test func amountValidator() {
        let amount = validator(.amount(min: 100, max: 500_000))
        #expect(amount.validate("100", rules: EngineFixtures.rules) == "100")
        #expect(amount.validate("0500", rules: EngineFixtures.rules) == "500")
        #expect(amount.validate("99", rules: EngineFixtures.rules) == nil)
        #expect(amount.validate("500001", rules: EngineFixtures.rules) == nil)
        #expect(amount.validate("1e3", rules: EngineFixtures.rules) == nil)
        #expect(amount.validate("-100", rules: EngineFixtures.rules) == nil)
        #expect(amount.validate("99999999999999999999", rules: EngineFixtures.rules) == nil)
    }

    /// The engine asks the host what a number is: here Sika's rules (Togo), so the screen accepts
    /// exactly what the operations accept.
    @Test func msisdnValidator() {
        let msisdn = validator(.msisdn)
        #expect(msisdn.validate("90 11 22 33", rules: EngineFixtures.rules) == "22890112233")
        #expect(msisdn.validate("90112233", rules: .plain) == "90112233")
        #expect(msisdn.validate("12345", rules: .plain) == nil)
        #expect(msisdn.validate("90112233", rules: EngineFixtures.rules) == "22890112233")
        #expect(msisdn.validate("22890112233", rules: EngineFixtures.rules) == "22890112233")
        #expect(msisdn.validate("+22890112233", rules: EngineFixtures.rules) == "22890112233")
        #expect(msisdn.validate("0022890112233", rules: EngineFixtures.rules) == "22890112233")
        #expect(msisdn.validate("9011223", rules: EngineFixtures.rules) == nil)
        #expect(msisdn.validate("23390112233", rules: EngineFixtures.rules) == nil)
        #expect(msisdn.validate("9011223a", rules: EngineFixtures.rules) == nil)
    }

    @Test func pinValidator() {
        let pin = validator(.pin)
        #expect(pin.validate("2580", rules: EngineFixtures.rules) == "2580")
        #expect(pin.validate("258", rules: EngineFixtures.rules) == nil)
        #expect(pin.validate("25800", rules: EngineFixtures.rules) == nil)
        #expect(pin.validate("25a0", rules: EngineFixtures.rules) == nil)
    }

    @Test func regexAndChoiceValidators() throws {
        let regex = validator(.regex(try Validator.anchored("[A-Za-z]{2,5}")))
        #expect(regex.validate("Ama", rules: EngineFixtures.rules) == "Ama")
        #expect(regex.validate("Ama1", rules: EngineFixtures.rules) == nil)
        #expect(regex.validate("A", rules: EngineFixtures.rules) == nil)
        let choice = validator(.choice(["1": "fr", "2": "en"]))
        #expect(choice.validate("2", rules: EngineFixtures.rules) == "en")
        #expect(choice.validate("3", rules: EngineFixtures.rules) == nil)
    }

    @Test func validatorReasonsThroughTheEngine() throws {
        #expect(try steps(try begin(), "1", "123").reply?.text == "Numero invalide.\nNumero:\n0. Retour")
        #expect(try steps(try begin(), "4", "12").reply?.text == "6 chiffres\nCode agent:")
        #expect(try steps(try begin(), "4", "123456", "A1").reply?.text == "Saisie invalide.\nNom:")
        #expect(try steps(try begin(), "4", "123456", "Ama").reply?.text == "Choisi")
    }

    // MARK: Navigation

    @Test func backAndHome() throws {
        let atAmount = try steps(try begin(), "1", "90445566")
        #expect(atAmount.reply?.text == "Montant:")
        let back = try steps(atAmount, "0")
        #expect(back.reply?.text == "Numero:\n0. Retour")
        #expect(try steps(back, "0").reply?.text.hasPrefix("Demo\n1. Envoyer") == true)
        #expect(try steps(back, "0", "0").reply?.text.hasPrefix("Demo\n1. Envoyer") == true)
        let home = try steps(atAmount, "00")
        #expect(home.reply?.text.hasPrefix("Demo\n1. Envoyer") == true)
        #expect(home.session.history.isEmpty)
    }

    @Test func longScreensArePaged() throws {
        let first = try steps(try begin(), "2")
        let firstText = try #require(first.reply?.text)
        #expect(firstText.hasSuffix("\n98. Suite"))
        #expect(first.session.pageCount == 2)
        let second = try steps(first, "98")
        let secondText = try #require(second.reply?.text)
        #expect(secondText.contains("6. Sixieme"))
        #expect(!secondText.contains("98. Suite"))
        for text in [firstText, secondText] { #expect((GSM7.septets(text) ?? .max) <= 182) }
        // 0 on a later page goes back a page; an option from any page is accepted.
        #expect(try steps(second, "0").reply?.text == firstText)
        #expect(try steps(second, "6").reply?.text == "Choisi")
    }

    @Test func shippedMenusNeverSendMoreThan182Septets() throws {
        let engine = MenuEngine(menus: EngineFixtures.shipped)
        var result = try engine.begin(dial: "*145*4*2#", context: kofi)
        result = try engine.step(result.session, input: "2580")
        let statement = (1...30).map { "-\($0 * 1000) FCFA 9044556\($0 % 10) TM\($0)" }.joined(separator: "\n")
        result = try engine.resume(result.session, outcome: ActionOutcome("ok", values: ["statement": statement]))
        var pages: [String] = []
        while let reply = result.reply {
            pages.append(reply.text)
            #expect((GSM7.septets(reply.text) ?? .max) <= 182)
            if reply.isFinal { break }
            result = try engine.step(result.session, input: "98")
        }
        #expect(pages.count > 3)
        #expect(pages.joined().contains("TM30"))
    }

    // MARK: Direct dial and PINs

    @Test func directDialPrefillsAnswers() throws {
        let result = try begin("*100*1*96112233*5000#")
        #expect(result.actionCall == ActionCall(name: "lookup_recipient", arguments: ["msisdn": "22896112233", "amount": "5000"]))
        let stopped = try begin("*100*1*96112233#")
        #expect(stopped.reply?.text == "Montant:")
        #expect(stopped.session.history == ["main", "number"])
    }

    @Test func directDialStopsAtAWrongAnswer() throws {
        let result = try begin("*100*1*12*5000#")
        #expect(result.reply?.text == "Numero invalide.\nNumero:\n0. Retour")
        #expect(result.session.prefill.isEmpty)
    }

    @Test func aPinIsNeverTakenFromADialString() throws {
        let pending = try begin("*100*1*90445566*5000*1*2580#")
        let atPin = try engine.resume(pending.session, outcome: ActionOutcome("ok", values: ["recipient.name": "AMA M."]))
        #expect(atPin.reply?.text == "Code secret:")
        #expect(atPin.session.prefill.isEmpty)
        #expect(!atPin.session.variables.values.contains("2580"))
    }

    @Test func thePinLeavesTheSessionWithTheActionCall() throws {
        let confirm = try engine.resume(try begin("*100*1*90445566*5000#").session, outcome: ActionOutcome("ok"))
        let call = try steps(confirm, "1", "2580")
        #expect(call.actionCall?.arguments["pin"] == "2580")
        #expect(call.session.variables["pin"] == nil)
        let encoded = String(decoding: try JSONEncoder().encode(call.session), as: UTF8.self)
        #expect(!encoded.contains("2580"))
        // The host cannot put it back either.
        let done = try engine.resume(call.session, outcome: ActionOutcome("wrong_pin", values: ["attempts_left": "2", "pin": "2580"]))
        #expect(done.reply == Reply(text: "Code incorrect, 2 essai(s)", isFinal: true))
        #expect(!done.session.variables.values.contains("2580"))
    }

    @Test func aPinIsForgottenWhenGoingHome() throws {
        let confirm = try engine.resume(try begin("*100*1*90445566*5000#").session, outcome: ActionOutcome("ok"))
        let atPin = try steps(confirm, "1")
        #expect(try steps(atPin, "00").session.variables["pin"] == nil)
    }

    // MARK: Languages and sessions

    @Test func languageFallsBackToTheDefault() throws {
        let english = SubscriberContext(msisdn: "22891234567", operatorID: "tmoney", registered: true, language: "en")
        // `amount` has no English text: the French one is shown.
        #expect(try steps(try begin(context: english), "1", "90445566").reply?.text == "Montant:")
        let ewe = SubscriberContext(msisdn: "22891234567", operatorID: "tmoney", registered: true, language: "ee")
        #expect(try begin(context: ewe).reply?.text.hasPrefix("Demo\n1. Envoyer") == true)
    }

    @Test func settingTheLanguageSwitchesAtOnce() throws {
        let result = try steps(try begin(), "3", "2")
        #expect(result.reply == Reply(text: "Language: English", isFinal: true))
        #expect(result.effects == [.setLanguage("en"), .sessionEnded(.completed)])
        #expect(result.session.language == "en")
    }

    @Test func sessionsAreCodableValues() throws {
        let session = try steps(try begin(), "1", "90445566").session
        let decoded = try JSONDecoder().decode(MenuSession.self, from: try JSONEncoder().encode(session))
        #expect(decoded == session)
        #expect(try engine.step(decoded, input: "5000").actionCall?.name == "lookup_recipient")
    }

    @Test func errorsHaveStableCodes() {
        #expect(MenuError.Code.unknownService.rawValue == "menu.unknown_service")
        #expect(MenuError(.unknownService, "x").status == 404)
        #expect(MenuError(.awaitingAction, "x").status == 409)
    }

    @Test func benchmarkRunsTheShippedJourney() throws {
        let result = try EngineBenchmark.run(menus: EngineFixtures.shipped, journeys: 200)
        #expect(result.steps == 200 * 9)
        #expect(result.stepsPerSecond > 0)
    }
}
