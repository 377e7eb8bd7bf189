import Operators

/// The ESME accounts of the SMPP server, checked once at start: ids, passwords and codes are well formed, and no code
/// is claimed twice, by two accounts or by an account and an operator.
public struct ESMEDirectory: Sendable {
    public let accounts: [ESMEAccount]
    private let bySystemID: [String: ESMEAccount]
    private let byShortCode: [String: ESMEAccount]
    private let byUSSDCode: [String: ESMEAccount]

    /// The demo application `sika serve --demo` creates: short code 8080, USSD code `*384#`.
    public static func demoAccount(password: String) -> ESMEAccount {
        ESMEAccount(systemID: "demo", password: password, shortCodes: ["8080"], ussdCodes: ["*384#"])
    }

    /// - Throws: `SMPPFrontError.invalidAccounts` naming the first rule an account breaks.
    public init(accounts: [ESMEAccount], catalog: OperatorCatalog) throws(SMPPFrontError) {
        var bySystemID: [String: ESMEAccount] = [:]
        var byShortCode: [String: ESMEAccount] = [:]
        var byUSSDCode: [String: ESMEAccount] = [:]
        func refuse(_ message: String) -> SMPPFrontError { SMPPFrontError(.invalidAccounts, message) }
        var served: [String: String] = [:]
        var all: [ESMEAccount] = []
        for given in accounts {
            let id = given.systemID
            guard Self.isSystemID(id) else { throw refuse("system_id \"\(id)\": 1 to 15 of A-Z a-z 0-9 . _ -") }
            guard bySystemID[id] == nil else { throw refuse("system_id \(id) appears twice") }
            guard (1...8).contains(given.password.count), given.password.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
            else { throw refuse("the password of \(id) is 1 to 8 printable ASCII characters (SMPP 3.4's limit)") }
            var account = given
            if let operatorID = given.servesOperator {
                guard let op = catalog.operator(operatorID) else { throw refuse("\(id): serves_operator \(operatorID) is not an operator") }
                if let other = served[operatorID] { throw refuse("\(id): \(operatorID)'s service is already \(other)'s") }
                served[operatorID] = id
                account = ESMEAccount(
                    systemID: id, password: given.password, shortCodes: [op.smsShortCode] + given.shortCodes.filter { $0 != op.smsShortCode },
                    ussdCodes: [op.ussdCode] + given.ussdCodes.filter { $0 != op.ussdCode }, throttle: given.throttle, window: given.window,
                    servesOperator: operatorID)
            }
            for code in account.shortCodes {
                guard (3...8).contains(code.count), code.allSatisfy(\.isASCIIDigit) else {
                    throw refuse("\(id): short code \"\(code)\" is 3 to 8 digits")
                }
                if let op = catalog.operators.first(where: { $0.smsShortCode == code }), op.id != account.servesOperator {
                    throw refuse("\(id): short code \(code) is \(op.id)'s")
                }
                if let other = byShortCode[code] { throw refuse("\(id): short code \(code) is already \(other.systemID)'s") }
                byShortCode[code] = account
            }
            for code in account.ussdCodes {
                let digits = code.dropFirst().dropLast()
                guard code.hasPrefix("*"), code.hasSuffix("#"), (1...6).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else {
                    throw refuse("\(id): USSD code \"\(code)\" is * then 1 to 6 digits then #")
                }
                if let op = catalog.operatorServing(ussd: code), op.id != account.servesOperator {
                    throw refuse("\(id): USSD code \(code) is \(op.id)'s")
                }
                if let other = byUSSDCode[code] { throw refuse("\(id): USSD code \(code) is already \(other.systemID)'s") }
                byUSSDCode[code] = account
            }
            if let throttle = account.throttle, !(throttle.perSecond > 0 && throttle.burst >= 1) {
                throw refuse("\(id): throttle needs per_second > 0 and burst >= 1")
            }
            if let window = account.window, !(1...1000).contains(window) { throw refuse("\(id): window is 1 to 1000") }
            bySystemID[id] = account
            all.append(account)
        }
        self.accounts = all
        self.bySystemID = bySystemID
        self.byShortCode = byShortCode
        self.byUSSDCode = byUSSDCode
    }

    public func account(systemID: String) -> ESMEAccount? { bySystemID[systemID] }

    /// The account that sends from and receives on `shortCode`.
    public func account(shortCode: String) -> ESMEAccount? { byShortCode[shortCode] }

    /// The account that serves a normalised dial string: `*384#` and `*384*1#` both belong to the owner of `*384#`.
    public func account(dial: String) -> ESMEAccount? { byUSSDCode[SMPPAddressing.serviceCode(ofDial: dial)] }

    static func isSystemID(_ id: String) -> Bool {
        (1...15).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "-")
            }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
