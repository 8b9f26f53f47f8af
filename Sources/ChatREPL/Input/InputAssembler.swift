/// Joins physical lines into one message: a trailing backslash continues the line, and lines
/// that arrive together (a paste) stay one message. Pure: the reader says whether more input was
/// already waiting; the assembler decides.
public struct InputAssembler: Sendable {
    private var lines: [String] = []

    public init() {}

    /// What to do after a line.
    public enum Step: Equatable, Sendable {
        /// Read another line; `continuation` says why (for the prompt).
        case needMore(continuation: Bool)
        /// The message is complete.
        case complete(String)
    }

    /// True while lines are being collected.
    public var isCollecting: Bool { !lines.isEmpty }

    /// Adds `line` (without its newline). `moreInputPending`: bytes were already waiting after it,
    /// as when a block of text is pasted.
    public mutating func add(_ line: String, moreInputPending: Bool) -> Step {
        if line.hasSuffix("\\") && !line.hasSuffix("\\\\") {
            lines.append(String(line.dropLast()))
            return .needMore(continuation: true)
        }
        lines.append(line)
        if moreInputPending { return .needMore(continuation: false) }
        let message = lines.joined(separator: "\n")
        lines.removeAll()
        return .complete(message)
    }

    /// Drops what was collected (Ctrl-C).
    public mutating func reset() { lines.removeAll() }
}
