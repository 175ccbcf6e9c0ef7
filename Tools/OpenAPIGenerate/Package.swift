// swift-tools-version: 6.0
// The OpenAPI generator, built only by scripts/openapi-generate.sh (never by the main package nor CI):
// OpenAPIKit and the generator cost minutes on two cores, and their output is committed.
import PackageDescription

let package = Package(
    name: "OpenAPIGenerate",
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator.git", exact: "1.14.3"),
    ],
    targets: []
)
