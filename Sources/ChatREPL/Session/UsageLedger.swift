import Foundation
import ModelClient

/// The tokens each turn of a session used, with the model that answered, so `/usage` can show
/// every turn and the total, and their cost where the config prices the model.
struct UsageLedger: Sendable, Equatable {
    struct Turn: Sendable, Equatable {
        var model: String
        var usage: TokenUsage
    }

    private(set) var turns: [Turn] = []

    mutating func record(model: String, usage: TokenUsage) {
        turns.append(Turn(model: model, usage: usage))
    }

    mutating func clear() { turns = [] }

    /// The lines `/usage` prints: a row per turn (the last `limit`), then the total. A cost shows
    /// only when every turn's model has prices in the same currency, so a total never mixes.
    func report(prices: (String) -> TokenPrices?, limit: Int = 20) -> [String] {
        guard !turns.isEmpty else { return ["no tokens used yet this session"] }
        let priced = turns.map { prices($0.model) }
        let currencies = Set(priced.compactMap { $0?.currency })
        let costs = priced.allSatisfy { $0 != nil } && currencies.count == 1
        let currency = currencies.first ?? "$"
        let header = ["turn", "model", "prompt", "completion", "total"] + (costs ? ["cost"] : [])
        var rows: [[String]] = []
        let shown = turns.indices.suffix(limit)
        for index in shown {
            let turn = turns[index]
            var row = ["\(index + 1)", turn.model, "\(turn.usage.promptTokens)", "\(turn.usage.completionTokens)", "\(turn.usage.totalTokens)"]
            if costs, let price = priced[index] { row.append(Self.money(price.cost(of: turn.usage), currency)) }
            rows.append(row)
        }
        let total = turns.reduce(TokenUsage()) { $0 + $1.usage }
        var totalRow = ["all", "\(turns.count) turn\(turns.count == 1 ? "" : "s")", "\(total.promptTokens)", "\(total.completionTokens)", "\(total.totalTokens)"]
        if costs {
            let sum = zip(turns, priced).reduce(0.0) { $0 + ($1.1?.cost(of: $1.0.usage) ?? 0) }
            totalRow.append(Self.money(sum, currency))
        }
        var lines = Self.table([header] + rows + [totalRow])
        if shown.count < turns.count { lines.insert("(the last \(shown.count) of \(turns.count) turns)", at: 0) }
        if !costs && priced.contains(where: { $0 != nil }) {
            lines.append("(no cost: not every model has prices in one currency)")
        }
        return lines
    }

    /// Small amounts keep their digits: a cheap turn costs fractions of a cent.
    static func money(_ amount: Double, _ currency: String) -> String {
        let digits = amount >= 1 ? 2 : amount >= 0.0001 || amount == 0 ? 4 : 6
        let number = String(format: "%.\(digits)f", amount)
        return currency.count == 1 ? currency + number : number + " " + currency
    }

    /// Columns padded; numbers right-aligned, names left.
    private static func table(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 1 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
    }
}
