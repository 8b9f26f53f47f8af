import CSystemShims
import Foundation
import MCPGateway

/// Shows the images tools return: drawn inline when the terminal answered the graphics query,
/// else saved under the cache directory with the path printed, so an image is never just lost.
struct ImageDisplay: Sendable {
    /// What the terminal said it draws; nil saves every image.
    let graphics: GraphicsProtocol?
    let cache: ImageCache
    let style: TerminalStyle

    /// What to write for one image: its drawing, or a line naming where it was saved.
    func show(_ image: RenderedImage) -> String {
        guard let data = Data(base64Encoded: image.base64, options: .ignoreUnknownCharacters), !data.isEmpty else {
            return style.dim("  image: \(image.mimeType), not valid base64; not shown") + "\n"
        }
        let bytes = [UInt8](data)
        // A server's declared type may be wrong; the bytes say what they are.
        let mimeType = ImageCache.sniffMimeType(bytes) ?? image.mimeType
        if let graphics,
            let drawing = TerminalGraphics.drawing(bytes, mimeType: mimeType, using: graphics, columns: min(style.width, 60))
        {
            return String(decoding: drawing, as: UTF8.self)
        }
        do {
            let path = try cache.save(bytes, mimeType: mimeType)
            return style.dim("  image saved: \(path) (\(mimeType), \(bytes.count) bytes)") + "\n"
        } catch {
            return style.yellow("  image not shown: \(error)") + "\n"
        }
    }

    /// Asks the terminal which graphics protocol it speaks: the query goes out in raw mode and
    /// the replies are read until the device-attributes answer every terminal gives, for 300 ms at
    /// most. Skipped (nil) where a multiplexer sits between or either end is not a terminal.
    static func probe(environment: [String: String] = ProcessInfo.processInfo.environment) -> GraphicsProtocol? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1, TerminalGraphics.worthAsking(environment: environment) else {
            return nil
        }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        let query = TerminalGraphics.query
        guard query.withUnsafeBytes({ write(STDOUT_FILENO, $0.baseAddress, $0.count) }) == query.count else { return nil }
        var replies: [UInt8] = []
        let deadline = ContinuousClock.now + .milliseconds(300)
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(max(1, left.components.attoseconds / 1_000_000_000_000_000 + left.components.seconds * 1000))
            guard poll(&descriptor, 1, milliseconds) > 0 else { break }
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, 512) }
            guard count > 0 else { break }
            replies += buffer[..<count]
            let parsed = TerminalGraphics.parseReplies(replies)
            if parsed.done { return parsed.protocol }
        }
        return TerminalGraphics.parseReplies(replies).protocol
    }
}
