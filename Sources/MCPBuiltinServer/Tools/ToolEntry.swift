import Foundation
import JSONRPC
import MCP

/// A tool as the dispatcher sees it: what `tools/list` shows and how a call runs.
struct ToolEntry: Sendable {
    let definition: Tool
    let execution: Execution

    /// Where a call runs, chosen per tool so cheap calls skip every thread hop.
    enum Execution: Sendable {
        /// Cheap and bounded: answered on the thread that read the request, with no task.
        case inline(@Sendable (JSONRPCMessage) -> CallTool.Result)
        /// May block or take long: runs in a task that `notifications/cancelled` cancels.
        case task(@Sendable (JSONRPCMessage) async -> CallTool.Result)
    }

    var name: String { definition.name }

    /// A tool answered inline, with its arguments decoded as `Arguments`.
    static func inline<Arguments: Decodable & SendableMetatype>(
        _ definition: Tool, _: Arguments.Type, _ body: @escaping @Sendable (Arguments) -> CallTool.Result
    ) -> ToolEntry {
        let name = definition.name
        return ToolEntry(definition: definition, execution: .inline { message in
            switch ToolArguments.decode(Arguments.self, from: message, tool: name) {
            case .success(let arguments): body(arguments)
            case .failure(let failure): failure.result
            }
        })
    }

    /// A tool run in a cancellable task, with its arguments decoded as `Arguments`.
    static func task<Arguments: Decodable & SendableMetatype>(
        _ definition: Tool, _: Arguments.Type, _ body: @escaping @Sendable (Arguments) async -> CallTool.Result
    ) -> ToolEntry {
        let name = definition.name
        return ToolEntry(definition: definition, execution: .task { message in
            switch ToolArguments.decode(Arguments.self, from: message, tool: name) {
            case .success(let arguments): await body(arguments)
            case .failure(let failure): failure.result
            }
        })
    }
}

/// Typed decoding of `params.arguments`; a missing object decodes from `{}`.
///
/// Bad arguments are tool errors (`isError` results the model can correct), not protocol
/// errors: the 2025-11-25 spec puts input validation there.
enum ToolArguments {
    struct Failure: Error {
        let result: CallTool.Result
    }

    private struct Envelope<A: Decodable>: Decodable {
        struct Params: Decodable { var arguments: A? }
        var params: Params
    }

    static func decode<A: Decodable>(_: A.Type, from message: JSONRPCMessage, tool: String) -> Result<A, Failure> {
        do {
            if let arguments = try JSONRPCCoding.decode(Envelope<A>.self, from: message.raw).params.arguments {
                return .success(arguments)
            }
            return .success(try JSONRPCCoding.decode(A.self, from: Data("{}".utf8)))
        } catch {
            return .failure(Failure(result: .failure("invalid arguments for '\(tool)': \(DecodingErrorText.describe(error))")))
        }
    }
}

/// One line for a `DecodingError`, naming the argument at fault.
enum DecodingErrorText {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            // Drop the envelope's own keys so the user sees just the argument's name.
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .filter { $0 != "params" && $0 != "arguments" }
            return keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _):
            return "missing \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            let name = path(context)
            return name.isEmpty ? "the arguments must be a JSON object" : "\"\(name)\" must be \(Self.name(of: type))"
        case .valueNotFound(let type, let context):
            return "\"\(path(context))\" must be \(Self.name(of: type)), not null"
        case .dataCorrupted(let context):
            let where_ = path(context)
            return where_.isEmpty ? context.debugDescription : "\"\(where_)\": \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "of type \(type)"
        }
    }
}

extension CallTool.Result {
    /// A successful result holding one text block.
    static func text(_ text: String, structured: Value? = nil) -> CallTool.Result {
        CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: structured)
    }

    /// A tool error: the call reached the tool and the tool says why it failed.
    static func failure(_ text: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], isError: true)
    }
}

extension Tool.Annotations {
    /// Every built-in tool only reads, so calling it again is harmless.
    static func readOnly(_ title: String, openWorld: Bool = false) -> Tool.Annotations {
        Tool.Annotations(title: title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: openWorld)
    }
}
