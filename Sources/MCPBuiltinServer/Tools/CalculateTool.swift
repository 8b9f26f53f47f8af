import MCP

/// `calculate(expression)`: exact-enough arithmetic, because models are bad at it.
enum CalculateTool {
    static let entry = ToolEntry.inline(
        Tool(
            name: "calculate",
            title: "Calculate",
            description: """
                Evaluates an arithmetic expression in double precision: + - * / % (remainder), \
                ^ (power, right-associative), unary minus, parentheses, decimals and 1e-3 notation, \
                functions sqrt abs round floor ceil min max, constants pi and e. \
                Example: "2^10 + sqrt(16) * (3 - 1.5)". Errors name the column.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "expression": ["type": "string", "description": "The expression, e.g. \"(1 + 2) * 3^2\"."]
                ],
                "required": ["expression"],
            ],
            annotations: .readOnly("Calculate"),
            outputSchema: [
                "type": "object",
                "properties": ["result": ["type": "number"]],
                "required": ["result"],
            ]
        )
    ) { arguments throws(ArgumentError) in
        let expression = try arguments.string("expression")
        do {
            let value = try Calculator.evaluate(expression)
            let number: Value = Calculator.exactInteger(value).map { .int($0) } ?? .double(value)
            return .text(Calculator.format(value), structured: ["result": number])
        } catch {
            return .failure("cannot evaluate '\(expression)': \(error)")
        }
    }
}
