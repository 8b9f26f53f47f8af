import Foundation

/// Why an image could not be saved; one line naming the path, so it can go straight into a status message.
enum ImageCacheError: Error, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)

    var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            let oneLine = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
            return "cannot save image to \(path): \(oneLine)"
        }
    }
}

/// Where images that cannot be shown inline are saved: $XDG_CACHE_HOME/lmg/images/, else ~/.cache/lmg/images/.
struct ImageCache: Sendable {
    let directory: String

    /// Reads the location from `environment` (not the process) so tests can point it anywhere.
    /// A relative XDG_CACHE_HOME is ignored, as the XDG base directory spec requires.
    init(environment: [String: String]) {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            directory = Self.joined(xdg, "lmg/images")
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? FileManager.default.homeDirectoryForCurrentUser.path
            directory = Self.joined(home, ".cache/lmg/images")
        }
    }

    /// The file extension for a MIME type, so saved files open in the right viewer.
    static func fileExtension(for mimeType: String) -> String {
        switch TerminalGraphics.normalized(mimeType) {
        case "image/png": "png"
        case "image/jpeg", "image/jpg": "jpg"
        case "image/gif": "gif"
        case "image/webp": "webp"
        case "image/svg+xml": "svg"
        case "image/bmp": "bmp"
        default: "bin"
        }
    }

    /// The MIME type from the bytes' magic number, for when a server's declared type is missing or wrong.
    static func sniffMimeType(_ data: [UInt8]) -> String? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if data.starts(with: Array("GIF87a".utf8)) || data.starts(with: Array("GIF89a".utf8)) { return "image/gif" }
        if data.count >= 12, data.starts(with: Array("RIFF".utf8)), Array(data[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        return nil
    }

    /// Saves the bytes under a content-hash name so the same image is stored once; the directory is
    /// private (0700) because images may come from private conversations; the write is atomic so a
    /// viewer never sees half a file. Returns the file's path.
    func save(_ data: [UInt8], mimeType: String) throws(ImageCacheError) -> String {
        let name = String(SHA256Digest.hexDigest(data).prefix(16)) + "." + Self.fileExtension(for: mimeType)
        let path = Self.joined(directory, name)
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                      attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotWrite(path: directory, reason: Self.reason(error))
        }
        if files.fileExists(atPath: path) { return path }
        do {
            try Data(data).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotWrite(path: path, reason: Self.reason(error))
        }
        return path
    }

    private static func joined(_ base: String, _ tail: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + tail
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
