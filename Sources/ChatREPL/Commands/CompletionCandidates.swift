/// What tab completion offers, from a snapshot of the session's names. Pure: the line editor
/// asks with the line so far and the word under the cursor.
public struct CompletionCandidates: Sendable {
    public var servers: [String]
    public var tools: [String]
    public var prompts: [String]

    public init(servers: [String] = [], tools: [String] = [], prompts: [String] = []) {
        self.servers = servers
        self.tools = tools
        self.prompts = prompts
    }

    /// Candidates for `word`, the text being completed; `before` is the line before it.
    public func complete(word: String, before: String) -> [String] {
        let previous = before.split(whereSeparator: \.isWhitespace).map(String.init)
        let pool: [String]
        if previous.isEmpty {
            pool = word.hasPrefix("/") ? SlashCommand.names : tools
        } else if SlashCommand.isCommand(previous[0]) {
            switch (previous[0], previous.count) {
            case ("/tools", 1), ("/read", 1): pool = servers
            case ("/call", 1): pool = tools
            case ("/prompt", 1): pool = prompts
            case ("/approve", 1): pool = SlashCommand.ApprovalMode.allCases.map(\.rawValue)
            default: pool = []
            }
        } else {
            pool = tools
        }
        return pool.filter { $0.hasPrefix(word) }.sorted()
    }
}
