import Foundation
import Testing

@testable import MenuEngine

/// The shared wallet menu: one file, each operator of operators.yaml running it with its own values.
@Suite struct SharedMenuTests {
    static let names = ["wallet.yaml", "actions.yaml", "operators.yaml"]
    static let shipped = names.map { name in
        (name: name, yaml: (try? String(contentsOf: EngineFixtures.menusDirectory.appending(path: name), encoding: .utf8)) ?? "")
    }

    /// The shipped files with `old` replaced by `new` in `file`, and the 1-based line of the edit.
    static func edited(_ file: String, _ old: String, _ new: String) throws -> (files: [(name: String, yaml: String)], line: Int) {
        var files = shipped
        let index = try #require(files.firstIndex { $0.name == file })
        let range = try #require(files[index].yaml.range(of: old), "\(old) is not in \(file)")
        let line = files[index].yaml[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        files[index].yaml.replaceSubrange(range, with: new)
        return (files, line)
    }

    @Test func eachOperatorRunsTheWalletWithItsOwnValues() throws {
        let menus = try MenuSet(files: Self.shipped, rules: EngineFixtures.rules)
        #expect(Set(menus.serviceIDs) == ["tmoney", "flooz"])
        #expect(menus.code(ofService: "tmoney") == "*145#" && menus.code(ofService: "flooz") == "*155#")
        let engine = MenuEngine(menus: menus)
        let tmoney = try engine.begin(dial: "*145*1#", context: EngineFixtures.kofi)
        let sendMenu = tmoney.reply?.text ?? ""
        #expect(sendMenu.contains("1. Vers un numero T-Money\n2. Vers Flooz"), "\(sendMenu)")
        let ama = SubscriberContext(msisdn: "22896112233", operatorID: "flooz", registered: false, language: "en", name: nil)
        let flooz = try engine.begin(dial: "*155#", context: ama)
        let welcome = flooz.reply?.text ?? ""
        #expect(welcome.hasPrefix("Welcome to Flooz. You do not have an account yet."), "\(welcome)")
    }

    @Test func anotherOperatorWithTheSameMenuIsOneEntryInOperatorsYAML() throws {
        let moov = """

              - id: moov
                name: Moov Money
                ussdCode: "*165#"
                menu: wallet
                peer: tmoney
                limits: { minTransfer: 500, maxTransfer: 200000 }
            """
        var files = Self.shipped
        files[2].yaml += moov
        #expect(MenuLinter().lint(files: files).diagnostics.isEmpty)
        let menus = try MenuSet(files: files, rules: EngineFixtures.rules)
        let engine = MenuEngine(menus: menus)
        let context = SubscriberContext(msisdn: "22879112233", operatorID: "moov", registered: true, language: "fr", name: "Kofi")
        let main = try engine.begin(dial: "*165#", context: context)
        let text = main.reply?.text ?? ""
        #expect(text.hasPrefix("Moov Money\n1. Envoyer"), "\(text)")
        // Its own limits, from operators.yaml, in the amount input's refusal.
        let amount = try engine.begin(dial: "*165*1*1*90445566#", context: context)
        let refused = try engine.step(amount.session, input: "100")
        #expect(refused.reply?.text.hasPrefix("Montant entre 500 FCFA et 200 000 FCFA.") == true, "\(refused.reply?.text ?? "")")
    }

    @Test(arguments: [
        ("{{operator.name}}\"\n    options:", "{{operator.colour}}\"\n    options:", "'{{operator.colour}}' is not a value of operators.yaml"),
        ("Vers {{peer.name}}\"", "Vers {{peer.region}}\"", "'{{peer.region}}' is not a value of operators.yaml"),
    ])
    func anUnknownOperatorValueIsAnErrorAtItsLine(old: String, new: String, message: String) throws {
        let (files, line) = try Self.edited("wallet.yaml", old, new)
        let report = MenuLinter().lint(files: files)
        let found = report.errors.filter { $0.kind == .unknownValue }
        #expect(
            found.contains { $0.message.contains(message) && $0.location.file == "wallet.yaml" && $0.location.line == line }, "\(report.diagnostics)")
        // The engine refuses to load what the linter refuses.
        #expect(throws: MenuError.self) { try MenuSet(files: files) }
    }

    @Test func aPeerValueNeedsAPeer() throws {
        let (files, _) = try Self.edited("operators.yaml", "    peer: flooz\n", "")
        let report = MenuLinter().lint(files: files)
        let found = report.errors.filter { $0.kind == .unknownValue }
        #expect(!found.isEmpty && found.allSatisfy { $0.message.contains("operator 'tmoney' has no 'peer:'") && $0.location.file == "wallet.yaml" })
    }

    @Test func anOperatorValueOutsideGSMIsCaughtWhereTheMenuUsesIt() throws {
        let (files, _) = try Self.edited("operators.yaml", "name: Flooz", "name: Flôoz")
        let report = MenuLinter().lint(files: files)
        #expect(report.errors.contains { $0.kind == .nonGSMCharacter && $0.location.file == "wallet.yaml" }, "\(report.diagnostics)")
    }

    @Test func aMenuNoOperatorRunsIsAWarning() throws {
        let (files, _) = try Self.edited("wallet.yaml", "\nmenu: wallet\n", "\nmenu: purse\n")
        let report = MenuLinter().lint(files: files)
        #expect(report.warnings.contains { $0.message.contains("shared menu 'purse' is run by no operator") })
        #expect(report.errors.contains { $0.kind == .danglingReference && $0.location.file == "operators.yaml" })
    }

    @Test func aSharedMenuTakesNoLimitsOrCodeOfItsOwn() throws {
        let (files, line) = try Self.edited("wallet.yaml", "currency: FCFA", "currency: FCFA\nlimits: { amount: { min: 1, max: 2 } }")
        let report = MenuLinter().lint(files: files)
        #expect(report.errors.contains { $0.message.contains("unknown key 'limits' in the shared menu") && $0.location.line == line + 1 })
    }
}
