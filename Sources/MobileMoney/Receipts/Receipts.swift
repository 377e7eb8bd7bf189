import Foundation
import MenuEngine
import Operators
import SikaResources

/// The notices sent to subscribers, in their language, by SMS and by e-mail: the notices of
/// `menus/receipts.yaml`, rendered with the menus' template engine, so a screen and its receipt write money
/// the same way, and an e-mail writes it exactly as its SMS.
///
/// Loaded and checked once (``shipped``, or ``load(contentsOf:)``): a notices file that lacks a notice
/// this type sends, or declares a variable it does not pass, does not load. `sika menus lint` makes the
/// same checks against ``requirements``.
public struct Receipts: Sendable {
    /// Every notice MobileMoney sends, with the variables it passes (amounts as whole FCFA for `| money`).
    enum Notice: String, CaseIterable, Sendable {
        case transferSent = "transfer_sent"
        case transferReceived = "transfer_received"
        case cashIn = "cash_in"
        case cashOut = "cash_out"
        case airtimeBought = "airtime_bought"
        case airtimeReceived = "airtime_received"
        case reversalDebited = "reversal_debited"
        case reversalCredited = "reversal_credited"
        case pinChanged = "pin_changed"
        case welcome = "welcome"
        case offNetSent = "offnet_sent"
        case offNetPending = "offnet_pending"
        case offNetRefunded = "offnet_refunded"
        case offNetReceived = "offnet_received"
        case offNetReversed = "offnet_reversed"
        /// The code confirming an e-mail address: by e-mail only.
        case emailCode = "email_code"

        /// What ``Receipt/Facts/values(party:)`` passes, plus what each notice adds.
        var variables: Set<String> {
            switch self {
            case .emailCode: ["code", "minutes"]
            case .pinChanged: ["when"]
            case .welcome: ["name"]
            case .offNetRefunded: Receipt.Facts.variables.union(["network", "reason"])
            case .offNetReceived, .offNetReversed: Receipt.Facts.variables.union(["network"])
            default: Receipt.Facts.variables
            }
        }

        /// Every notice goes by SMS and by e-mail (to a verified address), but the code, which confirms the address.
        var channels: Set<String> { self == .emailCode ? ["email"] : ["sms", "email"] }
    }

    /// The phrases MobileMoney renders into a notice's variable: an off-net refusal's reason.
    enum Phrase: String, CaseIterable, Sendable {
        case noAccount = "refusal_no_account"
        case recipientBlocked = "refusal_recipient_blocked"
        case limitExceeded = "refusal_limit_exceeded"
        case unavailable = "refusal_unavailable"

        var variables: Set<String> { ["network"] }
    }

    /// What MobileMoney sends, for ``NoticeBook`` and ``MenuLinter``.
    public static let requirements = NoticeRequirements(
        notices: Dictionary(uniqueKeysWithValues: Notice.allCases.map { ($0.rawValue, $0.variables) }),
        phrases: Dictionary(uniqueKeysWithValues: Phrase.allCases.map { ($0.rawValue, $0.variables) }),
        channels: Dictionary(uniqueKeysWithValues: Notice.allCases.map { ($0.rawValue, $0.channels) }))

    /// Money as the screens write it (the one formatter, `MoneyFormat`).
    static let rules = HostRules.operators

    /// The checked notices.
    public let book: NoticeBook

    /// Loads and checks a notices file against ``requirements``.
    public static func load(contentsOf url: URL) throws(MenuError) -> Receipts {
        Receipts(book: try NoticeBook.load(contentsOf: url, requirements: requirements, rules: rules))
    }

    /// Parses and checks the text of a notices file against ``requirements``.
    public init(yaml: String, file: String = "receipts.yaml") throws(MenuError) {
        self.init(book: try NoticeBook(yaml: yaml, file: file, requirements: Self.requirements, rules: Self.rules))
    }

    private init(book: NoticeBook) {
        self.book = book
    }

    /// `menus/receipts.yaml` of `$SIKA_HOME`, else the one built into sika.
    public static var shippedFile: URL { SikaHome().menus.appending(path: "receipts.yaml") }

    private static let shippedResult = Result { () throws(MenuError) in try load(contentsOf: shippedFile) }

    /// The shipped notices, read once per process.
    public static func loadShipped() throws(MenuError) -> Receipts { try shippedResult.get() }

    /// The shipped notices, read once per process. `sika` calls ``loadShipped()`` first, so that a broken
    /// file is a clean error; here it can only be a build that ships a file the lint refuses.
    public static var shipped: Receipts {
        do {
            return try loadShipped()
        } catch {
            fatalError("\(shippedFile.path) does not load: \(error)")
        }
    }

    func sms(_ notice: Notice, _ language: Language, _ values: [String: String]) -> NoticeText {
        assert(notice.variables.isSubset(of: values.keys), "\(notice.rawValue) needs \(notice.variables)")
        let text = book.sms(notice.rawValue, language: language.rawValue, values: values) ?? ""
        return NoticeText(notice: notice.rawValue, language: language, values: values, sms: text)
    }

    /// The e-mail twin of a notice's SMS: the same notice, language and values. The loaded file has one for
    /// every notice (``requirements``), so this is nil only for a text not made by this type.
    public func email(_ text: NoticeText) -> NoticeEmail? {
        book.email(text.notice, language: text.language.rawValue, values: text.values)
    }

    /// The e-mail carrying the code that confirms an address, valid for `minutes`.
    public func emailCode(_ code: String, minutes: Int, _ language: Language) -> NoticeEmail? {
        book.email(Notice.emailCode.rawValue, language: language.rawValue, values: ["code": code, "minutes": String(minutes)])
    }

    // MARK: The notices

    public func sent(_ f: Receipt.Facts, _ language: Language) -> NoticeText { sms(.transferSent, language, f.values(party: f.who)) }
    public func received(_ f: Receipt.Facts, _ language: Language) -> NoticeText { sms(.transferReceived, language, f.values(party: f.who)) }
    public func cashIn(_ f: Receipt.Facts, _ language: Language) -> NoticeText { sms(.cashIn, language, f.values(party: f.who)) }
    public func cashOut(_ f: Receipt.Facts, _ language: Language) -> NoticeText { sms(.cashOut, language, f.values(party: f.who)) }
    public func airtimeBought(_ f: Receipt.Facts, _ language: Language) -> NoticeText { sms(.airtimeBought, language, f.values(party: f.who)) }

    public func airtimeReceived(_ f: Receipt.Facts, _ language: Language) -> NoticeText {
        sms(.airtimeReceived, language, f.values(party: f.who))
    }

    /// To the party whose money went back (the original receiver).
    public func reversalDebited(_ f: Receipt.Facts, _ language: Language) -> NoticeText {
        sms(.reversalDebited, language, f.values(party: f.who))
    }

    /// To the party who gets the money back (the original sender).
    public func reversalCredited(_ f: Receipt.Facts, _ language: Language) -> NoticeText {
        sms(.reversalCredited, language, f.values(party: f.who))
    }

    public func pinChanged(at: Int64, _ language: Language) -> NoticeText { sms(.pinChanged, language, ["when": MoneyFormat.dateTime(at)]) }
    public func welcome(name: String, _ language: Language) -> NoticeText { sms(.welcome, language, ["name": name]) }

    /// To the sender, once the other network credited the recipient. `f.counterparty` is the recipient as
    /// `Receipt.offNetParty` writes it.
    public func offNetSent(_ f: Receipt.Facts, _ language: Language) -> NoticeText { sms(.offNetSent, language, f.values(party: f.counterparty)) }

    /// To the recipient, written by its own operator in the transaction that credits it.
    public func offNetReceived(_ f: Receipt.Facts, network: String, _ language: Language) -> NoticeText {
        sms(.offNetReceived, language, f.values(party: f.who, network: network))
    }

    /// To the sender when the other network has not answered yet. `f.counterparty` is the recipient as
    /// `Receipt.offNetParty` writes it.
    public func offNetPending(_ f: Receipt.Facts, _ language: Language) -> NoticeText {
        sms(.offNetPending, language, f.values(party: f.counterparty))
    }

    /// To the sender when the other network refused: the debit and its fee are returned.
    public func offNetRefunded(_ f: Receipt.Facts, network: String, reason: String?, _ language: Language) -> NoticeText {
        let why = offNetReason(reason, network: network, language)
        return sms(.offNetRefunded, language, f.values(party: f.counterparty, network: network, reason: why))
    }

    /// To a recipient whose off-net credit was taken back on the sending operator's request.
    public func offNetReversed(_ f: Receipt.Facts, network: String, _ language: Language) -> NoticeText {
        sms(.offNetReversed, language, f.values(party: f.who, network: network))
    }

    /// A provider's refusal code in words.
    func offNetReason(_ code: String?, network: String, _ language: Language) -> String {
        let phrase: Phrase =
            switch code {
            case "unknown_recipient", "invalid_msisdn": .noAccount
            case "recipient_blocked": .recipientBlocked
            case "limit_exceeded": .limitExceeded
            default: .unavailable
            }
        return book.phrase(phrase.rawValue, language: language.rawValue, values: ["network": network]) ?? ""
    }
}

extension Receipt.Facts {
    /// The variables every movement's notice gets.
    static let variables: Set<String> = ["amount", "fee", "balance", "party", "reference", "when"]

    /// The notice variables of these facts, the other side written as `party`, with the other network's
    /// name and a refusal's reason when given.
    func values(party: String, network: String? = nil, reason: String? = nil) -> [String: String] {
        var values = [
            "amount": String(amount), "fee": String(fee), "balance": String(balance), "party": party, "reference": reference, "when": when,
        ]
        values["network"] = network
        values["reason"] = reason
        return values
    }
}
