// swift-tools-version:6.1
import Foundation
import PackageDescription

let package = Package(
    name: "lmg",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MCPGateway", targets: ["MCPGateway"]),
        .library(name: "CurlHTTP", targets: ["CurlHTTP"]),
        .library(name: "ModelClient", targets: ["ModelClient"]),
        .library(name: "MCPBuiltinServer", targets: ["MCPBuiltinServer"]),
        .library(name: "Orchestrator", targets: ["Orchestrator"]),
        .library(name: "GatewayRuntime", targets: ["GatewayRuntime"]),
        .library(name: "GatewayServer", targets: ["GatewayServer"]),
        .library(name: "LMGTesting", targets: ["LMGTesting"]),
        .executable(name: "lmg", targets: ["lmg"]),
        .executable(name: "lmg-bench", targets: ["lmg-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        // The gateway's store of servers added over HTTP: SQLite, vendored, over the NIO it already has.
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        // Replicas share their servers in PostgreSQL (LISTEN/NOTIFY); NIO and its TLS are built already.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // SHA-256 for PKCE (sign-in); already built for Hummingbird's certificates, so it costs CI nothing.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        // Prompt templates: dotprompt's YAML front matter and its Mustache body.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Spans on every hop (built already for Hummingbird), exported over OTLP/HTTP only: no gRPC.
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.0"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        // MCP over WebSocket: swift-websocket's client, on the NIO and NIOSSL postgres-nio builds already.
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
    ],
    targets: [
        // System-library shims: the C APIs the design names, found by pkg-config.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]
        ),
        // GNU libc calls Swift's Glibc module does not import (spawn with cwd, pipe2).
        .target(name: "CSystemShims"),
        // A lock the thread sanitizer can see: Synchronization's Mutex, annotated under -sanitize=thread.
        .target(name: "Locking"),
        // The I/O loops' shared parts: the epoll loop for stdio servers, the deadline timer,
        // busy polling, loop-thread identity.
        .target(name: "EventLoops", dependencies: ["CSystemShims", "Locking"]),
        // The async HTTP + SSE engine over libcurl's multi interface.
        .target(
            name: "CurlHTTP",
            dependencies: ["CCurl", "CSystemShims", "EventLoops", "Locking", .product(name: "Tracing", package: "swift-distributed-tracing")]
        ),
        // JSON-RPC 2.0 framing shared by the client and the built-in server.
        .target(
            name: "JSONRPC",
            dependencies: [.product(name: "MCP", package: "swift-sdk")]
        ),
        // MCP only: server config, transports, MCPClient, MCPManager, OAuth2 and sign-in.
        .target(
            name: "MCPGateway",
            dependencies: [
                "Locking",
                "CurlHTTP",
                "CSystemShims",
                "EventLoops",
                "JSONRPC",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "WSClient", package: "swift-websocket"),
            ]
        ),
        // `lmg mcp-server`: a small local MCP server over stdio or Streamable HTTP.
        .target(
            name: "MCPBuiltinServer",
            dependencies: [
                "Locking",
                "JSONRPC",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // OpenAI-compatible Chat Completions, streamed or plain; knows nothing of MCP.
        .target(name: "ModelClient", dependencies: ["CurlHTTP", .product(name: "Tracing", package: "swift-distributed-tracing")]),
        // The tool-calling loop over a model and the manager: schema conversion, events, approvals.
        .target(
            name: "Orchestrator",
            dependencies: [
                "MCPGateway",
                "ModelClient",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The composition root every front end shares: the whole-app config and its reader,
        // the environment, failure categories, process policy; builds manager, model, loop.
        .target(
            name: "GatewayRuntime",
            dependencies: [
                "Locking",
                "EventLoops",
                "MCPGateway",
                "ModelClient",
                "Orchestrator",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // Prompt templates (`Prompts/*.prompt`, dotprompt and Prompty): load, check, render to messages.
        .target(
            name: "PromptTemplates",
            dependencies: [
                "MCPGateway",
                "ModelClient",
                "Orchestrator",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // `lmg prompt test`: test files, argument and answer matchers, cassettes, the runner, reports.
        .target(
            name: "PromptTesting",
            dependencies: [
                "Locking",
                "MCPGateway",
                "ModelClient",
                "Orchestrator",
                "PromptTemplates",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // `lmg chat`: the terminal REPL on libedit over the runtime.
        .target(
            name: "ChatREPL",
            dependencies: [
                "Locking",
                "CEditLine",
                "CSystemShims",
                "CurlHTTP",
                "GatewayRuntime",
                "MCPGateway",
                "ModelClient",
                "Orchestrator",
                "PromptTemplates",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `lmg serve`: the REST API over the runtime's manager; a framework-free core
        // (GatewayAPI) and a thin Hummingbird adapter.
        .target(
            name: "GatewayServer",
            dependencies: [
                "Locking",
                "CurlHTTP",
                "GatewayRuntime",
                "JSONRPC",
                "MCPGateway",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // Stand-ins for apps' and lmg's own tests: a scripted model, an in-process tool router.
        .target(
            name: "LMGTesting",
            dependencies: [
                "Locking",
                "MCPGateway",
                "ModelClient",
                "Orchestrator",
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
        // What lmg and lmg-bench share on the command line: options, output, exit statuses.
        .target(
            name: "LMGCommandLine",
            dependencies: [
                "GatewayRuntime",
                "MCPGateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The executable only parses arguments and hands them to the runtime.
        .executableTarget(
            name: "lmg",
            dependencies: [
                "GatewayRuntime",
                "GatewayServer",
                "LMGCommandLine",
                "MCPGateway",
                "MCPBuiltinServer",
                "ModelClient",
                "Orchestrator",
                "ChatREPL",
                "PromptTemplates",
                "PromptTesting",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks, kept out of the product: a tool's calls/s, the loop's and the manager's overhead.
        .executableTarget(
            name: "lmg-bench",
            dependencies: [
                "Locking",
                "GatewayRuntime",
                "LMGCommandLine",
                "LMGTesting",
                "MCPGateway",
                "ModelClient",
                "Orchestrator",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Starts and stops the real peers (Python fixtures, the lmg binary) that tests talk to.
        .target(
            name: "TestSupport",
            dependencies: ["CSystemShims", "CurlHTTP", "ModelClient"],
            path: "Tests/TestSupport"
        ),
        // One test target per library target. The pure tier (no Python peer, no process):
        // EventLoopsTests, JSONRPCTests, LMGTestingTests, and the suites tagged .pure (README).
        .testTarget(name: "EventLoopsTests", dependencies: ["EventLoops", "Locking"]),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", .product(name: "MCP", package: "swift-sdk")]),
        .testTarget(
            name: "MCPGatewayTests",
            dependencies: ["MCPGateway", "MCPBuiltinServer", "CurlHTTP", "Locking", "TestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        .testTarget(
            name: "MCPBuiltinServerTests",
            dependencies: ["MCPBuiltinServer", "MCPGateway", "CurlHTTP", "JSONRPC", "TestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        .testTarget(name: "ModelClientTests", dependencies: ["ModelClient", "CurlHTTP", "TestSupport"]),
        .testTarget(
            name: "OrchestratorTests",
            dependencies: ["Orchestrator", "ModelClient", "MCPGateway", "CurlHTTP", "LMGTesting", "Locking", "TestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        .testTarget(
            name: "GatewayRuntimeTests",
            dependencies: ["GatewayRuntime", "MCPGateway", "ModelClient", "Orchestrator", "LMGTesting", "TestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        .testTarget(name: "ChatREPLTests", dependencies: ["ChatREPL", "Orchestrator", "MCPGateway", "ModelClient"]),
        .testTarget(
            name: "PromptTemplatesTests",
            dependencies: ["PromptTemplates", "PromptTesting", "ModelClient", "Orchestrator", "LMGTesting", "Locking", .product(name: "MCP", package: "swift-sdk")]
        ),
        .testTarget(
            name: "GatewayServerTests",
            dependencies: [
                "GatewayServer", "GatewayRuntime", "MCPGateway", "CurlHTTP", "Locking", "TestSupport", "LMGTesting", "ModelClient", "Orchestrator",
                .product(name: "MCP", package: "swift-sdk"), .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ]
        ),
        .testTarget(
            name: "LMGTestingTests",
            dependencies: ["LMGTesting", "ModelClient", "Orchestrator", "MCPGateway", .product(name: "MCP", package: "swift-sdk")]
        ),
        // Runs the real `lmg` and `lmg-bench` binaries (built first, as dependencies) against real peers.
        .testTarget(name: "LMGTests", dependencies: ["TestSupport", "lmg", "lmg-bench"]),
    ]
)

// libFuzzer targets (Fuzz/), only for scripts/fuzz.sh: they link against libFuzzer, which exists
// only in a `-sanitize=fuzzer` build, so an ordinary build leaves them out.
if ProcessInfo.processInfo.environment["LMG_FUZZ"] == "1" {
    let fuzzed: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzSSE", ["CurlHTTP"]),
        ("FuzzJSONValue", ["JSONRPC", .product(name: "MCP", package: "swift-sdk")]),
        ("FuzzJSONRPC", ["JSONRPC"]),
        ("FuzzConfig", ["GatewayRuntime"]),
        ("FuzzTemplate", ["PromptTemplates"]),
        ("FuzzModelStream", ["ModelClient"]),
        ("FuzzGatewayRequest", ["GatewayServer", "GatewayRuntime", "MCPGateway", "ModelClient", "LMGTesting"]),
    ]
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for target in fuzzed {
        package.targets.append(.executableTarget(name: target.name, dependencies: ["FuzzSupport"] + target.dependencies, path: "Fuzz/\(target.name)"))
    }
}
