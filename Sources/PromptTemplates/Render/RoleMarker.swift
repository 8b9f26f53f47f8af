import ModelClient

/// Dotprompt's `{{role "system"}}` markers, which split a rendered body into messages.
///
/// Before Mustache runs, each marker becomes a sentinel no template text can contain (it holds
/// U+0001), so markers inside sections and partials work; after, the output is cut at them.
enum RoleMarker {
    static let sentinelMark: Character = "\u{1}"

    /// The chat role a marker names: `system`, `user`, and `model` or `assistant`.
    static func role(named name: String) -> ChatMessage.Role? {
        switch name {
        case "system": .system
        case "user": .user
        case "model", "assistant": .assistant
        default: nil
        }
    }

    static func sentinel(_ role: ChatMessage.Role) -> String {
        "\(sentinelMark)role:\(role.rawValue)\(sentinelMark)"
    }

    /// The messages in `rendered`: text before the first marker is the user's, as in dotprompt;
    /// blank parts are dropped and each part is trimmed of surrounding blank lines.
    static func messages(in rendered: String) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        var role = ChatMessage.Role.user
        let parts = rendered.split(separator: sentinelMark, omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            // Odd parts are `role:NAME` between two sentinel marks.
            if index % 2 == 1 {
                role = ChatMessage.Role(rawValue: String(part.dropFirst(5))) ?? .user
                continue
            }
            let text = trimBlankLines(String(part))
            guard !text.isEmpty else { continue }
            messages.append(ChatMessage(role: role, content: .text(text)))
        }
        return messages
    }

    /// Drops leading and trailing blank lines and trailing whitespace; keeps the first line's indentation.
    static func trimBlankLines(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.map { line in
            var line = line
            while line.last?.isWhitespace == true { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
