import Foundation
import Logging
import MCPGateway

/// Keeps a long-running manager in step with its config file: when the file changes, the new
/// server list is applied (added, removed, restarted, the rest untouched); a file that does not
/// load keeps the running configuration and is reported once, as one line.
///
/// The file is polled (a `stat` per interval) rather than watched with inotify: editors replace
/// files by renaming, which a watch on the old inode would miss, and a stat a second costs nothing.
/// A change is applied once the file has stayed the same for one more interval, so a save in
/// progress is not read half-written.
public actor ConfigReloader {
    /// What a reload did.
    public enum Event: Sendable {
        /// The new file was applied; the diff says what changed (possibly nothing).
        case applied(ConfigDiff)
        /// The new file did not load; the running configuration stays.
        case rejected(ConfigError)
    }

    /// The file watched.
    public let path: String
    private let manager: MCPManager
    private let loader: ConfigLoader
    private let interval: Duration
    private let onEvent: @Sendable (Event) async -> Void
    private let alongside: @Sendable ([MCPServerConfig]) async -> [MCPServerConfig]
    private let logger: Logger
    private var task: Task<Void, Never>?
    /// The reload under way; the next one waits for it, so two never interleave.
    private var running: Task<Event, Never>?
    private var applied: FileStamp?
    private var pending: FileStamp?

    /// Watches `path`; `onEvent` hears every reload (the manager's logger also records it).
    /// `alongside` names the servers the manager runs besides the file's (the gateway's, added
    /// over HTTP), given the file's new servers: a reload keeps them rather than removing them.
    public init(
        manager: MCPManager, path: String, loader: ConfigLoader = .init(), interval: Duration = .milliseconds(500),
        logger: Logger = Logger(label: "lmg.reload"),
        alongside: @escaping @Sendable ([MCPServerConfig]) async -> [MCPServerConfig] = { _ in [] },
        onEvent: @escaping @Sendable (Event) async -> Void = { _ in }
    ) {
        self.alongside = alongside
        self.manager = manager
        self.path = path
        self.loader = loader
        self.interval = interval
        self.logger = logger
        self.onEvent = onEvent
        self.applied = FileStamp(path: path)
    }

    /// Starts watching; the file as it is now counts as applied.
    public func start() {
        guard task == nil else { return }
        task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: self?.interval ?? .seconds(1))
                guard let self, !Task.isCancelled else { return }
                await self.poll()
            }
        }
    }

    /// Stops watching, and waits for a reload under way to finish.
    public func stop() async {
        task?.cancel()
        task = nil
        _ = await running?.value
    }

    /// One polling step: notes a change, and applies it once it has settled.
    func poll() async {
        let now = FileStamp(path: path)
        guard now != applied else {
            pending = nil
            return
        }
        guard now == pending else {
            pending = now
            return
        }
        pending = nil
        applied = now
        _ = await reload()
    }

    /// Loads the file and applies it now, whatever its timestamp.
    @discardableResult
    public func reload() async -> Event {
        let previous = running
        let next = Task {
            _ = await previous?.value
            return await self.load()
        }
        running = next
        return await next.value
    }

    private func load() async -> Event {
        applied = FileStamp(path: path)
        let event: Event
        do {
            let config = try loader.load(path: path)
            let diff = await manager.apply(config.servers + alongside(config.servers))
            if !diff.isEmpty { logger.info("\(path): reloaded: \(diff.summary)") }
            event = .applied(diff)
        } catch {
            logger.error("\(error.description); keeping the running configuration")
            event = .rejected(error)
        }
        await onEvent(event)
        return event
    }
}

/// What identifies a version of a file without reading it: inode, size and modification time.
struct FileStamp: Equatable, Sendable {
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    /// nil when the file does not exist (a removed file is a change too).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
