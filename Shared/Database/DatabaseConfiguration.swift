import Foundation
import NIOSSL
import PostgresNIO

/// Builds a `PostgresClient.Configuration` from a `postgres://user:password@host:port/database` URL.
/// `?sslmode=require` (or `verify-full`) asks for TLS with peer and host verification;
/// `disable` (the default locally) does not.
public enum DatabaseConfiguration {
    public static func client(url: String, maxConnections: Int = 20) throws -> PostgresClient.Configuration {
        let p = try Parts(url)
        let tls: PostgresClient.Configuration.TLS
        switch p.sslmode {
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: tls = .disable
        }
        var config = PostgresClient.Configuration(host: p.host, port: p.port, username: p.user, password: p.password,
                                                  database: p.database, tls: tls)
        config.options.maximumConnections = maxConnections
        config.options.minimumConnections = 0
        // No keep-alive: a connection idle 60 s is closed anyway (the pool's idle timeout), so the
        // keep-alive pinged it once at 30 s. Each release of a connection scheduled its timer and
        // each lease cancelled it, and the pool's cancelled timer (a `Task.sleep`) holds its memory
        // until the deadline: at a distribution's rate, megabytes of Correction's peak (BENCHMARKS.md).
        config.options.keepAliveBehavior = nil
        // Idle connections close after 10 s, not 60: each release of a connection still schedules
        // its idle timer, each lease cancels it, and the cancelled timer holds its memory until its
        // deadline — at a full-scale distribution's rate, most of Correction's heap (BENCHMARKS.md).
        config.options.connectionIdleTimeout = .seconds(10)
        return config
    }

    /// The same database for a single connection outside the pool (the outage probe's).
    public static func connection(url: String) throws -> PostgresConnection.Configuration {
        let p = try Parts(url)
        let tls: PostgresConnection.Configuration.TLS
        switch p.sslmode {
        case "prefer": tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case "require", "verify-ca", "verify-full": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default: tls = .disable
        }
        return PostgresConnection.Configuration(host: p.host, port: p.port, username: p.user, password: p.password,
                                                database: p.database, tls: tls)
    }

    private struct Parts {
        var host: String, port: Int, user: String, password: String?, database: String, sslmode: String

        init(_ url: String) throws {
            guard let c = URLComponents(string: url), c.scheme == "postgres" || c.scheme == "postgresql",
                let user = c.percentEncodedUser?.removingPercentEncoding
            else { throw DatabaseURLError(url: url) }
            let database = String(c.path.dropFirst())
            sslmode = c.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
            guard ["disable", "prefer", "require", "verify-ca", "verify-full"].contains(sslmode) else { throw DatabaseURLError(url: url) }
            (host, port, self.user) = (c.host ?? "127.0.0.1", c.port ?? 5432, user)
            password = c.percentEncodedPassword?.removingPercentEncoding
            self.database = database.isEmpty ? user : database
        }
    }
}

public struct DatabaseURLError: Error, CustomStringConvertible {
    public var url: String
    public var description: String {
        "invalid database URL (expected postgres://user:password@host:port/database[?sslmode=...])"
    }
}
