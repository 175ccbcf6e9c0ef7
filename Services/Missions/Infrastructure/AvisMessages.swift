import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Shared

/// Turns the new-message notices waiting in `avis_messages` into mail: one mail per person for all
/// that waited, once the oldest has waited `periode` — so a person gets at most one per period,
/// never one per message. Several instances side by side: a person's notices are claimed with
/// `FOR UPDATE SKIP LOCKED`, mailed and marked in one transaction.
final class AvisMessages: Service, Sendable {
    private let client: PostgresClient
    private let schema: SQLIdentifier
    private let publicURL: String
    private let periode: Duration
    private let logger: Logger
    private let ready: StartupGate?

    init(client: PostgresClient, schema: SQLIdentifier, publicURL: String, periode: Duration, logger: Logger, ready: StartupGate? = nil) {
        (self.client, self.schema, self.publicURL, self.periode, self.logger, self.ready) = (client, schema, publicURL, periode, logger, ready)
    }

    /// From the environment: `AVIS_MESSAGES_SECONDS` (default 900, a quarter of an hour).
    convenience init(runtime: ServiceRuntime) {
        let seconds = runtime.configuration.environment["AVIS_MESSAGES_SECONDS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 900
        self.init(client: runtime.postgres, schema: runtime.schema, publicURL: runtime.configuration.publicURL,
                  periode: .seconds(seconds), logger: runtime.logger, ready: runtime.ready)
    }

    func run() async throws {
        try await ready?.wait()
        // Looked at a few times per period, at most every 5 s: a notice is mailed soon after it is due.
        let pause = min(Duration.seconds(5), max(Duration.milliseconds(200), periode / 4))
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while try await self.envoyerUn() {}
                } catch {
                    self.logger.warning("new-message notices: pass failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: pause)
            }
        }
    }

    /// Mails one person's waiting notices, if some are due; false when none is.
    @discardableResult
    func envoyerUn() async throws -> Bool {
        let s = schema.name
        let secondes = Double(periode.components.seconds) + Double(periode.components.attoseconds) / 1e18
        return try await client.withTransaction(logger: logger) { connection in
            let due = try await connection.query("""
                SELECT intervenant_id FROM \(unescaped: s).avis_messages
                WHERE envoi_id IS NULL AND recu_le <= now() - \(secondes) * interval '1 second'
                ORDER BY recu_le LIMIT 1 FOR UPDATE SKIP LOCKED
                """, logger: logger).collect()
            guard let personne = try due.first?.decode(UUID.self) else { return false }
            // All their notices (waiting for another instance that took some: those it mailed are
            // marked when it commits, and drop out here).
            let rows = try await connection.query("""
                SELECT id, epreuve, centre, titre, auteur, role, recu_le <= now() - \(secondes) * interval '1 second'
                FROM \(unescaped: s).avis_messages WHERE intervenant_id = \(personne) AND envoi_id IS NULL ORDER BY id FOR UPDATE
                """, logger: logger).collect()
            let avis = try rows.map { try $0.decode((Int, String, String, String, String, String, Bool).self) }
            guard avis.contains(where: \.6) else { return false }
            let envoi = UUID()
            if let destinataire = try await Avis.personnes([personne], schema: schema, connection, logger).first {
                let nouveaux = avis.map { Avis.Nouveau(epreuve: $0.1, centre: $0.2, titre: $0.3, auteur: $0.4, role: $0.5) }
                try await Courriels(schema: schema).enqueue(Avis.nouveauxMessages(nouveaux, pour: destinataire, publicURL: publicURL),
                                                            about: envoi, on: connection, logger: logger)
            }
            try await connection.query("""
                UPDATE \(unescaped: s).avis_messages SET envoi_id = \(envoi) WHERE id = ANY(\(avis.map(\.0)))
                """, logger: logger)
            return true
        }
    }
}
