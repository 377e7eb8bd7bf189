import Testing

@testable import MenuEngine

@Suite struct TemplateTests {
    func render(_ source: String, _ variables: [String: String]) throws -> String {
        try Template(parsing: source).render(RenderContext(variables: variables, rules: EngineFixtures.rules))
    }

    @Test func variablesAndFilters() throws {
        let variables = ["amount": "5000", "recipient": "22890445566", "recipient.name": "Ama", "big": "1234567"]
        #expect(try render("{{amount | money}}", variables) == "5 000 FCFA")
        #expect(try render("{{ big|money }}", variables) == "1 234 567 FCFA")
        #expect(try render("{{recipient | local}}", variables) == "90445566")
        #expect(try render("{{recipient.name | upper}}!", variables) == "AMA!")
        #expect(try render("{{recipient.name | lower}}", variables) == "ama")
        #expect(try render("{{missing | default:\"client\"}}", variables) == "client")
        #expect(try render("{{missing}}|", variables) == "|")
        #expect(try render("no variables", variables) == "no variables")
    }

    /// Without a host, amounts are grouped by thousands; a value that is not an amount is shown as it is.
    @Test func plainMoneyFormat() throws {
        #expect(HostRules.plain.money(0, "FCFA") == "0 FCFA")
        #expect(HostRules.plain.money(1000, "FCFA") == "1 000 FCFA")
        #expect(HostRules.plain.money(-25_000, "FCFA") == "-25 000 FCFA")
        #expect(HostRules.plain.money(1_234_567, "") == "1 234 567")
        #expect(try Template(parsing: "{{x | money}}").render(RenderContext(variables: ["x": "abc"])) == "abc")
    }

    @Test func secretsAreMasked() throws {
        let template = try Template(parsing: "PIN {{pin}}")
        #expect(template.render(RenderContext(variables: ["pin": "2580"], secrets: ["pin"])) == "PIN ****")
    }

    @Test func includesAreResolved() throws {
        let template = try Template(parsing: "Menu\n{{@back}}")
        #expect(template.includes == ["back"])
        let resolved = template.resolvingIncludes { $0 == "back" ? Template(literal: "0. Retour") : nil }
        #expect(resolved.render(RenderContext(variables: [:])) == "Menu\n0. Retour")
        #expect(resolved.segments.count == 1)
    }

    @Test(arguments: ["{{amount", "{{ | money}}", "{{amount | cash}}", "{{@}}", "{{a b}}"])
    func parseErrors(source: String) {
        #expect(throws: Template.ParseError.self) { try Template(parsing: source) }
    }
}

@Suite struct GSM7Tests {
    @Test func septetCounting() {
        #expect(GSM7.septets("Hello") == 5)
        #expect(GSM7.septets("é à è ù") == 7)
        #expect(GSM7.septets("[€]") == 6)
        #expect(GSM7.septets("^{}\\[~]|€") == 18)
        #expect(GSM7.septets("bientôt") == nil)
        #expect(GSM7.septets("ç") == nil)
        #expect(GSM7.septets("Ç") == 1)
    }

    @Test func sanitizeTransliterates() {
        #expect(GSM7.sanitize("François Kodjo") == "Francois Kodjo")
        #expect(GSM7.sanitize("bientôt reçu") == "bientot recu")
        #expect(GSM7.sanitize("Cœur “ok” – fin…") == "Coeur \"ok\" - fin...")
        #expect(GSM7.sanitize("Ama") == "Ama")
        #expect(GSM7.sanitize("e\u{0301}") == "é")
        #expect(GSM7.sanitize("你好") == "??")
        #expect(GSM7.isEncodable(GSM7.sanitize("Ŋɔ́ Ɛwe 😀")))
    }

    @Test func unencodableCharactersAreListed() {
        #expect(GSM7.unencodableCharacters(in: "bientôt çà") == ["ô", "ç"])
    }
}

@Suite struct PagerTests {
    @Test func shortTextIsOnePage() {
        #expect(Pager.pages(of: "Bonjour", moreHint: "98. Suite") == ["Bonjour"])
    }

    @Test func exactlyFullTextIsOnePage() {
        let text = String(repeating: "a", count: 182)
        #expect(Pager.pages(of: text, moreHint: "98. Suite") == [text])
        #expect(Pager.pages(of: text + "b", moreHint: "98. Suite").count == 2)
    }

    @Test func pagesBreakBetweenLines() {
        let lines = (1...12).map { "\($0). Option numero \($0) du menu" }
        let pages = Pager.pages(of: lines.joined(separator: "\n"), moreHint: "98. Suite")
        #expect(pages.count == 2)
        #expect(pages[0].hasSuffix("\n98. Suite"))
        let rebuilt = pages.map { $0.replacingOccurrences(of: "\n98. Suite", with: "") }.joined(separator: "\n")
        #expect(rebuilt == lines.joined(separator: "\n"))
    }

    /// Property: over many random texts (words, long words, newlines, two-septet characters),
    /// no page exceeds 182 septets and no visible character is lost.
    @Test func pagesNeverExceed182Septets() {
        var generator = SeededGenerator(seed: 42)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789éèà€[]{}^~|\\")
        for _ in 0..<3000 {
            var text = ""
            let length = Int.random(in: 0...900, using: &generator)
            while text.count < length {
                let roll = Int.random(in: 0..<20, using: &generator)
                if roll == 0 {
                    text.append("\n")
                } else if roll < 5 {
                    text.append(" ")
                } else {
                    text.append(alphabet.randomElement(using: &generator)!)
                }
            }
            let pages = Pager.pages(of: text, moreHint: "98. Suite")
            for page in pages {
                let septets = GSM7.septets(page) ?? .max
                #expect(septets <= GSM7.pageLimit, "page of \(septets) septets for \(text.debugDescription)")
            }
            let kept = pages.joined().filter { !$0.isWhitespace }
            let original = (text.filter { !$0.isWhitespace })
            let hints = pages.count - 1
            #expect(kept.count == original.count + hints * "98.Suite".count)
        }
    }
}

/// A deterministic random generator (SplitMix64), so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
