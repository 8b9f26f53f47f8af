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

/// libFuzzer's entry point (its own `main` would look for it too).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    check(UnsafeRawBufferPointer(start: data, count: count))
    return 0
}

/// Runs libFuzzer with `body` as the check of each input and never returns. A check reports a
/// finding by trapping (`precondition`): libFuzzer keeps the input as a crash artifact.
public func fuzz(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    check = body
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
    exit(status)
}

@_silgen_name("exit")
private func exit(_ status: CInt) -> Never
