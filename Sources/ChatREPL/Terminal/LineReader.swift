import Foundation

/// What one read at the prompt produced.
public enum LineInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-C: the line was dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// Reads lines from the user; blocking, called on the terminal thread.
protocol LineReader: AnyObject, Sendable {
    /// Shows `prompt` and reads a line. `live`: notices may appear above it and the prompt may be
    /// redrawn with new server counts (not for the "… " of a continued message).
    func readLine(prompt: String, live: Bool) -> LineInput
    /// True when input is already waiting (the rest of a paste).
    func hasPendingInput() -> Bool
    /// Remembers an entered message in the history (saved across sessions).
    func remember(_ entry: String)
    /// Reads one answer (y/a/n) without touching the history.
    func ask(_ question: String) -> LineInput
}

/// stdin that is not a terminal: each line is a message.
final class PipeLineReader: LineReader, Sendable {
    func readLine(prompt: String, live: Bool) -> LineInput {
        guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        return .line(line)
    }

    func hasPendingInput() -> Bool { false }
    func remember(_ entry: String) {}
    func ask(_ question: String) -> LineInput { .line("n") }
}
