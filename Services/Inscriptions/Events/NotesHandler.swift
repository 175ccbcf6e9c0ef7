import Foundation
import Logging
import PostgresNIO
import Shared

/// "Remontée des notes": Correction's `epreuve.closed` chunks put each registration's grade in
/// Cyclades. A redelivered chunk is a no-op (inbox); a re-closure (new closure id) replaces the
/// grades it carries and keeps the replaced ones in `notes_historique`. Each stored chunk is
/// acknowledged with `notes.recorded`.
struct NotesHandler: Sendable {
    let schema: SQLIdentifier
    let outbox: Outbox

    var handlers: [String: EventHandler] {
        [EpreuveClosed.eventType: { event, connection, logger in try await closed(event, connection, logger) }]
    }

    func closed(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == EpreuveClosed.eventVersion else {
            throw EventRejected("epreuve.closed v\(event.version) is not understood")
        }
        // Checked by the contract (`invalidity`): chunk within 1...chunks, each candidate once, grades 0…40.
        let closed = try event.payload(as: EpreuveClosed.self)
        let s = schema.name
        guard try await isNewestClosure(closed, connection, logger) else { return }
        if let recorrection = closed.recorrection {
            return try await recorrige(closed, recorrection, event, connection, logger)
        }
        let ids = closed.notes.map(\.candidatId)
        let known = try await connection.query("""
            SELECT count(*)::int FROM \(unescaped: s).inscriptions WHERE epreuve = \(closed.epreuve) AND candidat_id = ANY(\(ids))
            """, logger: logger).collect().first?.decode(Int.self) ?? 0
        guard known == ids.count else {
            // Grades for registrations Cyclades does not know must not vanish silently: parked for an operator.
            throw EventRejected("\(ids.count - known) grade(s) for unknown registrations in \(closed.epreuve)")
        }
        let resultats = closed.notes.map { Self.code($0.resultat) }
        let points = closed.notes.map { NoteRetenue.demiPoints($0.resultat) ?? -1 }
        try await connection.query("""
            INSERT INTO \(unescaped: s).notes_historique (candidat_id, epreuve, resultat, demi_points, closure_id, received_at, replaced_by)
            SELECT candidat_id, epreuve, resultat, demi_points, closure_id, received_at, \(closed.closureId)
            FROM \(unescaped: s).notes
            WHERE epreuve = \(closed.epreuve) AND candidat_id = ANY(\(ids)) AND closure_id <> \(closed.closureId)
            """, logger: logger)
        try await connection.query("""
            INSERT INTO \(unescaped: s).notes (candidat_id, epreuve, resultat, demi_points, closure_id, centre)
            SELECT id, \(closed.epreuve), r, NULLIF(p, -1), \(closed.closureId), \(closed.centreUAI)
            FROM unnest(\(ids)::uuid[], \(resultats)::text[], \(points)::int[]) AS n(id, r, p)
            ON CONFLICT (candidat_id, epreuve) DO UPDATE SET resultat = EXCLUDED.resultat, demi_points = EXCLUDED.demi_points,
                closure_id = EXCLUDED.closure_id, centre = EXCLUDED.centre, received_at = now(), recorrection_version = 0
                -- A chunk of the closure in force, late, leaves a re-marked grade as it is.
                WHERE \(unescaped: s).notes.closure_id <> EXCLUDED.closure_id OR \(unescaped: s).notes.recorrection_version = 0
            """, logger: logger)
        try await connection.query("""
            UPDATE \(unescaped: s).inscriptions i SET statut = n.r
            FROM unnest(\(ids)::uuid[], \(resultats)::text[]) AS n(id, r)
            WHERE i.candidat_id = n.id AND i.epreuve = \(closed.epreuve)
            """, logger: logger)
        try await outbox.enqueue(
            NotesRecorded(closureId: closed.closureId, session: closed.session, epreuve: closed.epreuve,
                          centreUAI: closed.centreUAI, chunk: closed.chunk, recorded: ids.count),
            correlationId: event.correlationId, on: connection, logger: logger)
    }

    /// One candidate re-marked after closing, within the closure in force: applied if newer than
    /// the candidate's last re-marking; the grade it replaces is kept with the reason.
    func recorrige(_ closed: EpreuveClosed, _ recorrection: Recorrection, _ event: IncomingEvent, _ connection: PostgresConnection,
                   _ logger: Logger) async throws {
        let s = schema.name
        // The contract (`invalidity`) checked: one grade.
        let note = closed.notes[0]
        let replaced = try await connection.query("""
            WITH ancienne AS (
                SELECT * FROM \(unescaped: s).notes
                WHERE candidat_id = \(note.candidatId) AND epreuve = \(closed.epreuve) AND closure_id = \(closed.closureId)
                  AND recorrection_version < \(recorrection.version)
                FOR UPDATE
            ), h AS (
                INSERT INTO \(unescaped: s).notes_historique (candidat_id, epreuve, resultat, demi_points, closure_id, received_at,
                    replaced_by, motif, recorrection_version)
                SELECT candidat_id, epreuve, resultat, demi_points, closure_id, received_at, \(recorrection.recorrectionId),
                       \(recorrection.motif), recorrection_version FROM ancienne
            )
            UPDATE \(unescaped: s).notes n SET resultat = \(Self.code(note.resultat)), demi_points = \(NoteRetenue.demiPoints(note.resultat)),
                recorrection_version = \(recorrection.version), received_at = now()
            FROM ancienne a WHERE n.candidat_id = a.candidat_id AND n.epreuve = a.epreuve
            RETURNING 1
            """, logger: logger).collect()
        guard !replaced.isEmpty else {
            let known = try await connection.query("""
                SELECT 1 FROM \(unescaped: s).notes
                WHERE candidat_id = \(note.candidatId) AND epreuve = \(closed.epreuve) AND closure_id = \(closed.closureId)
                """, logger: logger).collect()
            // The closure it re-marks is not here yet (parked, say): kept for an operator to replay after it.
            guard !known.isEmpty else { throw EventRejected("re-marking of a grade Cyclades does not hold from closure \(closed.closureId)") }
            // Already applied, or superseded by a newer re-marking.
            logger.notice("re-marking not applied", metadata: ["recorrection": "\(recorrection.recorrectionId)",
                                                               "version": "\(recorrection.version)"])
            return
        }
        try await connection.query("""
            UPDATE \(unescaped: s).inscriptions SET statut = \(Self.code(note.resultat))
            WHERE candidat_id = \(note.candidatId) AND epreuve = \(closed.epreuve)
            """, logger: logger)
        try await outbox.enqueue(
            NotesRecorded(closureId: closed.closureId, session: closed.session, epreuve: closed.epreuve,
                          centreUAI: closed.centreUAI, chunk: closed.chunk, recorded: 1),
            correlationId: event.correlationId, on: connection, logger: logger)
    }

    /// Official grades never go back: a chunk is applied only if its closure is the newest known for
    /// its exam × centre (a higher version wins; the same version is another chunk of it). An older
    /// one — late, or replayed from `inscriptions.notes.dlq` after a re-closure — is acked and
    /// counted, and changes no grade. The row lock serializes the chunks of one exam × centre.
    func isNewestClosure(_ closed: EpreuveClosed, _ connection: PostgresConnection, _ logger: Logger) async throws -> Bool {
        let s = schema.name
        let version = closed.closureVersion ?? 0
        let newer = try await connection.query("""
            INSERT INTO \(unescaped: s).clotures AS c (session, epreuve, centre, closure_version, closure_id)
            VALUES (\(closed.session), \(closed.epreuve), \(closed.centreUAI), \(version), \(closed.closureId))
            ON CONFLICT (session, epreuve, centre) DO UPDATE
                SET closure_version = EXCLUDED.closure_version, closure_id = EXCLUDED.closure_id, recue_le = now()
                WHERE c.closure_version < EXCLUDED.closure_version
            RETURNING 1
            """, logger: logger).collect()
        guard newer.isEmpty else { return true }
        let ignored = try await connection.query("""
            UPDATE \(unescaped: s).clotures SET chunks_ignores = chunks_ignores + 1
            WHERE session = \(closed.session) AND epreuve = \(closed.epreuve) AND centre = \(closed.centreUAI)
              AND closure_version > \(version)
            RETURNING closure_version
            """, logger: logger).collect()
        guard let newest = try ignored.first?.decode(Int.self) else { return true }
        logger.notice("chunk of an older closure ignored", metadata: [
            "closureId": "\(closed.closureId)", "closureVersion": "\(version)", "newest": "\(newest)",
            "epreuve": "\(closed.epreuve)", "centre": "\(closed.centreUAI)",
        ])
        return false
    }

    /// The registration status a result gives (the same words as `inscriptions.statut`).
    static func code(_ resultat: Resultat) -> String {
        switch resultat {
        case .note: "note"
        case .absentInjustifie: "absent_injustifie"
        case .absentJustifie: "absent_justifie"
        case .dispense: "dispense"
        }
    }
}
