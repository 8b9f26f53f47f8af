// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "lmg",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MCPGateway", targets: ["MCPGateway"]),
        .library(name: "CurlHTTP", targets: ["CurlHTTP"]),
        .library(name: "MCPBuiltinServer", targets: ["MCPBuiltinServer"]),
        .library(name: "Orchestrator", targets: ["Orchestrator"]),
        .executable(name: "lmg", targets: ["lmg"]),
    ],
    dependencies: [
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
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
        // The async HTTP + SSE engine over libcurl's multi interface.
        .target(
            name: "CurlHTTP",
            dependencies: ["CCurl", "CSystemShims"]
        ),
        // JSON-RPC 2.0 framing shared by the client and the built-in server.
        .target(
            name: "JSONRPC",
            dependencies: [.product(name: "MCP", package: "swift-sdk")]
        ),
        // Config, transports, MCPClient, MCPManager.
        .target(
            name: "MCPGateway",
            dependencies: [
                "CurlHTTP",
                "CSystemShims",
                "JSONRPC",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `lmg mcp-server`: a small local MCP server over stdio or Streamable HTTP.
        .target(
            name: "MCPBuiltinServer",
            dependencies: [
                "JSONRPC",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The tool-calling loop: model client, schema conversion, events, approvals.
        .target(
            name: "Orchestrator",
            dependencies: [
                "CurlHTTP",
                "MCPGateway",
                .product(name: "MCP", package: "swift-sdk"),
            ]
        ),
        // `lmg chat`: the terminal REPL on libedit over the orchestrator.
        .target(
            name: "ChatREPL",
            dependencies: [
                "CEditLine",
                "CSystemShims",
                "CurlHTTP",
                "MCPGateway",
                "Orchestrator",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The executable only parses arguments and wires the libraries together.
        .executableTarget(
            name: "lmg",
            dependencies: [
                "MCPGateway",
                "MCPBuiltinServer",
                "Orchestrator",
                "ChatREPL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Starts and stops the real peers (Python fixtures, the lmg binary) that tests talk to.
        .target(
            name: "TestSupport",
            dependencies: ["CSystemShims"],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "CurlHTTPTests", dependencies: ["CurlHTTP", "TestSupport"]),
        .testTarget(
            name: "MCPGatewayTests",
            dependencies: ["MCPGateway", "MCPBuiltinServer", "TestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        .testTarget(
            name: "OrchestratorTests",
            dependencies: ["Orchestrator", "MCPGateway", "TestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        .testTarget(name: "ChatREPLTests", dependencies: ["ChatREPL", "Orchestrator"]),
        // Runs the real `lmg` binary (built first, as a dependency) against real peers.
        .testTarget(name: "LMGTests", dependencies: ["TestSupport", "lmg"]),
    ]
)
