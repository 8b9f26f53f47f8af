/// Why an expression has no value, with the 1-based column a model can point at.
public struct CalculationError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, in words a model can act on.
    public let message: String
    /// Where the problem is, in characters from 1; nil for problems of the whole result.
    public let column: Int?

    /// An error at `column` (nil for the whole result).
    public init(_ message: String, column: Int?) {
        self.message = message
        self.column = column
    }

    /// The message with "at column N" when there is one.
    public var description: String {
        column.map { "\(message) at column \($0)" } ?? message
    }
}
