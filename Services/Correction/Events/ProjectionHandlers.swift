import Foundation
import Logging
import PostgresNIO
import Shared

/// What Santorin keeps of the other systems, fed by their events: the candidates of each exam ×
/// centre (Cyclades), the convoked examiners and coordinators (Imag'In), the published subjects and
/// their barèmes (Référentiel Sujet). Every handler is idempotent and tolerates reordering.
struct ProjectionHandlers: Sendable {
    let schema: SQLIdentifier

    var candidats: [String: EventHandler] {
        [AffectationsPublished.eventType: { event, connection, logger in try await affectations(event, connection, logger) }]
    }

    var convocations: [String: EventHandler] {
        [ConvocationIssued.eventType: { event, connection, logger in try await issued(event, connection, logger) },
         ConvocationCancelled.eventType: { event, connection, logger in try await cancelled(event, connection, logger) }]
    }

    var sujets: [String: EventHandler] {
        [SujetPublished.eventType: { event, connection, logger in try await published(event, connection, logger) },
         SujetWithdrawn.eventType: { event, connection, logger in try await withdrawn(event, connection, logger) }]
    }

    private var s: String { schema.name }

    /// A chunk of a centre × exam's candidates. A candidate moved from another centre follows unless
    /// graded there already; once the publication is complete, candidates it no longer lists and
    /// not yet graded leave.
    func affectations(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == AffectationsPublished.eventVersion else {
            throw EventRejected("affectations.published v\(event.version) is not understood")
        }
        let p = try event.payload(as: AffectationsPublished.self)
        guard (1...p.chunks).contains(p.chunk), p.candidats.count <= AffectationsPublished.maximumChunk else {
            throw EventRejected("affectations.published chunk \(p.chunk)/\(p.chunks) is malformed")
        }
        try await connection.query("""
            INSERT INTO \(unescaped: s).commissions (session, epreuve, centre, academie)
            VALUES (\(p.session), \(p.epreuve), \(p.centreUAI), \(p.academie)) ON CONFLICT DO NOTHING
            """, logger: logger)
        let c = p.candidats
        try await connection.query("""
            INSERT INTO \(unescaped: s).fiches AS f (id, session, epreuve, candidat_id, centre, numero, nom, prenoms, categorie,
                uai_origine, division, publication_id)
            SELECT gen_random_uuid(), \(p.session), \(p.epreuve), id, \(p.centreUAI), numero, nom, prenoms, categorie,
                   NULLIF(uai, ''), NULLIF(division, ''), \(p.publicationId)
            FROM unnest(\(c.map(\.candidatId))::uuid[], \(c.map(\.numero))::text[], \(c.map(\.nom))::text[],
                        \(c.map(\.prenoms))::text[], \(c.map(\.categorie))::text[], \(c.map { $0.uaiOrigine ?? "" })::text[],
                        \(c.map { $0.division ?? "" })::text[]) AS n(id, numero, nom, prenoms, categorie, uai, division)
            ON CONFLICT (session, epreuve, candidat_id) DO UPDATE SET
                numero = EXCLUDED.numero, nom = EXCLUDED.nom, prenoms = EXCLUDED.prenoms, categorie = EXCLUDED.categorie,
                uai_origine = EXCLUDED.uai_origine, division = EXCLUDED.division, publication_id = EXCLUDED.publication_id,
                centre = CASE WHEN f.statut = 'a_noter' THEN EXCLUDED.centre ELSE f.centre END,
                groupe_id = CASE WHEN f.statut = 'a_noter' AND f.centre <> EXCLUDED.centre THEN NULL ELSE f.groupe_id END,
                creneau_id = CASE WHEN f.statut = 'a_noter' AND f.centre <> EXCLUDED.centre THEN NULL ELSE f.creneau_id END,
                sujet_id = CASE WHEN f.statut = 'a_noter' AND f.centre <> EXCLUDED.centre THEN NULL ELSE f.sujet_id END
            """, logger: logger)
        let progress = try await connection.query("""
            INSERT INTO \(unescaped: s).publications (id, session, epreuve, centre, chunks, recus)
            VALUES (\(p.publicationId), \(p.session), \(p.epreuve), \(p.centreUAI), \(p.chunks), 1)
            ON CONFLICT (id) DO UPDATE SET recus = \(unescaped: s).publications.recus + 1
            RETURNING recus, chunks
            """, logger: logger).collect().first?.decode((Int, Int).self)
        if let (recus, chunks) = progress, recus == chunks {
            try await connection.query("""
                DELETE FROM \(unescaped: s).fiches
                WHERE session = \(p.session) AND epreuve = \(p.epreuve) AND centre = \(p.centreUAI)
                  AND publication_id <> \(p.publicationId) AND statut = 'a_noter'
                """, logger: logger)
        }
    }

    func issued(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == ConvocationIssued.eventVersion else {
            throw EventRejected("convocation.issued v\(event.version) is not understood")
        }
        let c = try event.payload(as: ConvocationIssued.self)
        let person = c.intervenant
        try await connection.query("""
            INSERT INTO \(unescaped: s).examinateurs (convocation_id, mission_id, intervenant_id, login, nom, prenom, uai, divisions,
                kind, session, academie, epreuve, centre, active)
            VALUES (\(c.convocationId), \(c.missionId), \(person.id), \(person.login), \(person.nom), \(person.prenom), \(person.uai),
                    \(person.divisions ?? []), \(c.kind.rawValue), \(c.session), \(c.academie), \(c.epreuve), \(c.centreUAI ?? ""),
                    NOT EXISTS (SELECT 1 FROM \(unescaped: s).annulations WHERE convocation_id = \(c.convocationId)))
            ON CONFLICT (convocation_id) DO NOTHING
            """, logger: logger)
    }

    /// A cancellation may overtake its convocation: it is remembered, and the convocation arrives inactive.
    func cancelled(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == ConvocationCancelled.eventVersion else {
            throw EventRejected("convocation.cancelled v\(event.version) is not understood")
        }
        let c = try event.payload(as: ConvocationCancelled.self)
        try await connection.query("""
            INSERT INTO \(unescaped: s).annulations (convocation_id) VALUES (\(c.convocationId)) ON CONFLICT DO NOTHING
            """, logger: logger)
        try await connection.query("""
            UPDATE \(unescaped: s).examinateurs SET active = false WHERE convocation_id = \(c.convocationId)
            """, logger: logger)
    }

    func published(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == SujetPublished.eventVersion else {
            throw EventRejected("sujet.published v\(event.version) is not understood")
        }
        let p = try event.payload(as: SujetPublished.self)
        guard p.bareme.validate().isEmpty else { throw EventRejected("sujet.published \(p.code) carries an invalid barème") }
        let bareme = String(decoding: try EventCoding.encoder.encode(p.bareme), as: UTF8.self)
        let document = String(decoding: try EventCoding.encoder.encode(p.document), as: UTF8.self)
        try await connection.query("""
            INSERT INTO \(unescaped: s).sujets (id, session, epreuve, code, titre, dominante, bareme_version, bareme, document, visible_from)
            VALUES (\(p.sujetId), \(p.session), \(p.epreuve), \(p.code), \(p.titre), \(p.dominante), \(p.baremeVersion),
                    \(bareme)::jsonb, \(document)::jsonb, \(p.visibleFrom))
            ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, titre = EXCLUDED.titre, dominante = EXCLUDED.dominante,
                bareme_version = EXCLUDED.bareme_version, bareme = EXCLUDED.bareme, document = EXCLUDED.document,
                visible_from = EXCLUDED.visible_from, retire = false
            """, logger: logger)
    }

    func withdrawn(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == SujetWithdrawn.eventVersion else {
            throw EventRejected("sujet.withdrawn v\(event.version) is not understood")
        }
        let w = try event.payload(as: SujetWithdrawn.self)
        try await connection.query("UPDATE \(unescaped: s).sujets SET retire = true WHERE id = \(w.sujetId)", logger: logger)
    }
}
