import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Inscriptions
@testable import Missions
@testable import Referentiel

/// Every service starts from its one `buildApplication`, migrates its schema and reports its health.
@Suite(.serialized) struct HealthTests {
    typealias Builder = @Sendable (ServiceConfiguration) async throws -> any ApplicationProtocol

    static let services: [(name: String, port: Int, build: Builder)] = [
        ("inscriptions", 8081, { try await Inscriptions.buildApplication($0) }),
        ("missions", 8082, { try await Missions.buildApplication($0) }),
        ("referentiel", 8083, { try await Referentiel.buildApplication($0) }),
        ("correction", 8084, { try await Correction.buildApplication($0) }),
        ("gateway", 8080, { try await Gateway.buildApplication($0) }),
    ]

    /// The operators' bearer for `/metrics` in the tests.
    static let metricsToken = "test-metrics-token"

    static func configuration(_ name: String, _ port: Int, _ overrides: [String: String] = [:]) -> ServiceConfiguration {
        ServiceConfiguration(service: name, defaultPort: port,
                             environment: ["PORT": "0", "LOG_LEVEL": "warning", "BCRYPT_COST": "4", "METRICS_TOKEN": metricsToken,
                                                          "ECE_DEVELOPMENT": "1"]
                                .merging(TestKeys.environment) { $1 }.merging(LocalInfrastructure.serviceURLs(name)) { $1 }
                                .merging(overrides) { $1 })
    }

    @Test(arguments: services.map(\.name))
    func healthyWithDatabaseAndBroker(service: String) async throws {
        let entry = try #require(Self.services.first { $0.name == service })
        let app = try await entry.build(Self.configuration(entry.name, entry.port))
        try await app.test(.live) { client in
            // The publisher connects on its own thread: give it a moment.
            var status: HTTPResponse.Status = .serviceUnavailable
            for _ in 0..<100 where status != .ok {
                status = try await client.execute(uri: "/health", method: .get) { $0.status }
                if status != .ok { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(status == .ok)
            try await client.execute(uri: "/health", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("\"database\":\"up\"") && body.contains("\"broker\":\"up\""), "\(body)")
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(Self.metricsToken)"]) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                // The backlog gauge is there with a number (the shared schema may hold pending rows).
                func value(_ prefix: String) -> Double? {
                    body.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
                }
                #expect(value("ece_outbox_pending{service=\"\(service)\"} ") != nil, "\(body)")
                #expect(value("ece_outbox_oldest_pending_seconds{service=\"\(service)\"} ") != nil, "\(body)")
                #expect(value("ece_inbox_events{service=\"\(service)\"} ") != nil, "\(body)")
                // Every consumer's dead-letter queue has its depth (Référentiel consumes nothing).
                if service != "referentiel" {
                    #expect(value("ece_dlq_messages{service=\"\(service)\",queue=\"\(service).") != nil, "\(body)")
                }
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.correlationId] != nil)
            }
        }
    }

    @Test func unhealthyWhenTheBrokerIsUnreachable() async throws {
        let app = try await Missions.buildApplication(
            Self.configuration("missions", 8082, ["AMQP_URL": "amqp://guest:guest@127.0.0.1:1/"]))
        try await app.test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = String(buffer: response.body)
                #expect(body.contains("\"broker\":\"down\"") && body.contains("\"database\":\"up\""), "\(body)")
            }
        }
    }

    @Test func correlationIdIsEchoed() async throws {
        let app = try await Referentiel.buildApplication(Self.configuration("referentiel", 8083))
        try await app.test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get,
                                     headers: [.correlationId: "abc-123", .authorization: "Bearer \(Self.metricsToken)"]) { response in
                #expect(response.headers[.correlationId] == "abc-123")
            }
        }
    }

    /// A deployment never serves sessions over plain http by mistake: without ECE_DEVELOPMENT,
    /// every service refuses to start on an http PUBLIC_URL (issue 18, item 5).
    /// The same refusal from the service's own executable: one line saying why, exit status 1 for
    /// the supervisor; not the crash report of an error left to the top level (a trap).
    @Test(arguments: ["Gateway", "Inscriptions", "Missions", "Referentiel", "Correction"])
    func anExecutableRefusingItsConfigurationSaysWhyAndExits1(executable: String) async throws {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(executable)
        let path = FileManager.default.isExecutableFile(atPath: beside.path) ? beside.path
            : LocalInfrastructure.repositoryRoot.appendingPathComponent(".build/debug/\(executable)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["ECE_DEVELOPMENT": "0", "PUBLIC_URL": "http://ece.example.fr", "PORT": "1"]) { $1 }
        let pipe = Pipe()
        (process.standardOutput, process.standardError) = (pipe, pipe)
        try process.run()
        let output = String(decoding: await Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }.value, as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(process.terminationStatus): \(output)")
        #expect(output.contains("PUBLIC_URL must be https://") && !output.contains("Fatal error"), "\(output)")
    }

    @Test(arguments: services.map(\.name))
    func refusesToStartOnAPlainHTTPPublicURL(service: String) async throws {
        let entry = try #require(Self.services.first { $0.name == service })
        await #expect(throws: ConfigurationError.self) {
            _ = try await entry.build(Self.configuration(entry.name, entry.port,
                                                         ["ECE_DEVELOPMENT": "0", "PUBLIC_URL": "http://ece.example.fr"]))
        }
    }
}
