import Foundation
import MCPGateway
import Orchestrator

/// Shows a turn as it happens: streamed text, a line per tool call as it starts and as it ends,
/// and on a terminal a status line with a spinner and the elapsed time while calls run.
actor TurnDisplay {
    private let style: TerminalStyle
    /// Tool lines go to stdout on a terminal, to stderr when piped (stdout holds only answers).
    private let toolsToStderr: Bool
    private var atLineStart = true
    private var statusShown = false
    private var running: [(id: String, name: String, start: ContinuousClock.Instant, note: String?)] = []
    private var frame = 0
    /// Questions being asked: the status line stays away while any is open.
    private var holds = 0
    private var ticker: Task<Void, Never>?
    /// Renders the answer's Markdown on a terminal; nil prints the text as it comes (piped,
    /// `--no-markdown`).
    private var markdown: MarkdownRenderer?
    private let images: ImageDisplay?

    init(style: TerminalStyle, markdown: Bool = false, images: ImageDisplay? = nil) {
        self.style = style
        self.toolsToStderr = !style.interactive
        self.images = images
        if markdown && style.interactive {
            self.markdown = MarkdownRenderer(
                width: style.width, color: style.color,
                hyperlinks: MarkdownTheme.supportsHyperlinks(environment: ProcessInfo.processInfo.environment))
        }
    }

    /// Starts the spinner for a turn (terminal only).
    func begin() {
        atLineStart = true
        guard style.interactive else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                await self?.tick()
            }
        }
    }

    func handle(_ event: OrchestratorEvent) {
        switch event {
        case .textDelta(let text):
            hideStatus()
            if var renderer = markdown {
                renderer.width = TerminalStyle.currentWidth(fallback: style.width)
                let drawn = renderer.feed(text)
                markdown = renderer
                write(drawn)
                if !drawn.isEmpty { atLineStart = drawn.hasSuffix("\n") }
            } else {
                write(text)
                atLineStart = text.hasSuffix("\n")
            }
        case .toolCallRequested:
            break
        case .toolCallStarted(let request):
            hideStatus()
            flushText()
            newline()
            toolLine(style.cyan(ToolLine.started(request, width: style.width)))
            running.append((request.id, request.qualifiedName, .now, nil))
            showStatus()
        case .toolCallProgress(let id, let progress):
            if let index = running.firstIndex(where: { $0.id == id }) {
                let percent = progress.total.map { $0 > 0 ? String(format: "%.0f%%", progress.progress / $0 * 100) : "" }
                running[index].note = [percent, progress.message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            }
        case .toolCallFinished(let outcome):
            hideStatus()
            newline()
            running.removeAll { $0.id == outcome.request.id }
            let (mark, line) = ToolLine.finished(outcome, width: style.width)
            toolLine(mark == "✓" ? style.green(line) : mark == "⊘" ? style.yellow(line) : style.red(line))
            if let images, !outcome.images.isEmpty {
                for image in outcome.images { write(images.show(image)) }
            }
            showStatus()
        case .usage:
            break
        case .turnFinished:
            end()
        }
    }

    /// Stops the spinner and leaves the cursor at the start of a line.
    func end() {
        ticker?.cancel()
        ticker = nil
        hideStatus()
        flushText()
        running.removeAll()
        holds = 0
        newline()
    }

    /// Shows images outside a turn (a resource `/read` attached).
    func show(images shown: [RenderedImage]) {
        guard let images else { return }
        for image in shown { write(images.show(image)) }
    }

    /// Clears the status line and keeps it away (while an approval or a server's question is
    /// asked, say) until `resume()`.
    func pause() {
        holds += 1
        hideStatus()
        flushText()
    }

    /// Draws what the Markdown renderer still holds (an open span, a table) before something
    /// else takes the screen: a tool line, a question, the prompt.
    private func flushText() {
        guard var renderer = markdown else { return }
        let drawn = renderer.finish()
        markdown = renderer
        write(drawn)
        if !drawn.isEmpty { atLineStart = drawn.hasSuffix("\n") }
    }

    /// Lets the status line show again once no question is open.
    func resume() {
        holds = max(0, holds - 1)
        if holds == 0 && !running.isEmpty { showStatus() }
    }

    private func tick() {
        frame += 1
        if statusShown || !running.isEmpty { showStatus() }
    }

    private func showStatus() {
        guard style.interactive, !running.isEmpty, holds == 0 else { return }
        let now = ContinuousClock.now
        let line = ToolLine.status(
            frame: frame, running: running.map { ($0.name, now - $0.start, $0.note) }, width: style.width)
        write("\r\u{1B}[K" + style.dim(line))
        statusShown = true
    }

    private func hideStatus() {
        guard statusShown else { return }
        write("\r\u{1B}[K")
        statusShown = false
    }

    private func newline() {
        if !atLineStart {
            write("\n")
            atLineStart = true
        }
    }

    private func toolLine(_ text: String) {
        if toolsToStderr {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        } else {
            write(text + "\n")
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
