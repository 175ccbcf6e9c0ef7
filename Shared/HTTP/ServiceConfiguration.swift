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
/// | `AMQP_URL` | `amqp://<service>:<service>@127.0.0.1:5673/` (each service its own broker user; a cluster: its nodes' URLs, comma-separated) |
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

    /// A platform on one machine for development and tests (`ECE_DEVELOPMENT=1`, set by scripts/services.sh):
    /// the only case where the public address may be plain http.
    public var development: Bool { environment["ECE_DEVELOPMENT"] == "1" }

    /// Refuses to start where a deployment would be unsafe: sessions and activation codes travel in
    /// cookies and links that must never cross the network in clear.
    public func checkDeployment() throws {
        guard let url = URL(string: publicURL), let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false else {
            throw ConfigurationError("PUBLIC_URL \(publicURL.prefix(200).debugDescription) is not an absolute URL")
        }
        guard scheme == "https" || (scheme == "http" && development) else {
            throw ConfigurationError("PUBLIC_URL must be https:// (got \(scheme)://); a local platform on plain http sets ECE_DEVELOPMENT=1")
        }
    }

    public init(service: String, defaultPort: Int, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.service = service
        self.environment = environment
        host = environment["HOST"] ?? "127.0.0.1"
        port = environment["PORT"].flatMap(Int.init) ?? defaultPort
        databaseURL = environment["DATABASE_URL"] ?? "postgres://\(service):\(service)@127.0.0.1:5433/ece"
        schema = environment["DATABASE_SCHEMA"] ?? service
        amqpURL = environment["AMQP_URL"] ?? "amqp://\(service):\(service)@127.0.0.1:5673/"
        amqpCAFile = environment["AMQP_CA_FILE"]
        logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }

    /// A secret given as `NAME` or, the way container secrets are mounted, as a file named by
    /// `NAME_FILE` (a trailing newline dropped). Nil when neither is set or it is empty.
    public func secret(_ name: String) -> String? { Self.secret(name, in: environment) }

    public static func secret(_ name: String, in environment: [String: String]) -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        guard let path = environment[name + "_FILE"], let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let value = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return value.isEmpty ? nil : value
    }

    public func makeLogger() -> Logger {
        var logger = Logger(label: "ece.\(service)")
        logger.logLevel = logLevel
        return logger
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
