/// Runs `body` with `peer`, then `stop`s it whether `body` returned or threw: every test that
/// starts a server (a process, a manager, a client) must stop what it started.
public func withPeer<Peer, Result>(
    _ peer: Peer, stop: (Peer) async -> Void, _ body: (Peer) async throws -> Result
) async throws -> Result {
    let result: Result
    do {
        result = try await body(peer)
    } catch {
        await stop(peer)
        throw error
    }
    await stop(peer)
    return result
}
