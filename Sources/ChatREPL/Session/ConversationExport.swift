import Foundation
import ModelClient

/// A conversation as a Markdown document people read (GitHub, an editor's preview): each message
/// under who said it, each tool call's arguments and result folded in `<details>`. An HTML comment
/// before each part (invisible when rendered) lets `/load` read the file back into the same
/// messages; images in messages are named, not kept.
enum ConversationExport {
    /// Why a file could not be read back, with the line where it went wrong.
    struct ReadError: Error, CustomStringConvertible, Equatable {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    private static let marker = "<!-- lmg:"

    static func markdown(_ messages: [ChatMessage], model: String, date: Date = Date()) -> String {
        let stamp = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
        var out = "# Conversation with \(model)\n\n<sub>exported by lmg, \(stamp)</sub>\n"
        var names: [String: String] = [:]
        for message in messages {
            switch message.role {
            case .system: out += section("system", [:], label: "System", text: message.text)
            case .user: out += section("user", [:], label: "You", text: text(of: message))
            case .assistant:
                out += section("assistant", [:], label: model, text: text(of: message))
                for call in message.toolCalls ?? [] {
                    names[call.id] = call.function.name
                    out += folded("tool-call", ["id": call.id, "name": call.function.name],
                        summary: "Tool call <code>\(html(call.function.name))</code>", body: call.function.arguments, language: "json")
                }
            case .tool:
                let id = message.toolCallID ?? ""
                let name = message.name ?? names[id] ?? "tool"
                out += folded("tool-result", ["id": id, "name": name],
                    summary: "Result of <code>\(html(name))</code>", body: message.text, language: "")
            }
        }
        return out
    }

    /// The messages of an exported file.
    static func messages(fromMarkdown text: String) throws(ReadError) -> [ChatMessage] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var messages: [ChatMessage] = []
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix(marker) else {
                index += 1
                continue
            }
            let (kind, attributes) = try parseMarker(lines[index], line: index + 1)
            let start = index + 1
            var end = start
            while end < lines.count, !lines[end].hasPrefix(marker) { end += 1 }
            let body = Array(lines[start..<end])
            switch kind {
            case "system", "user", "assistant":
                // A blank line, the label, a blank line, the text, a blank line.
                guard body.count >= 4 else { throw ReadError(line: start, message: "a \(kind) message without its text") }
                let text = body[3..<(body.count - 1)].map(unescape).joined(separator: "\n")
                let role = ChatMessage.Role(rawValue: kind)!
                messages.append(ChatMessage(role: role, content: role == .assistant && text.isEmpty ? nil : .text(text)))
            case "tool-call", "tool-result":
                let content = try fenced(body, from: start)
                let id = attributes["id"] ?? "", name = attributes["name"] ?? ""
                if kind == "tool-call" {
                    guard let last = messages.indices.last, messages[last].role == .assistant else {
                        throw ReadError(line: index + 1, message: "a tool call not after an assistant message")
                    }
                    messages[last].toolCalls = (messages[last].toolCalls ?? []) + [ToolCall(id: id, name: name, arguments: content)]
                } else {
                    messages.append(ChatMessage(role: .tool, content: .text(content), toolCallID: id, name: name))
                }
            default:
                throw ReadError(line: index + 1, message: "unknown part '\(kind)'")
            }
            index = end
        }
        guard !messages.isEmpty else { throw ReadError(line: 1, message: "no lmg conversation parts (was it written by /export?)") }
        return messages
    }

    // MARK: Writing

    private static func section(_ kind: String, _ attributes: [String: String], label: String, text: String) -> String {
        "\n" + markerLine(kind, attributes) + "\n\n**\(label)**\n\n" + escape(text) + "\n"
    }

    private static func folded(_ kind: String, _ attributes: [String: String], summary: String, body: String, language: String) -> String {
        // The fence is longer than any backtick run inside, so any text fits.
        let longest = body.split(separator: "`", omittingEmptySubsequences: false).count > 1
            ? body.components(separatedBy: CharacterSet(charactersIn: "`").inverted).map(\.count).max() ?? 0 : 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\n" + markerLine(kind, attributes) + "\n<details><summary>\(summary)</summary>\n\n"
            + fence + language + "\n" + body + "\n" + fence + "\n\n</details>\n"
    }

    private static func markerLine(_ kind: String, _ attributes: [String: String]) -> String {
        let pairs = attributes.keys.sorted().map { "\($0)=\"\(attributes[$0]!.addingPercentEncoding(withAllowedCharacters: safe) ?? "")\"" }
        return marker + ([kind] + pairs).joined(separator: " ") + " -->"
    }

    private static let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")

    private static func text(of message: ChatMessage) -> String {
        guard case .parts(let parts) = message.content else { return message.text }
        return parts.map { part in
            switch part {
            case .text(let text): text
            case .imageURL: "*[image]*"
            }
        }.joined(separator: "\n")
    }

    private static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A text line that looks like a part marker gets one more leading backslash (and loses it
    /// when read), so no message can end another.
    private static func escape(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.drop { $0 == "\\" }.hasPrefix(marker) ? "\\" + line : String(line)
        }.joined(separator: "\n")
    }

    private static func unescape(_ line: String) -> String {
        line.hasPrefix("\\") && line.drop(while: { $0 == "\\" }).hasPrefix(marker) ? String(line.dropFirst()) : line
    }

    // MARK: Reading

    private static func parseMarker(_ line: String, line number: Int) throws(ReadError) -> (String, [String: String]) {
        guard line.hasSuffix(" -->") else { throw ReadError(line: number, message: "an lmg marker without its closing -->") }
        let inner = line.dropFirst(marker.count).dropLast(4)
        let words = inner.split(separator: " ")
        guard let kind = words.first else { throw ReadError(line: number, message: "an empty lmg marker") }
        var attributes: [String: String] = [:]
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "="), word.hasSuffix("\"") else {
                throw ReadError(line: number, message: "a marker attribute is not key=\"value\": \(word)")
            }
            let value = word[word.index(equals, offsetBy: 2)...].dropLast()
            attributes[String(word[..<equals])] = String(value).removingPercentEncoding ?? String(value)
        }
        return (String(kind), attributes)
    }

    private static func fenced(_ body: [String], from start: Int) throws(ReadError) -> String {
        guard let open = body.firstIndex(where: { $0.hasPrefix("```") }) else {
            throw ReadError(line: start, message: "a tool part without its fenced block")
        }
        let fence = String(body[open].prefix { $0 == "`" })
        guard let close = body[(open + 1)...].lastIndex(of: fence) else {
            throw ReadError(line: start + open + 1, message: "a fenced block that does not end")
        }
        return body[(open + 1)..<close].joined(separator: "\n")
    }
}
