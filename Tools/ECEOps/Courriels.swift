import ArgumentParser
import Foundation
import Shared

/// Mail that did not go: `echec` (refused, or out of attempts) and `envoi` (maybe delivered: the
/// connection broke after the message's end was sent, or the service died then — never resent by
/// itself, see Shared/Mail/Courriels.swift). An operator checks the relay's log, then requeues.
struct CourrielsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "courriels", abstract: "Failed and uncertain mail of a service; one requeued.",
        subcommands: [List.self, Requeue.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mail in echec (failed) or envoi (uncertain), oldest first.")
        @Option(help: "The service (its schema).") var service = "missions"

        func run() async throws {
            let rows = try await Databases.with(service) { client, schema in
                try await client.query("""
                    SELECT id, statut, destinataire, attempts, cree_le, coalesce(last_error, '') FROM \(unescaped: schema.name).courriels
                    WHERE statut IN ('echec', 'envoi') ORDER BY cree_le
                    """, logger: Databases.logger).collect()
            }
            var table: [[String]] = []
            for row in rows {
                let (id, statut, to, attempts, created, error) = try row.decode((UUID, String, String, Int, Date, String).self)
                table.append([id.uuidString.lowercased(), statut == "envoi" ? "incertain" : statut, to, "\(attempts)",
                              ISO8601DateFormatter().string(from: created), String(error.prefix(120))])
            }
            Table(["id", "state", "to", "attempts", "created", "last error"], table).print()
        }
    }

    struct Requeue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Puts one failed or uncertain mail back in line, attempts from zero (an uncertain one may then arrive twice).")
        @Option(help: "The service (its schema).") var service = "missions"
        @Argument(help: "The mail's id (ece-ops courriels list).") var id: String

        func validate() throws {
            guard UUID(uuidString: id) != nil else { throw ValidationError("a mail id (UUID)") }
        }

        func run() async throws {
            let id = UUID(uuidString: id)!
            let rows = try await Databases.with(service) { client, schema in
                try await client.query("""
                    UPDATE \(unescaped: schema.name).courriels SET statut = 'en_attente', attempts = 0, next_attempt_at = now()
                    WHERE id = \(id) AND statut IN ('echec', 'envoi') RETURNING destinataire
                    """, logger: Databases.logger).collect()
            }
            guard let to = try rows.first?.decode(String.self) else {
                print("\(id): no failed or uncertain mail with this id")
                throw ExitCode(1)
            }
            print("\(id): requeued for \(to)")
        }
    }
}
