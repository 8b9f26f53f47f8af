/// What a model costs per million tokens (`prices` in a model section), so `/usage` can show
/// what a session spent. The unit is the config's: `currency` only labels it.
public struct TokenPrices: Sendable, Hashable {
    /// Per million prompt tokens.
    public var input: Double
    /// Per million completion tokens.
    public var output: Double
    /// Shown before amounts: `$` unless the config names another (`EUR`, `€`).
    public var currency: String

    public init(input: Double, output: Double, currency: String = "$") {
        self.input = input
        self.output = output
        self.currency = currency
    }

    /// The cost of `usage`.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.promptTokens) * input + Double(usage.completionTokens) * output) / 1_000_000
    }
}
