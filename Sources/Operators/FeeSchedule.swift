/// A tariff: ordered bands, the first whose `upTo` covers the amount applies.
///
/// An empty schedule means the movement is free. An amount above the last band is a configuration
/// gap, priced by the last band rather than refused, because the per-transfer maximum is the rule
/// that refuses amounts, not the tariff.
public struct FeeSchedule: Sendable, Hashable, Decodable {
    public let bands: [FeeBand]

    public init(bands: [FeeBand]) { self.bands = bands }

    public init(from decoder: any Decoder) throws {
        bands = try decoder.singleValueContainer().decode([FeeBand].self)
    }

    /// The fee for moving `amount`, in minor units.
    public func fee(for amount: Int64) -> Int64 {
        guard let band = bands.first(where: { amount <= $0.upTo }) ?? bands.last else { return 0 }
        return band.fixed + amount * band.rateBps / 10_000
    }

    func validate(context: String) throws {
        var previous: Int64 = 0
        for band in bands {
            guard band.upTo > previous, band.fixed >= 0, band.rateBps >= 0 else {
                throw OperatorError(.configuration, "\(context): bands must grow and fees be non-negative")
            }
            previous = band.upTo
        }
    }
}

/// One band of a tariff: `fixed + amount × rateBps / 10 000` for amounts up to `upTo`.
public struct FeeBand: Sendable, Hashable, Decodable {
    public let upTo: Int64
    public let fixed: Int64
    /// Proportional part in basis points (100 = 1 %), rounded down.
    public let rateBps: Int64

    public init(upTo: Int64, fixed: Int64, rateBps: Int64 = 0) {
        self.upTo = upTo
        self.fixed = fixed
        self.rateBps = rateBps
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        upTo = try c.decode(Int64.self, forKey: .upTo)
        fixed = try c.decodeIfPresent(Int64.self, forKey: .fixed) ?? 0
        rateBps = try c.decodeIfPresent(Int64.self, forKey: .rateBps) ?? 0
    }

    private enum CodingKeys: String, CodingKey { case upTo, fixed, rateBps }
}
