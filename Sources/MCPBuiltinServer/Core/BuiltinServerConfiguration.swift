import Foundation

/// What a built-in server instance serves: the file root and how it names itself.
///
/// One configuration is shared by every session (stdio has one, HTTP has one per client).
public struct BuiltinServerConfiguration: Sendable {
    /// The directory the file tools, the `file://` template and the prompt may read.
    public let root: FileRoot
    /// The version reported in `serverInfo`, so clients can tell builds apart.
    public let version: String
    /// The largest file read by `read_file` and the prompt unless the caller asks for less.
    public var defaultReadLimit: Int
    /// Prompts served beside `explain_file` (lmg's templates); nil: none.
    public var promptSource: (any BuiltinPromptSource)?
    /// Extra tools, for tests that need a slow or failing tool; empty in production.
    var extraTools: [ToolEntry] = []

    /// The name in `serverInfo`; clients and the `lmg` config refer to it.
    public static let serverName = "lmg-builtin"

    /// Fails with `FileAccessError` when `root` is not a readable directory.
    public init(root: String, version: String, defaultReadLimit: Int = 256 << 10) throws(FileAccessError) {
        self.root = try FileRoot(root)
        self.version = version
        self.defaultReadLimit = defaultReadLimit
    }
}
