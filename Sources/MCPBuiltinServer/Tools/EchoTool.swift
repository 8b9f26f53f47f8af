import MCP

/// `echo(text)`: the cheapest possible call, so benchmarks measure protocol overhead alone.
enum EchoTool {
    static let entry = ToolEntry.inline(
        Tool(
            name: "echo",
            title: "Echo",
            description: "Returns `text` unchanged. Useful to check that the server answers and to measure call overhead.",
            inputSchema: [
                "type": "object",
                "properties": ["text": ["type": "string", "description": "The text to return."]],
                "required": ["text"],
            ],
            annotations: .readOnly("Echo")
        )
    ) { arguments throws(ArgumentError) in
        .text(try arguments.string("text"))
    }
}
