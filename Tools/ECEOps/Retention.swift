import ArgumentParser
import Foundation
import PostgresNIO
import Shared

/// What has outlived its retention period (`DureesDeConservation`), purged or anonymised. Without
/// `--execute` a dry run: the very same statements, in the same transactions, rolled back — so
/// the counts are what the real run will change. Each kind is one transaction per service's
/// database (services may live on different servers: no transaction spans two).
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Purges or anonymises what has outlived its retention period (a dry run unless --execute).")

    @Flag(help: "Really change the data (after reading the dry run's counts).") var execute = false
    @Option(help: "The day to count from, aaaa-mm-jj: today (the default) or a day past.") var au: String?
    @Option(help: "Only this kind: \(DureesDeConservation.Genre.allCases.map(\.rawValue).joined(separator: ", ")).")
    var genre: String?

    func validate() throws {
        if let genre, DureesDeConservation.Genre(rawValue: genre) == nil { throw ValidationError("unknown kind \(genre)") }
        if let au {
            guard let day = Self.jour(au) else { throw ValidationError("--au: a day aaaa-mm-jj") }
            // A day to come would purge what is still kept (the audit's own guard refuses it anyway).
            if day > Date() { throw ValidationError("--au: today or a day past, never one to come") }
        }
    }

    static func jour(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)
    }

    func run() async throws {
        let date = au.flatMap(Self.jour) ?? Date()
        let genres = DureesDeConservation.Genre.allCases.filter { genre == nil || $0.rawValue == genre }
        var table: [[String]] = []
        for genre in genres {
            let steps = Purge.toutes.filter { $0.genre == genre }
            for service in Databases.services where steps.contains(where: { $0.service == service }) {
                let counts = try await Self.explained(service) {
                  try await Databases.with(service) { client, schema in
                    try await client.withConnection { connection in
                        try await Self.transaction(connection, commit: execute) {
                            var counts: [Int] = []
                            for step in steps where step.service == service {
                                counts.append(try await step.executer(connection, schema: schema.name, au: date, logger: Databases.logger))
                            }
                            return counts
                        }
                    }
                  }
                }
                for (step, count) in zip(steps.filter { $0.service == service }, counts) {
                    let session = DureesDeConservation.derniereSessionEchue(genre, au: date)
                    table.append([genre.rawValue, "\(genre.annees) year(s)", "≤ \(session)", service, step.table, "\(count)", step.effet])
                }
            }
        }
        Table(["kind", "kept", "sessions", "service", "table", "rows", "effect"], table).print()
        print(execute ? "\nDone: each kind committed per service." : "\nDry run: nothing changed (rerun with --execute).")
    }

    /// The server's own words when a statement fails (PostgresNIO hides them by default): the
    /// operator sees which guard or constraint stopped the kind, rolled back.
    static func explained<T>(_ service: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as PSQLError {
            throw Management.Failure(description: "\(service): \(error.serverInfo?[.message] ?? String(reflecting: error)) (rolled back)")
        }
    }

    /// `body` in a transaction, committed only when `commit`; rolled back on any error.
    static func transaction<T>(_ connection: PostgresConnection, commit: Bool, _ body: () async throws -> T) async throws -> T {
        _ = try await connection.query("BEGIN", logger: Databases.logger)
        do {
            let result = try await body()
            _ = try await connection.query(commit ? "COMMIT" : "ROLLBACK", logger: Databases.logger)
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: Databases.logger)
            throw error
        }
    }
}
