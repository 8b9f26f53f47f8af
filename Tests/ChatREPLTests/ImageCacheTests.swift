import Foundation
import Testing
import MCPGateway
@testable import ChatREPL

private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "gfx-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct ImageCacheTests {
    @Test func directoryFromXDG() {
        let cache = ImageCache(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"])
        #expect(cache.directory == "/x/cache/lmg/images")
    }

    @Test func directoryFromHome() {
        #expect(ImageCache(environment: ["HOME": "/home/u"]).directory == "/home/u/.cache/lmg/images")
        #expect(ImageCache(environment: ["HOME": "/home/u", "XDG_CACHE_HOME": "rel"]).directory == "/home/u/.cache/lmg/images")
    }

    @Test func extensions() {
        let cases = ["image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
                     "image/svg+xml": "svg", "image/bmp": "bmp", "application/pdf": "bin", "IMAGE/PNG; x=y": "png"]
        for (type, ext) in cases { #expect(ImageCache.fileExtension(for: type) == ext, "\(type)") }
    }

    @Test func savingTwiceGivesOneFile() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = ImageCache(environment: ["XDG_CACHE_HOME": root])
        let data: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]
        let first = try cache.save(data, mimeType: "image/png")
        let second = try cache.save(data, mimeType: "image/png")
        #expect(first == second)
        let name = String(SHA256Digest.hexDigest(data).prefix(16)) + ".png"
        #expect(first == root + "/lmg/images/" + name)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory) == [name])
        #expect(FileManager.default.contents(atPath: first).map(Array.init) == data)
        let mode = try FileManager.default.attributesOfItem(atPath: cache.directory)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func unwritableDirectoryThrowsCannotWrite() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = root + "/plain-file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data([1])))
        let cache = ImageCache(environment: ["XDG_CACHE_HOME": file])
        do {
            _ = try cache.save([1, 2, 3], mimeType: "image/png")
            Issue.record("expected cannotWrite")
        } catch {
            guard case let .cannotWrite(path, _) = error else { return }
            #expect(path.hasPrefix(file))
            #expect(error.description.contains(path))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func sniffing() {
        #expect(ImageCache.sniffMimeType([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == "image/png")
        #expect(ImageCache.sniffMimeType([0xFF, 0xD8, 0xFF, 0xDB]) == "image/jpeg")
        #expect(ImageCache.sniffMimeType(Array("GIF89a...".utf8)) == "image/gif")
        #expect(ImageCache.sniffMimeType(Array("GIF87a".utf8)) == "image/gif")
        #expect(ImageCache.sniffMimeType(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == "image/webp")
        #expect(ImageCache.sniffMimeType(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8)) == nil)
        #expect(ImageCache.sniffMimeType([0x89, 0x50]) == nil)
        #expect(ImageCache.sniffMimeType([]) == nil)
    }
}

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256Digest.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Two-block message from FIPS 180-2, exercising the padding that spills into a second block.
        #expect(SHA256Digest.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

/// What the chat writes for a tool's image: the drawing where the terminal draws, else the saved path.
@Suite struct ImageDisplayTests {
    /// A 1×1 PNG.
    static let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    let style = TerminalStyle(color: false, width: 80, interactive: true)

    func cache() -> ImageCache {
        ImageCache(environment: ["XDG_CACHE_HOME": NSTemporaryDirectory() + "lmg-images-\(UUID().uuidString)"])
    }

    @Test func drawnInlineWhereTheTerminalDraws() {
        let display = ImageDisplay(graphics: .kitty, cache: cache(), style: style)
        let out = display.show(RenderedImage(mimeType: "image/png", base64: Self.png))
        #expect(out.hasPrefix("\u{1B}_Ga=T,f=100"))
        #expect(!FileManager.default.fileExists(atPath: display.cache.directory))
    }

    @Test func savedAndNamedOtherwise() throws {
        // Declared as JPEG, but the bytes are a PNG: kitty cannot draw JPEG, yet this one it can.
        let kitty = ImageDisplay(graphics: .kitty, cache: cache(), style: style)
        #expect(kitty.show(RenderedImage(mimeType: "image/jpeg", base64: Self.png)).hasPrefix("\u{1B}_G"))
        let display = ImageDisplay(graphics: nil, cache: cache(), style: style)
        let out = display.show(RenderedImage(mimeType: "image/png", base64: Self.png))
        #expect(out.hasPrefix("  image saved: \(display.cache.directory)/"))
        #expect(out.hasSuffix(".png (image/png, 70 bytes)\n"))
        #expect(display.show(RenderedImage(mimeType: "image/png", base64: "%%%")) == "  image: image/png, not valid base64; not shown\n")
    }
}
