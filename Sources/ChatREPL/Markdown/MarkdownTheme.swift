/// How rendered Markdown looks: ANSI styles (off for NO_COLOR, the layout staying) and OSC 8
/// hyperlinks where the terminal takes them.
struct MarkdownTheme: Sendable, Equatable {
    var color: Bool
    var hyperlinks: Bool

    /// A fragment with its style: every fragment opens and closes its own, so nothing bleeds into
    /// a tool line or the prompt when a turn stops mid-answer.
    func paint(_ text: String, _ style: InlineStyle, link: String?) -> String {
        guard !text.isEmpty else { return "" }
        var result = text
        if color {
            var codes: [String] = []
            if style.contains(.bold) || style.contains(.heading) || style.contains(.header) { codes.append("1") }
            if style.contains(.italic) { codes.append("3") }
            if style.contains(.strike) { codes.append("9") }
            if style.contains(.heading) { codes.append("35") }
            if style.contains(.code) { codes.append("36") }
            if style.contains(.link) { codes += ["4", "34"] }
            if style.contains(.url) { codes.append("2") }
            if !codes.isEmpty { result = "\u{1B}[\(codes.joined(separator: ";"))m\(result)\u{1B}[0m" }
        }
        if hyperlinks, let link, let safe = Self.hyperlinkTarget(link) {
            result = "\u{1B}]8;;\(safe)\u{1B}\\\(result)\u{1B}]8;;\u{1B}\\"
        }
        return result
    }

    /// Borders, bullets' frames, rules: dim.
    func dim(_ text: String) -> String { color && !text.isEmpty ? "\u{1B}[2m\(text)\u{1B}[0m" : text }

    /// A code token's colour.
    func paint(code text: String, _ kind: CodeTokenKind) -> String {
        guard color, !text.isEmpty else { return text }
        let code: String
        switch kind {
        case .plain: return text
        case .keyword: code = "35"
        case .string: code = "32"
        case .comment: code = "2;3"
        case .number, .literal: code = "33"
        case .type: code = "36"
        case .key: code = "34"
        case .variable: code = "31"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    /// A URL fit to put in OSC 8: web and mail links of printable ASCII only (a model's text must
    /// not smuggle escape sequences into the terminal, nor hide a `file:` or `javascript:` target
    /// behind harmless words), else nil and the URL is shown after the text.
    static func hyperlinkTarget(_ url: String) -> String? {
        guard !url.isEmpty, url.count < 2048, url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return nil
        }
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") else { return nil }
        return url
    }

    /// Whether the terminal takes OSC 8 hyperlinks. There is no query for it, so this reads what
    /// terminals announce; `LMG_HYPERLINKS=1` or `=0` decides instead.
    static func supportsHyperlinks(environment: [String: String]) -> Bool {
        if let forced = environment["LMG_HYPERLINKS"], !forced.isEmpty { return forced != "0" }
        if environment["TERM"] == "dumb" { return false }
        let program = environment["TERM_PROGRAM"] ?? ""
        if ["iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby", "rio"].contains(program) { return true }
        if let vte = environment["VTE_VERSION"].flatMap(Int.init), vte >= 5000 { return true }
        if environment["KITTY_WINDOW_ID"] != nil || environment["WT_SESSION"] != nil || environment["KONSOLE_VERSION"] != nil {
            return true
        }
        let term = environment["TERM"] ?? ""
        return term == "xterm-kitty" || term.hasPrefix("foot") || term == "alacritty" || term == "xterm-ghostty"
    }
}
