import Foundation
import Logging
import PostgresNIO
import Shared

/// Cyclades' `intervenants.exported`: the people designated per exam × centre (examiners) or per exam
/// × académie (coordinators). Each export is a full snapshot of its group with a growing version:
/// the newest wins, an older one arriving late changes nothing.
struct ExportsHandler: Sendable {
    let schema: SQLIdentifier

    var handlers: [String: EventHandler] {
        [IntervenantsExported.eventType: { event, connection, logger in try await exported(event, connection, logger) }]
    }

    func exported(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == IntervenantsExported.eventVersion else {
            throw EventRejected("intervenants.exported v\(event.version) is not understood")
        }
        // Checked by the contract (`IntervenantsExported.invalidity`): role and centre, sizes, no
        // person or login twice, one authority per person.
        let export = try event.payload(as: IntervenantsExported.self)
        let s = schema.name
        let centre = export.centreUAI ?? ""
        let applied = try await connection.query("""
            INSERT INTO \(unescaped: s).exports AS e (session, academie, epreuve, kind, centre, export_version, intervenants, autorites)
            VALUES (\(export.session), \(export.academie), \(export.epreuve), \(export.role.rawValue), \(centre),
                    \(export.exportVersion), \(export.intervenants.map(\.id)), \(export.autorites))
            ON CONFLICT (session, academie, epreuve, kind, centre) DO UPDATE
                SET export_version = EXCLUDED.export_version, intervenants = EXCLUDED.intervenants,
                    autorites = EXCLUDED.autorites, recu_le = now()
                WHERE e.export_version < EXCLUDED.export_version
            RETURNING 1
            """, logger: logger).collect()
        guard !applied.isEmpty else {
            logger.info("older export ignored", metadata: ["epreuve": "\(export.epreuve)", "version": "\(export.exportVersion)"])
            return
        }
        let people = export.intervenants
        // Cyclades keys people by login: the same login under another id is a contract breach, parked.
        let clashes = try await connection.query("""
            SELECT login FROM \(unescaped: s).intervenants WHERE login = ANY(\(people.map(\.login))) AND NOT id = ANY(\(people.map(\.id)))
            """, logger: logger).collect()
        guard clashes.isEmpty else { throw EventRejected("intervenants.exported reuses \(clashes.count) login(s) under another id") }
        try await connection.query("""
            INSERT INTO \(unescaped: s).intervenants (id, login, nom, prenom, email, uai, divisions)
            SELECT id, login, nom, prenom, NULLIF(email, ''), NULLIF(uai, ''), divisions
            FROM unnest(\(people.map(\.id))::uuid[], \(people.map(\.login))::text[], \(people.map(\.nom))::text[],
                        \(people.map(\.prenom))::text[], \(people.map { $0.email ?? "" })::text[],
                        \(people.map { $0.uai ?? "" })::text[], \(people.map { ($0.divisions ?? []).joined(separator: "\u{1F}") })::text[])
                AS p(id, login, nom, prenom, email, uai, d)
            CROSS JOIN LATERAL (SELECT CASE WHEN d = '' THEN '{}'::text[] ELSE string_to_array(d, E'\\x1F') END) AS x(divisions)
            ON CONFLICT (id) DO UPDATE SET login = EXCLUDED.login, nom = EXCLUDED.nom, prenom = EXCLUDED.prenom,
                email = EXCLUDED.email, uai = EXCLUDED.uai, divisions = EXCLUDED.divisions
            """, logger: logger)
    }
}
