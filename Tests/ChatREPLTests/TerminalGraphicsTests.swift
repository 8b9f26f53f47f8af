import Foundation
import Testing
@testable import ChatREPL

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
private let da1 = "\u{1B}[?62;22c"
private let png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] as [UInt8]

@Suite struct GraphicsQueryTests {
    @Test func queryBytesAreExact() {
        let expected = bytes("\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[>q\u{1B}[c")
        #expect(TerminalGraphics.query == expected)
        #expect(TerminalGraphics.query.suffix(3) == [0x1B, 0x5B, 0x63])
    }

    @Test func kittyAnswersOK() {
        let reply = bytes("\u{1B}_Gi=31;OK\u{1B}\\\u{1B}P>|kitty(0.35.2)\u{1B}\\" + da1)
        let r = TerminalGraphics.parseReplies(reply)
        #expect(r.done && r.protocol == .kitty)
    }

    @Test func onlyDA1MeansDoneWithoutGraphics() {
        let r = TerminalGraphics.parseReplies(bytes("\u{1B}[?1;2c"))
        #expect(r.done && r.protocol == nil)
    }

    @Test func iTerm2ByXTVersion() {
        let r = TerminalGraphics.parseReplies(bytes("\u{1B}P>|iTerm2 3.5.4\u{1B}\\" + da1))
        #expect(r.done && r.protocol == .iterm2)
    }

    @Test func wezTermWithoutKittyOKIsITerm2() {
        let r = TerminalGraphics.parseReplies(bytes("\u{1B}P>|WezTerm 20240203-110809-5046fc22\u{1B}\\" + da1))
        #expect(r.done && r.protocol == .iterm2)
    }

    @Test func wezTermWithKittyOKPrefersKitty() {
        let reply = bytes("\u{1B}_Gi=31;OK\u{1B}\\\u{1B}P>|WezTerm 20240203\u{1B}\\" + da1)
        #expect(TerminalGraphics.parseReplies(reply).protocol == .kitty)
    }

    @Test func partialInputIsNotDone() {
        let full = bytes("\u{1B}_Gi=31;OK\u{1B}\\" + da1)
        for cut in 0..<full.count {
            #expect(TerminalGraphics.parseReplies(Array(full.prefix(cut))).done == false, "cut at \(cut)")
        }
        #expect(TerminalGraphics.parseReplies(full).done)
    }

    @Test func kittyErrorIsNotKitty() {
        let reply = bytes("\u{1B}_Gi=31;EINVAL:unsupported format\u{1B}\\" + da1)
        let r = TerminalGraphics.parseReplies(reply)
        #expect(r.done && r.protocol == nil)
    }

    @Test func otherCSIRepliesAreNotDA1() {
        // A cursor-position report or secondary DA must not end the wait.
        #expect(TerminalGraphics.parseReplies(bytes("\u{1B}[12;1R\u{1B}[>1;10;0c")).done == false)
    }
}

@Suite struct GraphicsWorthAskingTests {
    @Test(arguments: [
        (["TERM": "xterm-kitty"], true),
        ([:], true),
        (["TERM": "xterm-256color", "TMUX": "/tmp/tmux-1000/default,123,0"], false),
        (["TERM": "screen-256color"], false),
        (["TERM": "tmux-256color"], false),
        (["TERM": "dumb"], false),
        (["TERM": "xterm-256color", "TMUX": ""], true),
    ] as [([String: String], Bool)])
    func cases(environment: [String: String], expected: Bool) {
        #expect(TerminalGraphics.worthAsking(environment: environment) == expected)
    }
}

/// Splits kitty output into (keys, payload) per `ESC _ G keys ; payload ESC \` escape.
private func kittyChunks(_ out: [UInt8]) -> [(keys: String, payload: String)] {
    let text = String(decoding: out, as: UTF8.self)
    return text.components(separatedBy: "\u{1B}\\").dropLast().map { piece in
        let body = piece.hasPrefix("\u{1B}_G") ? String(piece.dropFirst(3)) : "BAD:" + piece
        let parts = body.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
}

@Suite struct GraphicsDrawingTests {
    let image: [UInt8] = png + (0..<(10_000 - 8)).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    @Test func kittyChunksLargePNG() throws {
        let out = try #require(TerminalGraphics.drawing(image, mimeType: "image/png", using: .kitty, columns: nil))
        #expect(out.last == UInt8(ascii: "\n"))
        let chunks = kittyChunks(Array(out.dropLast()))
        // 10,000 bytes -> 13,336 base64 characters -> 4 chunks of at most 4096.
        #expect(chunks.count == 4)
        #expect(chunks[0].keys == "a=T,f=100,m=1")
        #expect(chunks[1].keys == "m=1" && chunks[2].keys == "m=1")
        #expect(chunks[3].keys == "m=0")
        #expect(chunks.allSatisfy { $0.payload.utf8.count <= 4096 })
        let decoded = try #require(Data(base64Encoded: chunks.map(\.payload).joined()))
        #expect(Array(decoded) == image)
    }

    @Test func kittyColumnsAndSingleChunk() throws {
        let out = try #require(TerminalGraphics.drawing(png, mimeType: "image/png", using: .kitty, columns: 40))
        let chunks = kittyChunks(Array(out.dropLast()))
        #expect(chunks.count == 1)
        #expect(chunks[0].keys == "a=T,f=100,c=40,m=0")
    }

    @Test func kittyRejectsJPEG() {
        #expect(TerminalGraphics.drawing([0xFF, 0xD8, 0xFF, 0xE0], mimeType: "image/jpeg", using: .kitty, columns: nil) == nil)
    }

    @Test func iTerm2SequenceShape() throws {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]
        let out = try #require(TerminalGraphics.drawing(jpeg, mimeType: "image/jpeg", using: .iterm2, columns: nil))
        let b64 = Data(jpeg).base64EncodedString()
        let expected = "\u{1B}]1337;File=inline=1;size=7;preserveAspectRatio=1;width=auto:\(b64)\u{07}\n"
        #expect(String(decoding: out, as: UTF8.self) == expected)
        let sized = try #require(TerminalGraphics.drawing(jpeg, mimeType: "Image/JPEG", using: .iterm2, columns: 30))
        #expect(String(decoding: sized, as: UTF8.self).contains(";width=30:"))
    }

    @Test func iTerm2RejectsSVGAndEmpty() {
        #expect(TerminalGraphics.drawing(bytes("<svg/>"), mimeType: "image/svg+xml", using: .iterm2, columns: nil) == nil)
        #expect(TerminalGraphics.drawing([], mimeType: "image/png", using: .iterm2, columns: nil) == nil)
    }
}
