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
        let closed = try event.payload(as: EpreuveClosed.self)
        guard (1...closed.chunks).contains(closed.chunk), closed.notes.count <= EpreuveClosed.maximumChunk,
            Set(closed.notes.map(\.candidatId)).count == closed.notes.count
        else { throw EventRejected("epreuve.closed chunk \(closed.chunk)/\(closed.chunks) is malformed") }
        let s = schema.name
        let ids = closed.notes.map(\.candidatId)
        let known = try await connection.query("""
            SELECT count(*)::int FROM \(unescaped: s).inscriptions WHERE epreuve = \(closed.epreuve) AND candidat_id = ANY(\(ids))
            """, logger: logger).collect().first?.decode(Int.self) ?? 0
        guard known == ids.count else {
            // Grades for registrations Cyclades does not know must not vanish silently: parked for an operator.
            throw EventRejected("\(ids.count - known) grade(s) for unknown registrations in \(closed.epreuve)")
        }
        let resultats = closed.notes.map { Self.code($0.resultat) }
        let points = closed.notes.map { note -> Int in if case .note(let p) = note.resultat { p } else { -1 } }
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
                closure_id = EXCLUDED.closure_id, centre = EXCLUDED.centre, received_at = now()
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
