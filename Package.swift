// swift-tools-version: 6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Crier",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Crier", targets: ["Crier"]),
        .executable(name: "crier", targets: ["crier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries: each is imported by exactly one Swift module.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CCmarkGFM",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The only importer of CLibXML2: writer, parser, RELAX NG, HTML rewriting.
        .target(name: "CrierXML", dependencies: ["CLibXML2"], swiftSettings: strictSettings),
        // The only importer of CCmarkGFM.
        .target(name: "CrierMarkdown", dependencies: ["CCmarkGFM"], swiftSettings: strictSettings),
        // HTTP as a client, through libcurl (the only importer of CCurl): fetching a feed by
        // URL for validation, and notifying WebSub hubs.
        .target(name: "CrierHTTP", dependencies: ["CCurl"], swiftSettings: strictSettings),
        // Feed validation: format detection, rules, diagnostics.
        .target(name: "CrierValidation", dependencies: ["CrierXML"], swiftSettings: strictSettings),
        // The library: model, loading, writing, building, publishing.
        .target(
            name: "Crier",
            dependencies: [
                "CrierXML", "CrierMarkdown", "CrierValidation", "CrierHTTP",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The HTTP side: serves a published folder (Hummingbird), kept out of the library.
        .target(
            name: "CrierServer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Command-line commands, a library so tests can run them in-process.
        .target(
            name: "CrierCLI",
            dependencies: [
                "Crier", "CrierValidation", "CrierHTTP", "CrierServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "crier", dependencies: ["CrierCLI"], swiftSettings: strictSettings),

        .testTarget(name: "CrierXMLTests", dependencies: ["CrierXML"], swiftSettings: strictSettings),
        .testTarget(name: "CrierValidationTests", dependencies: ["CrierValidation"], resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "CrierTests",
            dependencies: ["Crier", "CrierXML", "CrierMarkdown", "CrierValidation"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CrierServerTests",
            dependencies: ["CrierServer", .product(name: "CompressNIO", package: "compress-nio")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "CrierCLITests", dependencies: ["CrierCLI", "Crier", "CrierValidation"], swiftSettings: strictSettings),
    ]
)
