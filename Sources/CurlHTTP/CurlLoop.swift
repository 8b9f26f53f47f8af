import EventLoops
import CCurl
import Foundation
import Locking

/// The one thread that drives libcurl. Other threads only queue commands and wake it.
///
/// A single multi handle owns the connection cache, so sequential requests to the same host
/// reuse one connection; easy handles are recycled with `curl_easy_reset`.
///
/// It is also a `TaskExecutor`: a task that prefers it runs between transfers on this thread,
/// so the response it awaits resumes it with no hand-off to another thread.
///
/// `@unchecked Sendable`: the multi handle and the transfer table are confined to the loop
/// thread; other threads touch only the command queue, under its lock, and the wake-up pipe.
final class CurlLoop: TaskExecutor, @unchecked Sendable {
    enum Command {
        case add(Transfer)
        case cancel(Transfer)
        case shutdown
    }

    private let multi: UnsafeMutableRawPointer
    private let commands = Locked<[Command]>([])
    private let jobs = Locked(JobQueue())

    private struct JobQueue {
        var waiting: [UnownedJob] = []
        /// Set once the loop has exited: later jobs go to the global executor, or they would never run.
        var stopped = false
    }
    private let loopThread = LoopThread()
    // Loop-thread state.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var spareHandles: [UnsafeMutableRawPointer] = []
    private var stopping = false
    /// When the loop keeps polling after activity before it sleeps: the window covers a local
    /// server's answer; against slow servers the policy stops polling. Loop thread only.
    private var busyPoll = BusyPoll(standard: .microseconds(250))

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init() {
        _ = Self.globalInit
        multi = curl_multi_init()
        // Enough cached connections for many servers at once.
        lmg_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 64)
        let thread = Thread { [self] in run() }
        thread.name = "lmg-curl"
        thread.start()
    }

    /// CPU time the loop thread has used (nil before it runs): idle, it must not grow.
    var threadCPUTime: Duration? { loopThread.cpuTime }

    /// Whether the caller runs on the loop thread (then nothing needs waking).
    var inLoop: Bool { loopThread.isCurrent }

    func submit(_ command: Command) {
        commands.withLock { $0.append(command) }
        if !inLoop { curl_multi_wakeup(multi) }
    }

    /// Runs `job` on the loop thread between transfers; wakes the loop only from other threads.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let queued = jobs.withLock { queue in
            if !queue.stopped { queue.waiting.append(job) }
            return !queue.stopped
        }
        guard queued else { return globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
        if !inLoop { curl_multi_wakeup(multi) }
    }

    /// Runs the jobs queued now (not those they queue in turn: transfers must progress between
    /// batches); true when any ran. With `last`, the queue closes once it is empty.
    private func runJobs(last: Bool = false) -> Bool {
        let batch = jobs.withLock { queue in
            if last && queue.waiting.isEmpty { queue.stopped = true }
            var taken: [UnownedJob] = []
            swap(&taken, &queue.waiting)
            return taken
        }
        for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        return !batch.isEmpty
    }

    /// Whether commands or jobs wait, so the loop must not sleep.
    private var hasWork: Bool {
        !commands.withLock { $0.isEmpty } || !jobs.withLock { $0.waiting.isEmpty }
    }

    private func run() {
        var running: Int32 = 0
        let clock = ContinuousClock()
        var lastActivity = clock.now
        loopThread.enter()
        while true {
            if runJobs() { lastActivity = clock.now }
            let batch = commands.withLock { queue in defer { queue.removeAll() }; return queue }
            if !batch.isEmpty { lastActivity = clock.now }
            for command in batch {
                switch command {
                case .add(let transfer): add(transfer)
                case .cancel(let transfer): finish(transfer, error: cancellation(transfer))
                case .shutdown: stopping = true
                }
            }
            if stopping {
                for transfer in Array(active.values) {
                    finish(transfer, error: HTTPClientError(kind: .shutdown, url: transfer.request.url, message: ""))
                }
                // The tasks those failures resumed, and any they wake, still run.
                while runJobs(last: true) {}
                break
            }
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let transfer = active[easy]
                else { continue }
                let code = message.pointee.data.result
                finish(transfer, error: code == CURLE_OK ? nil : error(for: code, transfer: transfer))
            }
            // Tasks resumed by this round's callbacks run now, before the loop polls again.
            if runJobs() { lastActivity = clock.now }
            if hasWork { continue }
            // Right after traffic (a request sent, data received) the answer is usually
            // microseconds away: poll without sleeping for a short while, since being woken
            // costs more than the whole wait. A quiet open stream does not count as traffic.
            var ready: Int32 = 0
            let pollUntil = lastActivity.advanced(by: busyPoll.window)
            var polled = false
            if clock.now < pollUntil && busyPoll.shouldPoll() {
                polled = true
                while ready == 0 && !hasWork && clock.now < pollUntil {
                    curl_multi_poll(multi, nil, 0, 0, &ready)
                }
            }
            if ready == 0 && !hasWork { curl_multi_poll(multi, nil, 0, 1000, &ready) }
            if ready > 0 {
                busyPoll.record(waited: clock.now - lastActivity, polled: polled)
                lastActivity = clock.now
            }
        }
        for easy in spareHandles { curl_easy_cleanup(easy) }
        curl_multi_cleanup(multi)
    }

    private func cancellation(_ transfer: Transfer) -> HTTPClientError {
        HTTPClientError(kind: .cancelled, url: transfer.request.url, message: "")
    }

    private func add(_ transfer: Transfer) {
        if transfer.cancelled.withLock({ $0 }) {
            transfer.complete(cancellation(transfer))
            return
        }
        guard let easy = spareHandles.popLast() ?? curl_easy_init() else {
            transfer.complete(HTTPClientError(kind: .transferFailed, url: transfer.request.url, message: "curl_easy_init failed"))
            return
        }
        if let failure = configure(easy, for: transfer) {
            recycle(easy)
            transfer.complete(failure)
            return
        }
        transfer.easy = easy
        active[easy] = transfer
        // A consumer that stops reading the body (or drops it) aborts the transfer.
        transfer.bodyContinuation.onTermination = { [weak self, weak transfer] reason in
            guard case .cancelled = reason, let self, let transfer else { return }
            self.submit(.cancel(transfer))
        }
        curl_multi_add_handle(multi, easy)
    }

    private func finish(_ transfer: Transfer, error: HTTPClientError?) {
        guard let easy = transfer.easy, active.removeValue(forKey: easy) != nil else { return }
        curl_multi_remove_handle(multi, easy)
        transfer.easy = nil
        if let list = transfer.headerList {
            curl_slist_free_all(list)
            transfer.headerList = nil
        }
        recycle(easy)
        transfer.complete(error)
    }

    private func recycle(_ easy: UnsafeMutableRawPointer) {
        curl_easy_reset(easy)
        if spareHandles.count < 16 { spareHandles.append(easy) } else { curl_easy_cleanup(easy) }
    }

    /// Sets up `easy` for `transfer`; returns an error for a request libcurl refuses.
    private func configure(_ easy: UnsafeMutableRawPointer, for transfer: Transfer) -> HTTPClientError? {
        let request = transfer.request
        let invalid = HTTPClientError(kind: .invalidURL, url: request.url, message: "not a URL libcurl accepts")
        guard lmg_easy_setopt_string(easy, CURLOPT_URL, request.url) == CURLE_OK else { return invalid }
        let scheme = request.url.prefix(8).lowercased()
        guard scheme.hasPrefix("http://") || scheme.hasPrefix("https://") else { return invalid }
        // libcurl's own guard too: no other protocol, whatever a URL or a redirect says.
        lmg_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        lmg_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        lmg_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        lmg_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer)
        lmg_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        lmg_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        lmg_easy_setopt_write_function(easy, CurlCallbacks.write)
        lmg_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, userdata)
        lmg_easy_setopt_header_function(easy, CurlCallbacks.header)
        lmg_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, userdata)

        let method = request.method.uppercased()
        switch method {
        case "GET" where request.body == nil:
            lmg_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "HEAD":
            lmg_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        default:
            if method == "POST" {
                lmg_easy_setopt_long(easy, CURLOPT_POST, 1)
            } else {
                lmg_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)
            }
            if let body = request.body {
                lmg_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                body.withUnsafeBytes { bytes in
                    // COPYPOSTFIELDS copies, so `body` need not outlive this call.
                    let base = bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                    lmg_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                }
            } else if method == "POST" {
                lmg_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0)
                lmg_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
            }
        }

        // No "Expect: 100-continue" round trip for larger bodies.
        var list = curl_slist_append(nil, "Expect:")
        for (name, value) in request.headers {
            list = curl_slist_append(list, "\(name): \(value)")
        }
        transfer.headerList = list
        lmg_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)

        let timeouts = request.timeouts
        if let connect = timeouts.connect { lmg_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connect)) }
        if let total = timeouts.total { lmg_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(total)) }
        if let idle = timeouts.idle {
            lmg_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
            lmg_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, (Self.milliseconds(idle) + 999) / 1000))
        }
        return nil
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// Maps a libcurl result onto the error kinds callers act on.
    private func error(for code: CURLcode, transfer: Transfer) -> HTTPClientError {
        let url = transfer.request.url
        var text = transfer.errorText
        if text.isEmpty { text = String(cString: curl_easy_strerror(code)) }
        let kind: HTTPClientError.Kind
        if let known = Self.kind(for: code) {
            kind = known
        } else if code == CURLE_OPERATION_TIMEDOUT {
            var pretransfer: curl_off_t = 0
            if let easy = transfer.easy { lmg_easy_getinfo_off_t(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) }
            if pretransfer == 0 {
                kind = .timedOut(.connect)
            } else if text.contains("too slow") {
                kind = .timedOut(.idle)
            } else {
                kind = .timedOut(.total)
            }
        } else {
            kind = .transferFailed
        }
        return HTTPClientError(kind: kind, url: url, message: text, curlCode: Int32(bitPattern: code.rawValue))
    }

    /// The kind of a libcurl failure that needs nothing but its code (timeouts need the
    /// transfer's timings); nil for those and for plain transfer failures.
    static func kind(for code: CURLcode) -> HTTPClientError.Kind? {
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .invalidURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .couldNotResolveHost
        case CURLE_COULDNT_CONNECT: return .couldNotConnect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tlsFailure
        default: return nil
        }
    }
}
