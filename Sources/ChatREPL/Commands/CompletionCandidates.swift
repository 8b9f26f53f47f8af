/// What tab completion offers, from a snapshot of the session's names. Pure: the line editor
/// asks with the line so far and the word under the cursor.
public struct CompletionCandidates: Sendable {
    public var servers: [String]
    public var tools: [String]
    public var prompts: [String]
    /// Each prompt's argument names, by the name `/prompt` takes.
    public var promptArguments: [String: [String]]
    /// A server's suggestions for a prompt argument's value (`completion/complete`): prompt,
    /// argument, the value so far, the arguments already given. It may wait on the server
    /// briefly; nil offers no values.
    public var values: (@Sendable (_ prompt: String, _ argument: String, _ value: String, _ context: [String: String]) -> [String])?
    /// A server's resource URIs for `/read SERVER …`, template variables filled by the server's
    /// completions; it may wait on the server briefly. nil offers none.
    public var resources: (@Sendable (_ server: String, _ word: String) -> [String])?

    public init(
        servers: [String] = [], tools: [String] = [], prompts: [String] = [], promptArguments: [String: [String]] = [:],
        values: (@Sendable (String, String, String, [String: String]) -> [String])? = nil,
        resources: (@Sendable (String, String) -> [String])? = nil
    ) {
        self.servers = servers
        self.tools = tools
        self.prompts = prompts
        self.promptArguments = promptArguments
        self.values = values
        self.resources = resources
    }

    /// Candidates for `word`, the text being completed; `before` is the line before it.
    public func complete(word: String, before: String) -> [String] {
        let previous = before.split(whereSeparator: \.isWhitespace).map(String.init)
        if previous.first == "/prompt", previous.count >= 2 || (previous.count == 1 && before.hasSuffix("=")) {
            if let arguments = argumentCandidates(word: word, before: before, previous: previous) { return arguments }
        }
        let pool: [String]
        if previous.isEmpty {
            pool = word.hasPrefix("/") ? SlashCommand.names : tools
        } else if SlashCommand.isCommand(previous[0]) {
            switch (previous[0], previous.count) {
            case ("/tools", 1), ("/read", 1): pool = servers
            case ("/call", 1): pool = tools
            case ("/read", 2): pool = resources?(previous[1], word) ?? []
            case ("/prompt", 1): pool = prompts
            case ("/approve", 1): pool = SlashCommand.ApprovalMode.allCases.map(\.rawValue)
            default: pool = []
            }
        } else {
            pool = tools
        }
        return pool.filter { $0.hasPrefix(word) }.sorted()
    }

    /// `/prompt NAME arg=value …`: argument names not given yet (as `name=`), or the server's
    /// values for the argument before the `=` (the editor may break the word there or not).
    private func argumentCandidates(word: String, before: String, previous: [String]) -> [String]? {
        guard previous.count >= 2 || before.hasSuffix("=") else { return nil }
        let prompt = previous[1]
        guard let names = promptArguments[prompt] else { return nil }
        var given: [String: String] = [:]
        for token in previous.dropFirst(2) {
            guard let equals = token.firstIndex(of: "=") else { continue }
            given[String(token[..<equals])] = String(token[token.index(after: equals)...])
        }
        // `language=py`: the word broken at `=`, or whole.
        if before.hasSuffix("="), let last = previous.last, last.hasSuffix("="), previous.count >= 3 {
            let argument = String(last.dropLast())
            given[argument] = nil
            return (values?(prompt, argument, word, given) ?? []).filter { $0.hasPrefix(word) }.sorted()
        }
        if let equals = word.firstIndex(of: "=") {
            let argument = String(word[..<equals]), value = String(word[word.index(after: equals)...])
            return (values?(prompt, argument, value, given) ?? []).filter { $0.hasPrefix(value) }.map { "\(argument)=\($0)" }.sorted()
        }
        guard previous.count >= 2 else { return nil }
        return names.filter { given[$0] == nil && $0.hasPrefix(word) }.map { $0 + "=" }.sorted()
    }

    /// What a resource template offers for `word`, the URI typed so far.
    public enum TemplateCompletion: Sendable, Equatable {
        case none
        /// The template's fixed start, while `word` is shorter.
        case start(String)
        /// `word` is past the fixed start: the server's values for `variable`, from `typed`, go after `start`
        /// (only for a template whose one variable ends it).
        case variable(start: String, name: String, typed: String)
    }

    public static func templateCompletion(_ template: String, word: String) -> TemplateCompletion {
        guard let brace = template.firstIndex(of: "{") else { return .none }
        let start = String(template[..<brace])
        guard word.hasPrefix(start) else { return start.hasPrefix(word) ? .start(start) : .none }
        let rest = template[template.index(after: brace)...]
        guard let close = rest.firstIndex(of: "}"), rest.index(after: close) == rest.endIndex else { return .none }
        var name = String(rest[..<close])
        if let first = name.first, "+#./;?&".contains(first) { name.removeFirst() }
        return .variable(start: start, name: name, typed: String(word.dropFirst(start.count)))
    }
}
