// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "fanout",
    platforms: [.macOS(.v15)],  // Synchronization.Mutex
    products: [
        .executable(name: "fanout", targets: ["fanout"]),
        .library(name: "FanoutKit", targets: ["FanoutKit"]),
    ],
    dependencies: [
        // Child processes (the handler command, credential_process) with non-blocking pipes and exit monitoring
        // off the cooperative pool. What it cost when it came in (2 shared cores): a clean debug build +45 s wall,
        // +20 s CPU (it brings swift-system); the stripped release binary +0.8 MB; no new shared libraries; no
        // measurable change in start-up.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // One system-library target per C library; each is imported by exactly one Swift type.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .systemLibrary(name: "CJQ", path: "Sources/CJQ"),
        .target(name: "FanoutKit", dependencies: [
            "CCurl", "COpenSSL", "CJQ", .product(name: "Subprocess", package: "swift-subprocess"),
        ]),
        .target(name: "FanoutCLI", dependencies: ["FanoutKit"]),
        .executableTarget(name: "fanout", dependencies: ["FanoutCLI"]),
        .testTarget(name: "FanoutKitTests", dependencies: ["FanoutKit"], exclude: ["Fixtures"]),
        .testTarget(name: "FanoutCLITests", dependencies: ["FanoutCLI", "FanoutKit"]),
    ]
)
