#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Arithmetic on doubles by recursive descent: no `eval`, nothing but numbers comes out.
///
/// Grammar, loosest first:
/// ```
/// expression := term (("+" | "-") term)*
/// term       := unary (("*" | "/" | "%") unary)*
/// unary      := ("-" | "+") unary | power
/// power      := primary ("^" unary)?          right-associative; -2^2 is -(2^2)
/// primary    := number | "(" expression ")" | name | name "(" expression ("," expression)* ")"
/// ```
/// Names: `pi`, `e`; functions `sqrt abs round floor ceil` (one argument), `min max` (one or
/// more). `%` is the remainder with the sign of the dividend, as in C's `fmod`.
public enum Calculator {
    /// How deep parentheses, unary signs and powers may nest, keeping the stack bounded.
    public static let maxDepth = 200

    /// The value of `expression`, or an error naming what is wrong and where.
    public static func evaluate(_ expression: String) throws(CalculationError) -> Double {
        var parser = Parser(Array(expression))
        return try parser.parseAll()
    }

    /// A number as a person writes it: integers without `.0`, others in shortest round-trip form.
    public static func format(_ value: Double) -> String {
        if let integer = exactInteger(value) { return String(integer) }
        return String(value)
    }

    /// The value as an Int when it is a whole number that a double represents exactly.
    static func exactInteger(_ value: Double) -> Int? {
        guard value.rounded() == value, abs(value) < 9_007_199_254_740_992 else { return nil }
        return Int(value)
    }

    private struct Parser {
        let chars: [Character]
        var position = 0
        var depth = 0

        init(_ chars: [Character]) { self.chars = chars }

        var column: Int { position + 1 }
        var current: Character? { position < chars.count ? chars[position] : nil }

        mutating func parseAll() throws(CalculationError) -> Double {
            skipSpaces()
            guard current != nil else { throw CalculationError("empty expression", column: nil) }
            let value = try expression()
            skipSpaces()
            if let extra = current { throw CalculationError("unexpected '\(extra)'", column: column) }
            guard value.isFinite else { throw CalculationError("the result is not a finite number", column: nil) }
            return value
        }

        mutating func skipSpaces() {
            while let c = current, c.isWhitespace { position += 1 }
        }

        /// Runs `body` one level deeper, refusing pathological nesting.
        mutating func nested(_ body: (inout Parser) throws(CalculationError) -> Double) throws(CalculationError) -> Double {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Calculator.maxDepth else {
                throw CalculationError("the expression nests more than \(Calculator.maxDepth) levels deep", column: column)
            }
            return try body(&self)
        }

        mutating func expression() throws(CalculationError) -> Double {
            var value = try term()
            while true {
                skipSpaces()
                switch current {
                case "+": position += 1; value += try term()
                case "-": position += 1; value -= try term()
                default: return value
                }
            }
        }

        mutating func term() throws(CalculationError) -> Double {
            var value = try unary()
            while true {
                skipSpaces()
                let operatorColumn = column
                switch current {
                case "*":
                    position += 1
                    value *= try unary()
                case "/":
                    position += 1
                    let divisor = try unary()
                    guard divisor != 0 else { throw CalculationError("division by zero", column: operatorColumn) }
                    value /= divisor
                case "%":
                    position += 1
                    let divisor = try unary()
                    guard divisor != 0 else { throw CalculationError("remainder of division by zero", column: operatorColumn) }
                    value = value.truncatingRemainder(dividingBy: divisor)
                default:
                    return value
                }
            }
        }

        mutating func unary() throws(CalculationError) -> Double {
            skipSpaces()
            switch current {
            case "-": position += 1; return try nested { (p) throws(CalculationError) in try -p.unary() }
            case "+": position += 1; return try nested { (p) throws(CalculationError) in try p.unary() }
            default: return try power()
            }
        }

        mutating func power() throws(CalculationError) -> Double {
            let base = try primary()
            skipSpaces()
            guard current == "^" else { return base }
            position += 1
            let exponent = try nested { (p) throws(CalculationError) in try p.unary() }
            return pow(base, exponent)
        }

        mutating func primary() throws(CalculationError) -> Double {
            skipSpaces()
            guard let c = current else { throw CalculationError("unexpected end of expression", column: column) }
            if c == "(" {
                let open = column
                position += 1
                let value = try nested { (p) throws(CalculationError) in try p.expression() }
                skipSpaces()
                guard current == ")" else {
                    throw CalculationError("expected ')' to close the '(' at column \(open)", column: column)
                }
                position += 1
                return value
            }
            if c.isASCII && (c.isNumber || c == ".") { return try number() }
            if c.isASCII && (c.isLetter || c == "_") { return try name() }
            throw CalculationError("unexpected '\(c)'", column: column)
        }

        mutating func number() throws(CalculationError) -> Double {
            let start = position
            func digits(_ p: inout Parser) -> Int {
                let from = p.position
                while let c = p.current, c.isASCII, c.isNumber { p.position += 1 }
                return p.position - from
            }
            var count = digits(&self)
            if current == "." {
                position += 1
                count += digits(&self)
            }
            guard count > 0 else { throw CalculationError("expected a number", column: start + 1) }
            // An exponent only when digits follow, so `2e` stays "2 then the name e" (an error).
            if current == "e" || current == "E" {
                var look = position + 1
                if look < chars.count, chars[look] == "+" || chars[look] == "-" { look += 1 }
                if look < chars.count, chars[look].isASCII, chars[look].isNumber {
                    position = look
                    _ = digits(&self)
                }
            }
            let text = String(chars[start..<position])
            guard let value = Double(text) else { throw CalculationError("malformed number '\(text)'", column: start + 1) }
            return value
        }

        mutating func name() throws(CalculationError) -> Double {
            let start = position
            while let c = current, c.isASCII, c.isLetter || c.isNumber || c == "_" { position += 1 }
            let name = String(chars[start..<position]).lowercased()
            skipSpaces()
            guard current == "(" else {
                switch name {
                case "pi": return Double.pi
                case "e": return M_E
                default:
                    throw CalculationError("unknown name '\(name)' (known: pi, e, sqrt, abs, round, floor, ceil, min, max)", column: start + 1)
                }
            }
            position += 1
            var arguments: [Double] = []
            skipSpaces()
            if current != ")" {
                while true {
                    arguments.append(try nested { (p) throws(CalculationError) in try p.expression() })
                    skipSpaces()
                    if current == "," { position += 1; continue }
                    break
                }
            }
            guard current == ")" else {
                throw CalculationError("expected ',' or ')' in the arguments of \(name)", column: column)
            }
            position += 1
            return try apply(name, arguments, column: start + 1)
        }

        func apply(_ name: String, _ arguments: [Double], column: Int) throws(CalculationError) -> Double {
            let unary: ((Double) -> Double)?
            switch name {
            case "sqrt": unary = { $0.squareRoot() }
            case "abs": unary = { Swift.abs($0) }
            case "round": unary = { $0.rounded() }
            case "floor": unary = { $0.rounded(.down) }
            case "ceil": unary = { $0.rounded(.up) }
            case "min", "max":
                guard let first = arguments.first else {
                    throw CalculationError("\(name) needs at least one argument", column: column)
                }
                return arguments.dropFirst().reduce(first, name == "min" ? Swift.min : Swift.max)
            case "pi", "e":
                throw CalculationError("'\(name)' is a constant, not a function", column: column)
            default:
                throw CalculationError("unknown function '\(name)' (known: sqrt, abs, round, floor, ceil, min, max)", column: column)
            }
            guard arguments.count == 1, let apply = unary else {
                throw CalculationError("\(name) takes 1 argument, got \(arguments.count)", column: column)
            }
            if name == "sqrt", arguments[0] < 0 {
                throw CalculationError("square root of a negative number", column: column)
            }
            return apply(arguments[0])
        }
    }
}
