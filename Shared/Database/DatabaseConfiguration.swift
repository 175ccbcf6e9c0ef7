import Foundation
import NIOSSL
import PostgresNIO

/// Builds a `PostgresClient.Configuration` from a `postgres://user:password@host:port/database` URL.
/// `?sslmode=require` (or `verify-full`) asks for TLS with peer and host verification;
/// `disable` (the default locally) does not.
public enum DatabaseConfiguration {
    public static func client(url: String, maxConnections: Int = 20) throws -> PostgresClient.Configuration {
        guard let c = URLComponents(string: url), c.scheme == "postgres" || c.scheme == "postgresql",
            let user = c.percentEncodedUser?.removingPercentEncoding
        else { throw DatabaseURLError(url: url) }
        let database = String(c.path.dropFirst())
        let sslmode = c.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw DatabaseURLError(url: url)
        }
        var config = PostgresClient.Configuration(
            host: c.host ?? "127.0.0.1", port: c.port ?? 5432, username: user,
            password: c.percentEncodedPassword?.removingPercentEncoding,
            database: database.isEmpty ? user : database, tls: tls)
        config.options.maximumConnections = maxConnections
        config.options.minimumConnections = 0
        return config
    }
}

public struct DatabaseURLError: Error, CustomStringConvertible {
    public var url: String
    public var description: String {
        "invalid database URL (expected postgres://user:password@host:port/database[?sslmode=...])"
    }
}
