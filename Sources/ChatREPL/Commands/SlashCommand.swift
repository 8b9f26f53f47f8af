import Foundation
import MCPGateway

/// A command typed at the prompt, parsed.
public enum SlashCommand: Equatable, Sendable {
    case help
    case servers
    case tools(server: String?)
    case prompts
    case prompt(name: String, arguments: [String: String])
    case resources
    case read(server: String, uri: String)
    case call(tool: String, json: String?)
    case model(String?)
    case system(String?)
    case clear
    case history
    case save(path: String)
    case load(path: String)
    case export(path: String)
    case copy
    case approve(ApprovalMode?)
    case usage
    case retry
    case quit

    /// Who decides whether the model's tool calls run.
    public enum ApprovalMode: String, Sendable, CaseIterable {
        /// Run them without asking.
        case on
        /// Never run them; the model is told.
        case off
        /// Ask before each call: y once, a always for that tool, n deny.
        case ask
    }

    /// Every command with its arguments and what it does, for /help and completion.
    public static let catalog: [(name: String, usage: String, summary: String)] = [
        ("/help", "/help", "this list"),
        ("/servers", "/servers", "the state of every server"),
        ("/tools", "/tools [SERVER]", "the tools the model can call"),
        ("/prompts", "/prompts", "the templates in Prompts/ and the servers' prompts"),
        ("/prompt", "/prompt NAME [k=v ...]", "start from a template or an MCP prompt (NAME as /prompts shows it)"),
        ("/resources", "/resources", "the servers' resources"),
        ("/read", "/read SERVER URI", "attach a resource to the conversation"),
        ("/call", "/call TOOL [{json}]", "call a tool by hand, no model needed"),
        ("/model", "/model [NAME]", "show or change the model"),
        ("/system", "/system [TEXT]", "show or change the system prompt"),
        ("/clear", "/clear", "forget the conversation"),
        ("/history", "/history", "the conversation so far"),
        ("/save", "/save FILE", "save the conversation as JSON"),
        ("/load", "/load FILE", "load a saved conversation (JSON, or Markdown from /export)"),
        ("/export", "/export FILE.md", "write the conversation as Markdown, tool calls folded"),
        ("/copy", "/copy", "put the last answer on the clipboard (OSC 52)"),
        ("/approve", "/approve on|off|ask", "tool calls: run, never run, or ask each time"),
        ("/usage", "/usage", "tokens each turn used, the total, and the cost where the config prices the model"),
        ("/retry", "/retry", "send the last message again"),
        ("/quit", "/quit", "leave (Ctrl-D too)"),
    ]

    /// Every command name, for completion and suggestions.
    public static var names: [String] { catalog.map(\.name) }

    /// True when `line` is meant as a command rather than a message.
    public static func isCommand(_ line: String) -> Bool {
        line.hasPrefix("/") && !line.hasPrefix("//")
    }

    /// Parses a line starting with `/`.
    public static func parse(_ line: String) -> Result<SlashCommand, SlashCommandError> {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let head = String(trimmed.prefix { !$0.isWhitespace })
        let rest = trimmed.dropFirst(head.count).trimmingCharacters(in: .whitespaces)
        let words = rest.split(whereSeparator: \.isWhitespace).map(String.init)
        func usage() -> Result<SlashCommand, SlashCommandError> {
            .failure(.usage(catalog.first { $0.name == head }?.usage ?? head))
        }
        switch head {
        case "/help", "/?": return .success(.help)
        case "/servers": return .success(.servers)
        case "/tools": return words.count <= 1 ? .success(.tools(server: words.first)) : usage()
        case "/prompts": return .success(.prompts)
        case "/prompt":
            let words = CommandWords.split(rest)
            guard let name = words.first else { return usage() }
            var arguments: [String: String] = [:]
            for pair in words.dropFirst() {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    return .failure(.invalid("/prompt arguments are key=value; '\(pair)' is not"))
                }
                arguments[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            return .success(.prompt(name: name, arguments: arguments))
        case "/resources": return .success(.resources)
        case "/read": return words.count == 2 ? .success(.read(server: words[0], uri: words[1])) : usage()
        case "/call":
            guard let tool = words.first else { return usage() }
            let json = rest.dropFirst(tool.count).trimmingCharacters(in: .whitespaces)
            return .success(.call(tool: tool, json: json.isEmpty ? nil : json))
        case "/model": return words.count <= 1 ? .success(.model(words.first)) : usage()
        case "/system": return .success(.system(rest.isEmpty ? nil : rest))
        case "/clear": return .success(.clear)
        case "/history": return .success(.history)
        case "/save": return rest.isEmpty ? usage() : .success(.save(path: rest))
        case "/load": return rest.isEmpty ? usage() : .success(.load(path: rest))
        case "/export": return rest.isEmpty ? usage() : .success(.export(path: rest))
        case "/copy": return rest.isEmpty ? .success(.copy) : usage()
        case "/approve":
            guard let word = words.first else { return .success(.approve(nil)) }
            guard words.count == 1, let mode = ApprovalMode(rawValue: word.lowercased()) else { return usage() }
            return .success(.approve(mode))
        case "/usage": return .success(.usage)
        case "/retry": return .success(.retry)
        case "/quit", "/exit", "/q": return .success(.quit)
        default:
            return .failure(.unknown(head, suggestion: NameSuggestion.closest(to: head, in: names)))
        }
    }
}

/// Why a command line was not understood, as the one line to show.
public enum SlashCommandError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknown(String, suggestion: String?)
    case usage(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .unknown(let name, let suggestion):
            return "unknown command \(name)" + (suggestion.map { " (did you mean \($0)?)" } ?? "") + "; /help lists them"
        case .usage(let usage): return "usage: \(usage)"
        case .invalid(let message): return message
        }
    }
}
