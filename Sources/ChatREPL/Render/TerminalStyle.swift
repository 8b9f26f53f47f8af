import Foundation

/// Colours and width for terminal output: colours only on a terminal, and never with NO_COLOR
/// (https://no-color.org) or `--no-color`.
public struct TerminalStyle: Sendable {
    /// Emit ANSI colours.
    public var color: Bool
    /// Columns; tool lines are cut to fit.
    public var width: Int
    /// Animate (spinner, status line): only when stdout is a terminal.
    public var interactive: Bool

    public init(color: Bool, width: Int, interactive: Bool) {
        self.color = color
        self.width = width
        self.interactive = interactive
    }

    /// What stdout supports now.
    public static func detect(noColor: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalStyle {
        let tty = isatty(STDOUT_FILENO) == 1
        var size = winsize()
        let columns = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
        return TerminalStyle(
            color: usesColor(terminal: tty, noColor: noColor, environment: environment), width: columns, interactive: tty)
    }

    /// The terminal's columns now (it may have been resized since `detect`).
    static func currentWidth(fallback: Int) -> Int {
        var size = winsize()
        return ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : fallback
    }

    /// Colour only on a terminal, and never with `--no-color`, a non-empty NO_COLOR (no-color.org) or TERM=dumb.
    static func usesColor(terminal: Bool, noColor: Bool, environment: [String: String]) -> Bool {
        terminal && !noColor && environment["NO_COLOR"].map(\.isEmpty) != false && environment["TERM"] != "dumb"
    }

    func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    /// Marks escape sequences for libedit (between \u{1} pairs) so they do not count toward the
    /// prompt's width.
    func promptSafe(_ text: String) -> String {
        guard color else { return text }
        var result = ""
        var inEscape = false
        for character in text {
            if character == "\u{1B}" {
                result += "\u{1}"
                inEscape = true
            }
            result.append(character)
            if inEscape && character == "m" {
                result += "\u{1}"
                inEscape = false
            }
        }
        return result
    }

    func dim(_ text: String) -> String { paint(text, "2") }
    func red(_ text: String) -> String { paint(text, "31") }
    func green(_ text: String) -> String { paint(text, "32") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func cyan(_ text: String) -> String { paint(text, "36") }
    func bold(_ text: String) -> String { paint(text, "1") }
}
