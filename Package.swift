// swift-tools-version: 6.0
import PackageDescription

let serviceDeps: [Target.Dependency] = [
    "Shared",
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "PostgresNIO", package: "postgres-nio"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "Logging", package: "swift-log"),
]

/// A service on generated handlers: its own types and APIProtocol in API/Generated (its tag's operations
/// only), served through Hummingbird's OpenAPI transport (Shared/HTTP/GeneratedHandlers.swift).
let generatedServerDeps: [Target.Dependency] = serviceDeps + [
    .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
    .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
]

let package = Package(
    name: "ece",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "Inscriptions", targets: ["Inscriptions"]),
        .executable(name: "Missions", targets: ["Missions"]),
        .executable(name: "Referentiel", targets: ["Referentiel"]),
        .executable(name: "Correction", targets: ["Correction"]),
        .executable(name: "Gateway", targets: ["Gateway"]),
        .executable(name: "ece-bench", targets: ["ECEBench"]),
        .executable(name: "ece-probe", targets: ["ECEProbe"]),
        .executable(name: "ece-ops", targets: ["ECEOps"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // The generated API code's runtime; the generator itself is Tools/OpenAPIGenerate's (scripts/openapi-generate.sh).
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        // The generated client's transport (ece-bench, the tests).
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        // The services' generated handlers on Hummingbird's router.
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        // Already resolved through postgres-nio and hummingbird: named for Shared's SMTP client.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
    ],
    targets: [
        // rabbitmq-c 0.11: the only C the platform touches, wrapped once in Shared.
        .systemLibrary(
            name: "CRabbitMQ",
            path: "Shared/CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .target(
            name: "Shared",
            dependencies: [
                "CRabbitMQ", "CHaru", "CQREncode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
            ],
            path: "Shared",
            exclude: ["CRabbitMQ", "CHaru", "CQREncode", "CZip", "Contracts/asyncapi.yaml"]
        ),
        // Generated from Services/Gateway/API/openapi.yaml by scripts/openapi-generate.sh (committed, never
        // edited): the API's types once, and its typed client. Each service's server stubs (its tag's
        // operations) are in Services/<Name>/API/Generated.
        .target(
            name: "ECEAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "OpenAPI/ECEAPI",
            // The generator's imports in its empty files (one per namespace) warn on this compiler.
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])]
        ),
        .target(
            name: "ECEAPIClient",
            dependencies: ["ECEAPI", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "OpenAPI/ECEAPIClient",
            // The generator's imports in its empty files (one per namespace) warn on this compiler.
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])]
        ),
        .executableTarget(name: "Inscriptions", dependencies: generatedServerDeps, path: "Services/Inscriptions", exclude: ["README.md"]),
        .executableTarget(name: "Missions", dependencies: generatedServerDeps, path: "Services/Missions", exclude: ["README.md"]),
        .executableTarget(name: "Referentiel", dependencies: generatedServerDeps, path: "Services/Referentiel", exclude: ["README.md"]),
        // PDF (libharu) with QR codes (libqrencode) in Shared: the evaluation sheets and the convocations;
        // the per-centre zip of sheets (libzip) in Correction.
        .systemLibrary(name: "CHaru", path: "Shared/CHaru"),
        .systemLibrary(name: "CQREncode", path: "Shared/CQREncode", pkgConfig: "libqrencode"),
        .systemLibrary(name: "CZip", path: "Shared/CZip", pkgConfig: "libzip"),
        .executableTarget(name: "Correction", dependencies: generatedServerDeps + ["CZip"], path: "Services/Correction", exclude: ["README.md"]),
        .executableTarget(
            name: "Gateway",
            dependencies: generatedServerDeps + [
                "ECEAPI",
                // The pages read the services through the generated client (ServiceTransport).
                "ECEAPIClient",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Services/Gateway",
            exclude: ["README.md"],
            // The pages' templates and assets, read at start-up (WebFiles); the API's document, served at /openapi.yaml.
            resources: [.copy("Web/Templates"), .copy("Web/Public"), .copy("API/openapi.yaml")]
        ),
        // Fixtures shared by the fault tests, the probe they kill and the bus benchmark.
        .target(
            name: "TestSupport",
            dependencies: serviceDeps + [.product(name: "JWTKit", package: "jwt-kit")],
            path: "Tools/TestSupport"
        ),
        .executableTarget(
            name: "ECEBench",
            dependencies: serviceDeps + [
                "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                // Every command's calls to the gateway go through the generated client (Tools/ECEBench/API.swift).
                "ECEAPI", "ECEAPIClient", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tools/ECEBench"
        ),
        .executableTarget(
            name: "ECEOps",
            dependencies: serviceDeps + [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Tools/ECEOps"
        ),
        .executableTarget(
            name: "ECEProbe",
            dependencies: serviceDeps + ["TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/ECEProbe"
        ),
        .testTarget(
            name: "SharedTests",
            dependencies: serviceDeps + ["TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/SharedTests"
        ),
        .testTarget(
            name: "ServiceTests",
            dependencies: serviceDeps + [
                "TestSupport", "Inscriptions", "Missions", "Referentiel", "Correction", "Gateway",
                "ECEAPI", "ECEAPIClient", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/ServiceTests"
        ),
    ]
)
