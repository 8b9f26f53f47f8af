import Foundation

/// A graphics protocol a terminal speaks, found by asking it (never guessed from TERM alone).
enum GraphicsProtocol: String, Sendable, Equatable { case kitty, iterm2 }

/// Detects and speaks the kitty and iTerm2 inline-image protocols.
enum TerminalGraphics {
    private static let esc: UInt8 = 0x1B
    private static let backslash: UInt8 = 0x5C

    /// What to write to the terminal (raw mode already set by the caller) to ask: the kitty graphics query,
    /// then XTVERSION, then DA1 last — every terminal answers DA1, so its answer marks the end of the replies.
    static let query: [UInt8] =
        Array("\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\".utf8)
        + Array("\u{1B}[>q".utf8)
        + Array("\u{1B}[c".utf8)

    /// Parses whatever bytes the terminal sent back so far. `done` once the DA1 reply (`ESC [ ? ... c`) is
    /// complete; `protocol` is .kitty only for an explicit `i=31;OK`, else .iterm2 when XTVERSION names
    /// iTerm2 or WezTerm (WezTerm takes both, but kitty is preferred only when it said OK), else nil.
    static func parseReplies(_ bytes: [UInt8]) -> (done: Bool, protocol: GraphicsProtocol?) {
        var done = false, kitty = false, iterm = false
        var i = 0
        scan: while i < bytes.count {
            guard bytes[i] == esc, i + 1 < bytes.count else { i += 1; continue }
            switch bytes[i + 1] {
            case UInt8(ascii: "_"), UInt8(ascii: "P"):
                // APC (kitty) and DCS (XTVERSION) both end with the string terminator ESC \.
                guard let end = stringTerminator(in: bytes, from: i + 2) else { break scan }
                let body = Array(bytes[(i + 2)..<end])
                if bytes[i + 1] == UInt8(ascii: "_") {
                    kitty = kitty || isKittyOK(body)
                } else {
                    iterm = iterm || isITermLike(body)
                }
                i = end + 2
            case UInt8(ascii: "["):
                // CSI: parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E.
                var j = i + 2
                while j < bytes.count, (0x20...0x3F).contains(bytes[j]) { j += 1 }
                guard j < bytes.count else { break scan }
                if bytes[j] == UInt8(ascii: "c"), i + 2 < j, bytes[i + 2] == UInt8(ascii: "?") {
                    done = true
                }
                i = j + 1
            default:
                i += 1
            }
        }
        return (done, kitty ? .kitty : (iterm ? .iterm2 : nil))
    }

    /// Environment hints that let the caller skip asking: tmux and screen swallow or garble images,
    /// and a dumb terminal will not answer at all.
    static func worthAsking(environment: [String: String]) -> Bool {
        if let tmux = environment["TMUX"], !tmux.isEmpty { return false }
        let term = environment["TERM"] ?? ""
        if term.hasPrefix("screen") || term.hasPrefix("tmux") || term == "dumb" { return false }
        return true
    }

    /// The escape sequences that draw `data` (an image file's bytes) at the cursor, then a newline, or nil
    /// when the protocol cannot draw that type (kitty: PNG only; iTerm2: png, jpeg, gif, webp, bmp) or
    /// there is nothing to draw. `columns` caps the width in terminal cells.
    static func drawing(_ data: [UInt8], mimeType: String, using: GraphicsProtocol, columns: Int?) -> [UInt8]? {
        guard !data.isEmpty else { return nil }
        let type = normalized(mimeType)
        let payload = Array(Data(data).base64EncodedString().utf8)
        let width = columns.flatMap { $0 > 0 ? $0 : nil }
        switch using {
        case .kitty:
            guard type == "image/png" else { return nil }
            return kittyDrawing(payload, columns: width)
        case .iterm2:
            let drawable: Set<String> = ["image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp", "image/bmp"]
            guard drawable.contains(type) else { return nil }
            let header = "\u{1B}]1337;File=inline=1;size=\(data.count);preserveAspectRatio=1;width=\(width.map(String.init) ?? "auto"):"
            return Array(header.utf8) + payload + [0x07] + Array("\n".utf8)
        }
    }

    /// Kitty caps each escape at 4096 payload bytes; the control keys go on the first chunk only,
    /// and m=1 tells the terminal more chunks follow.
    private static func kittyDrawing(_ payload: [UInt8], columns: Int?) -> [UInt8] {
        let chunkSize = 4096
        var out: [UInt8] = []
        var start = 0
        repeat {
            let end = min(start + chunkSize, payload.count)
            let more = end < payload.count
            var keys = start == 0 ? "a=T,f=100" + (columns.map { ",c=\($0)" } ?? "") + "," : ""
            keys += "m=\(more ? 1 : 0)"
            out += Array("\u{1B}_G\(keys);".utf8) + payload[start..<end] + [esc, backslash]
            start = end
        } while start < payload.count
        return out + Array("\n".utf8)
    }

    /// Index of the ESC that begins the next `ESC \`, or nil if the reply has not fully arrived yet.
    private static func stringTerminator(in bytes: [UInt8], from start: Int) -> Int? {
        var j = start
        while j + 1 < bytes.count {
            if bytes[j] == esc, bytes[j + 1] == backslash { return j }
            j += 1
        }
        return nil
    }

    /// True for a kitty reply `G<keys>;OK` whose keys include our query id i=31 (errors like EINVAL are not OK).
    private static func isKittyOK(_ body: [UInt8]) -> Bool {
        guard body.first == UInt8(ascii: "G") else { return false }
        let text = String(decoding: body.dropFirst(), as: UTF8.self)
        guard let semi = text.firstIndex(of: ";") else { return false }
        let keys = text[..<semi].split(separator: ",")
        return keys.contains("i=31") && text[text.index(after: semi)...] == "OK"
    }

    /// True for an XTVERSION reply `>|<name version>` naming a terminal that takes iTerm2 inline images.
    private static func isITermLike(_ body: [UInt8]) -> Bool {
        guard body.starts(with: Array(">|".utf8)) else { return false }
        let name = String(decoding: body.dropFirst(2), as: UTF8.self).lowercased()
        return name.contains("iterm2") || name.contains("wezterm")
    }

    /// MIME types arrive with odd case and parameters ("Image/PNG; charset=binary"); compare the bare type.
    static func normalized(_ mimeType: String) -> String {
        let bare = mimeType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return bare.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
