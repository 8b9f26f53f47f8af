/// Every way a value reaches text by accident: interpolation, `String(reflecting:)` (debuggers,
/// `#expect` failures), and `dump` (reflection). Returns the ways that showed any of `secrets`.
public func secretLeaks(of value: Any, secrets: [String]) -> [String] {
    var dumped = ""
    dump(value, to: &dumped)
    let renderings = ["interpolation": "\(value)", "reflecting": String(reflecting: value), "dump": dumped]
    return renderings.keys.sorted().filter { way in secrets.contains { renderings[way]!.contains($0) } }
}
