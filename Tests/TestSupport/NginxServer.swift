import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// nginx in front of `lmg serve` replicas, for a test: the README's `deploy/nginx-lmg.conf` as it
/// is, with the test's ports in place of the example's, in a temporary directory of its own
/// (Debian's `nginx-light`, installed by `scripts/setup.sh --test`). It listens on 127.0.0.1 on
/// a free port; ``stop()`` ends it and removes the directory.
public final class NginxServer: Sendable {
    public let port: Int
    private let directory: String
    private let process: Process

    private init(port: Int, directory: String, process: Process) {
        (self.port, self.directory, self.process) = (port, directory, process)
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// nginx with one upstream line per port of `replicas`, accepting connections.
    public static func start(replicas: [Int]) async throws -> NginxServer {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            throw FixtureError("no /usr/sbin/nginx: run scripts/setup.sh --test")
        }
        let directory = NSTemporaryDirectory() + "lmg-nginx-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        do {
            let site = try String(contentsOf: Repo.root.appendingPathComponent("deploy/nginx-lmg.conf"), encoding: .utf8)
            try Self.site(site, port: port, replicas: replicas).write(toFile: directory + "/lmg.conf", atomically: true, encoding: .utf8)
            try Self.main(directory).write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
            process.arguments = ["-p", directory, "-c", directory + "/nginx.conf", "-e", directory + "/error.log"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let server = NginxServer(port: port, directory: directory, process: process)
            let deadline = ContinuousClock.now + .seconds(15)
            while !Self.accepts(port) {
                guard process.isRunning, ContinuousClock.now < deadline else {
                    let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
                    await server.stop()
                    throw FixtureError("nginx did not start: \(log)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return server
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// The deployment file with `listen` on `port` and its upstream's first `server` line once per
    /// replica (the rest of its `server` lines dropped).
    static func site(_ text: String, port: Int, replicas: [Int]) throws -> String {
        var lines: [String] = []
        var replaced = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("server 127.0.0.1:") {
                guard !replaced, let range = line.range(of: #"127\.0\.0\.1:\d+"#, options: .regularExpression) else { continue }
                replaced = true
                lines += replicas.map { line.replacingCharacters(in: range, with: "127.0.0.1:\($0)") }
            } else if line.contains("listen 127.0.0.1:") {
                lines.append(line.replacingOccurrences(of: #"127\.0\.0\.1:\d+"#, with: "127.0.0.1:\(port)", options: .regularExpression))
            } else {
                lines.append(line)
            }
        }
        guard replaced else { throw FixtureError("deploy/nginx-lmg.conf has no 'server 127.0.0.1:PORT' line") }
        return lines.joined(separator: "\n")
    }

    /// A main configuration that keeps everything in `directory` and runs in the foreground.
    static func main(_ directory: String) -> String {
        let temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
            .map { "    \($0)_temp_path \(directory)/tmp/\($0);" }.joined(separator: "\n")
        return """
        daemon off;
        master_process on;
        worker_processes 1;
        \(getuid() == 0 ? "user root root;" : "")
        pid \(directory)/nginx.pid;
        error_log \(directory)/error.log warn;
        events { worker_connections 1024; }
        http {
            access_log off;
        \(temp)
            include \(directory)/lmg.conf;
        }

        """
    }

    /// Whether something accepts a TCP connection on 127.0.0.1:`port`.
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Stops nginx (SIGTERM, SIGKILL after 5 s) and removes its directory.
    public func stop() async {
        let (process, directory) = (process, directory)
        _ = try? await offPool {
            terminateAndWait(process, grace: 5)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
