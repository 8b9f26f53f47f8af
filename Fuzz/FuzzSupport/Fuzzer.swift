import Glibc

/// The glue between libFuzzer and a Swift fuzz target: the target's `main.swift` calls
/// ``fuzz(_:)`` with its check, which hands libFuzzer the command line and a C callback.
///
/// Built only with `LMG_FUZZ=1` and `-sanitize=fuzzer,address` (scripts/fuzz.sh): libFuzzer's
/// symbols exist in no other build.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The check the running target installed; one per process.
nonisolated(unsafe) private var check: (UnsafeRawBufferPointer) -> Void = { _ in }
nonisolated(unsafe) private var status: CInt = 0

/// libFuzzer's entry point (its own `main` would look for it too).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    check(UnsafeRawBufferPointer(start: data, count: count))
    return 0
}

/// Runs libFuzzer with `body` as the check of each input and never returns. A check reports a
/// finding by trapping (`precondition`): libFuzzer keeps the input as a crash artifact.
///
/// The fuzzer runs on a thread with a 256 MiB stack: AddressSanitizer's frames are several times
/// larger than a release build's, and Foundation's JSON scanner recursing 512 levels (its own
/// limit, harmless in lmg) would otherwise overflow the main thread's 8 MiB and be reported as a
/// finding in code that is not ours.
public func fuzz(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    check = body
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstacksize(&attributes, 256 << 20)
    var thread = pthread_t()
    let started = pthread_create(&thread, &attributes, { _ in
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        status = LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
        return nil
    }, nil)
    precondition(started == 0, "cannot start the fuzzing thread")
    pthread_join(thread, nil)
    exit(status)
}
