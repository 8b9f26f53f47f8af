import Foundation
import MCP

/// `roots`: the folders lmg tells servers they may work in (`roots/list`), at the top of the
/// config for every server or in one entry for that server alone.
extension ConfigFields {
    /// Paths (absolute, `~/…`, or relative to the config file) or `file://` URIs; nil when absent.
    public func roots(_ raw: Value?, at location: String) throws(ConfigError) -> [Root]? {
        guard let entries = try stringArray(raw, at: location) else { return nil }
        var roots: [Root] = []
        for (index, entry) in entries.enumerated() {
            let at = nested(location, "[\(index)]")
            guard !entry.isEmpty else { throw error("must not be empty", at: at) }
            if entry.lowercased().hasPrefix("file://") {
                // The scheme in lower case, as URIs are compared.
                guard let url = URL(string: "file://" + entry.dropFirst(7)), url.isFileURL, !url.path.isEmpty else {
                    throw error("is not a file:// URI of a folder", at: at)
                }
                roots.append(Root(uri: url.absoluteString, name: url.lastPathComponent))
                continue
            }
            if entry.contains("://") { throw error("must be a folder path or a file:// URI (roots are local folders)", at: at) }
            var path = entry
            if path == "~" || path.hasPrefix("~/") {
                // The config's own environment, so a test or a service sees the HOME it was given.
                path = (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
            }
            if !path.hasPrefix("/") {
                let base = file.hasPrefix("/") ? (file as NSString).deletingLastPathComponent : FileManager.default.currentDirectoryPath
                path = (base as NSString).appendingPathComponent(path)
            }
            let url = URL(fileURLWithPath: (path as NSString).standardizingPath, isDirectory: true)
            roots.append(Root(uri: url.absoluteString, name: url.lastPathComponent))
        }
        return roots
    }
}
