import GatewayRuntime

extension ServeSettings {
    /// The store `server.store` names, open: the SQLite file at its path (the state directory's
    /// by default), or one in memory for `"memory"`.
    public func openStore(in environment: RuntimeEnvironment) async throws(ServerStoreError) -> any ServerStore {
        guard let path = storePath(in: environment) else { return MemoryServerStore() }
        return try await SQLiteServerStore.open(path: path)
    }
}
