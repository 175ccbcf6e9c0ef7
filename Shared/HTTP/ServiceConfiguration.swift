import Foundation
import Logging

/// How a service is configured: environment variables with documented defaults (README, "Configuration").
///
/// | variable | default |
/// |---|---|
/// | `HOST` | `127.0.0.1` |
/// | `PORT` | the service's port (gateway 8080, inscriptions 8081, missions 8082, referentiel 8083, correction 8084) |
/// | `DATABASE_URL` | `postgres://<service>:<service>@127.0.0.1:5433/ece` |
/// | `DATABASE_SCHEMA` | the service's name |
/// | `AMQP_URL` | `amqp://guest:guest@127.0.0.1:5673/` |
/// | `AMQP_CA_FILE` | system CA bundle (for `amqps://`) |
/// | `LOG_LEVEL` | `info` |
public struct ServiceConfiguration: Sendable {
    public var service: String
    public var host: String
    public var port: Int
    public var databaseURL: String
    public var schema: String
    public var amqpURL: String
    public var amqpCAFile: String?
    public var logLevel: Logger.Level
    /// Every other variable, for service-specific settings.
    public var environment: [String: String]

    /// How many times the supervisor (`scripts/services.sh supervise`) restarted this service after it
    /// died (`ECE_RESTARTS`): exported on `/metrics`, so a crash shows even once the service is back.
    public var restarts: Int { environment["ECE_RESTARTS"].flatMap(Int.init) ?? 0 }

    /// The gateway's public address (links in documents, cookie security).
    public var publicURL: String { environment["PUBLIC_URL"] ?? "http://127.0.0.1:8080" }

    public init(service: String, defaultPort: Int, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.service = service
        self.environment = environment
        host = environment["HOST"] ?? "127.0.0.1"
        port = environment["PORT"].flatMap(Int.init) ?? defaultPort
        databaseURL = environment["DATABASE_URL"] ?? "postgres://\(service):\(service)@127.0.0.1:5433/ece"
        schema = environment["DATABASE_SCHEMA"] ?? service
        amqpURL = environment["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5673/"
        amqpCAFile = environment["AMQP_CA_FILE"]
        logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }

    public func makeLogger() -> Logger {
        var logger = Logger(label: "ece.\(service)")
        logger.logLevel = logLevel
        return logger
    }
}
