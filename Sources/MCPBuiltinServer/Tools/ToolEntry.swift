import Foundation
import JSONRPC
import MCP

/// A tool as the dispatcher sees it: what `tools/list` shows and how a call runs.
struct ToolEntry: Sendable {
    let definition: Tool
    let execution: Execution

    /// Where a call runs, chosen per tool so cheap calls skip every thread hop.
    enum Execution: Sendable {
        /// Cheap, bounded, string arguments only: answered on the thread that read the request,
        /// with no task and no second parse.
        case inline(@Sendable (StringArguments) -> CallTool.Result)
        /// May block or take long: runs in a task that `notifications/cancelled` cancels, and
        /// decodes its typed arguments from the raw request.
        case task(@Sendable (Data) async -> CallTool.Result)
    }

    var name: String { definition.name }

    /// A cheap tool answered inline; an `ArgumentError` becomes a tool error naming the argument.
    static func inline(
        _ definition: Tool, _ body: @escaping @Sendable (StringArguments) throws(ArgumentError) -> CallTool.Result
    ) -> ToolEntry {
        let name = definition.name
        return ToolEntry(definition: definition, execution: .inline { arguments in
            do {
                return try body(arguments)
            } catch {
                return .failure("invalid arguments for '\(name)': \(error)")
            }
        })
    }

    /// A tool run in a cancellable task, with its arguments decoded as `Arguments`.
    static func task<Arguments: Decodable & SendableMetatype>(
        _ definition: Tool, _: Arguments.Type, _ body: @escaping @Sendable (Arguments) async -> CallTool.Result
    ) -> ToolEntry {
        let name = definition.name
        return ToolEntry(definition: definition, execution: .task { request in
            switch ToolArguments.decode(Arguments.self, from: request, tool: name) {
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

    static func decode<A: Decodable>(_: A.Type, from request: Data, tool: String) -> Result<A, Failure> {
        do {
            if let arguments = try JSONRPCCoding.decode(Envelope<A>.self, from: request).params.arguments {
                return .success(arguments)
            }
            return .success(try JSONRPCCoding.decode(A.self, from: Data("{}".utf8)))
        } catch {
            let reason = DecodingErrorText.describe(error, subject: "the arguments")
            return .failure(Failure(result: .failure("invalid arguments for '\(tool)': \(reason)")))
        }
    }
}

/// One line for a `DecodingError`, naming the member at fault.
enum DecodingErrorText {
    /// `subject` names the whole object ("the arguments", "params") when it has the wrong type.
    static func describe(_ error: any Error, subject: String) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            // Drop the envelope's own keys so the user sees just the member's name.
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .filter { $0 != "params" && $0 != "arguments" }
            return keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _):
            return "missing \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            let name = path(context)
            return name.isEmpty ? "\(subject) must be a JSON object" : "\"\(name)\" must be \(Self.name(of: type))"
        case .valueNotFound(let type, let context):
            return "\"\(path(context))\" must be \(Self.name(of: type)), not null"
        case .dataCorrupted(let context):
            let member = path(context)
            return member.isEmpty ? context.debugDescription : "\"\(member)\": \(context.debugDescription)"
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
