import Foundation
import Yams

/// Every operator Sika serves, with its numbering, limits and tariffs, as read from `menus/operators.yaml`.
///
/// Nothing in here is written in Swift: a tariff change is a YAML change, reviewed like any other.
public struct OperatorCatalog: Sendable, Decodable {
    /// ISO currency code; amounts are in its minor unit (XOF has none).
    public let currency: String
    public let operators: [OperatorConfig]

    public init(currency: String, operators: [OperatorConfig]) throws {
        self.currency = currency
        self.operators = operators
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currency = try container.decode(String.self, forKey: .currency)
        operators = try container.decode([OperatorConfig].self, forKey: .operators)
        try validate()
    }

    private enum CodingKeys: String, CodingKey { case currency, operators }

    /// Reads and checks a catalog file.
    public static func load(from url: URL) throws -> OperatorCatalog {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw OperatorError(.configuration, "cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(text, source: url.lastPathComponent)
    }

    /// Parses catalog YAML; `source` names the file in error messages.
    public static func parse(_ yaml: String, source: String = "operators.yaml") throws -> OperatorCatalog {
        do {
            return try YAMLDecoder().decode(OperatorCatalog.self, from: yaml)
        } catch let error as OperatorError {
            throw error
        } catch {
            throw OperatorError(.configuration, "\(source): \(error)")
        }
    }

    /// The operator with this id (`tmoney`, `flooz`).
    public func `operator`(_ id: String) -> OperatorConfig? {
        operators.first { $0.id == id }
    }

    /// The operator whose numbering range holds this MSISDN (E.164 digits).
    public func operatorOwning(msisdn: String) -> OperatorConfig? {
        operators.first { op in op.numbering.contains { msisdn.hasPrefix($0) } }
    }

    /// The operator whose USSD service code starts this dial string (`*145#`, `*145*1*…#`).
    public func operatorServing(ussd: String) -> OperatorConfig? {
        operators.first { op in
            let root = op.ussdCode.dropLast()  // "*145"
            return ussd == op.ussdCode || ussd.hasPrefix(root + "*")
        }
    }

    private func validate() throws {
        guard !operators.isEmpty else { throw OperatorError(.configuration, "operators.yaml lists no operator") }
        var seen = Set<String>()
        for op in operators {
            guard seen.insert(op.id).inserted else { throw OperatorError(.configuration, "operator \(op.id) is listed twice") }
            try op.validate()
        }
        let prefixes = operators.flatMap { op in op.numbering.map { (op.id, $0) } }
        for (a, pa) in prefixes {
            for (b, pb) in prefixes where a != b && (pa.hasPrefix(pb) || pb.hasPrefix(pa)) {
                throw OperatorError(.configuration, "numbering ranges \(pa) (\(a)) and \(pb) (\(b)) overlap")
            }
        }
    }
}
