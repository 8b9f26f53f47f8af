import Foundation
import MCPGateway
import Orchestrator

/// The one-line forms of tool calls in the terminal, cut to the width. Pure, for tests.
enum ToolLine {
    /// `→ server__tool {"a": 1}` when a call starts.
    static func started(_ request: ToolCallRequest, width: Int) -> String {
        fit("→ \(request.qualifiedName) \(flatten(request.arguments))", width: width)
    }

    /// `✓ server__tool 12 ms: first line of the result`, or ✗ / ⊘ for errors and denials.
    static func finished(_ outcome: ToolCallOutcome, width: Int) -> (mark: String, text: String) {
        let mark: String
        switch outcome.status {
        case .completed: mark = outcome.isError ? "✗" : "✓"
        case .denied: mark = "⊘"
        case .rejected, .failed, .cancelled: mark = "✗"
        }
        let what = outcome.status == .completed ? (outcome.isError ? "error" : "ok") : outcome.status.rawValue
        let line = "\(mark) \(outcome.request.qualifiedName) \(what) \(milliseconds(outcome.duration)): \(outcome.summary)"
        return (mark, fit(line, width: width))
    }

    /// `⠋ server__tool 1.2s (+2 more)` while calls run.
    static func status(frame: Int, running: [(name: String, elapsed: Duration, note: String?)], width: Int) -> String {
        guard let first = running.first else { return "" }
        let spinner = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
        var line = "\(spinner[frame % spinner.count]) \(first.name) \(seconds(first.elapsed))"
        if let note = first.note { line += " \(note)" }
        if running.count > 1 { line += " (+\(running.count - 1) more)" }
        return fit(line, width: width)
    }

    static func flatten(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Cuts to `width` columns (one column per character; wide characters are rare in these lines).
    static func fit(_ text: String, width: Int) -> String {
        let limit = max(10, width - 1)
        return text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    static func milliseconds(_ d: Duration) -> String {
        let ms = d.milliseconds
        return ms < 1000 ? String(format: "%.0f ms", ms) : String(format: "%.1f s", ms / 1000)
    }

    static func seconds(_ d: Duration) -> String {
        String(format: "%.1fs", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
}
