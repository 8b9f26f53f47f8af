import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A value behind a lock: `Synchronization.Mutex`, told to ThreadSanitizer.
///
/// On Linux `Mutex` is a futex the sanitizer cannot see, so every access it guards is reported as a
/// race (`scripts/sanitize.sh thread` found them in `IOEventLoop` and `InFlightRequests`). `Locked`
/// is the same lock, and in a process built with `-sanitize=thread` it also tells the sanitizer
/// that the lock was taken and released; in any other process that is one predictable branch.
/// The API is `Mutex`'s, so a `withLock` reads the same at every call site.
public struct Locked<Value: ~Copyable>: ~Copyable, @unchecked Sendable {
    @usableFromInline let mutex: Mutex<Value>

    /// A lock around `initialValue`.
    @inlinable
    public init(_ initialValue: consuming sending Value) {
        mutex = Mutex(initialValue)
    }

    /// Runs `body` with the value while holding the lock; as `Mutex.withLock`.
    @inlinable
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        guard let hooks = ThreadSanitizerHooks.current else { return try mutex.withLock(body) }
        // The mutex's own storage: one address per lock, the same for every thread.
        let address = withUnsafePointer(to: mutex) { UnsafeRawPointer($0) }
        return try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            hooks.acquire(address)
            defer { hooks.release(address) }
            return try body(&value)
        }
    }
}

/// ThreadSanitizer's annotations, found in the process when it was built with the sanitizer.
@usableFromInline
struct ThreadSanitizerHooks: Sendable {
    @usableFromInline typealias Hook = @convention(c) (UnsafeRawPointer?) -> Void
    @usableFromInline let acquire: Hook
    @usableFromInline let release: Hook

    /// Nil unless the sanitizer's runtime is loaded.
    @usableFromInline static let current: ThreadSanitizerHooks? = {
        guard let acquire = dlsym(nil, "__tsan_acquire"), let release = dlsym(nil, "__tsan_release") else { return nil }
        return ThreadSanitizerHooks(acquire: unsafeBitCast(acquire, to: Hook.self), release: unsafeBitCast(release, to: Hook.self))
    }()
}
