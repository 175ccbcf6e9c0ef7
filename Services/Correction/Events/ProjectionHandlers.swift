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

    /// Events about the same thing are applied one after the other even when consumers run batches
    /// side by side: otherwise a withdrawal and its publication, each committing unseen by the
    /// other, could both be lost.
    private func serialize(_ subject: String, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(subject)))", logger: logger)
    }

    /// A chunk of a centre × exam's candidates. Applied in the order publications happened: a sheet
    /// takes a chunk only if it is newer than the one that last set it (a slow or redelivered older
    /// chunk changes nothing). A candidate moved from another centre follows unless graded there
    /// already; once the newest publication of the centre is complete, the candidates it no longer
    /// lists and not yet graded leave.
    func affectations(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == AffectationsPublished.eventVersion else {
            throw EventRejected("affectations.published v\(event.version) is not understood")
        }
        // Checked by the contract (`invalidity`): chunk within 1...chunks, codes, names.
        let p = try event.payload(as: AffectationsPublished.self)
        try await serialize("correction.commission.\(p.session).\(p.epreuve).\(p.centreUAI)", connection, logger)
        try await connection.query("""
            INSERT INTO \(unescaped: s).commissions AS c (session, epreuve, centre, academie, centre_nom, centre_commune)
            VALUES (\(p.session), \(p.epreuve), \(p.centreUAI), \(p.academie), \(p.centreNom), \(p.centreCommune))
            ON CONFLICT (session, epreuve, centre) DO UPDATE SET centre_nom = COALESCE(EXCLUDED.centre_nom, c.centre_nom),
                centre_commune = COALESCE(EXCLUDED.centre_commune, c.centre_commune)
            WHERE EXCLUDED.centre_nom IS NOT NULL
            """, logger: logger)
        let etat = try await connection.query("""
            SELECT etat FROM \(unescaped: s).commissions WHERE session = \(p.session) AND epreuve = \(p.epreuve) AND centre = \(p.centreUAI)
            """, logger: logger).collect().first?.decode(String.self)
        if etat == "close" {
            // Recorded all the same; the remontée shows them missing until the gestionnaire reopens.
            logger.warning("candidates published to a closed exam × centre", metadata: ["centre": "\(p.centreUAI)", "epreuve": "\(p.epreuve)"])
        }
        // Each publication is the whole list of its centre × exam: an older one arriving late has nothing to add.
        let superseded = try await connection.query("""
            SELECT 1 FROM \(unescaped: s).publications
            WHERE session = \(p.session) AND epreuve = \(p.epreuve) AND centre = \(p.centreUAI) AND publiee_le > \(event.occurredAt)
            LIMIT 1
            """, logger: logger).collect()
        guard superseded.isEmpty else {
            logger.info("older affectations chunk ignored", metadata: ["publicationId": "\(p.publicationId)"])
            return
        }
        let c = p.candidats
        try await connection.query("""
            INSERT INTO \(unescaped: s).fiches AS f (id, session, epreuve, candidat_id, centre, numero, nom, prenoms, categorie,
                uai_origine, division, publication_id, publie_le)
            SELECT gen_random_uuid(), \(p.session), \(p.epreuve), id, \(p.centreUAI), numero, nom, prenoms, categorie,
                   NULLIF(uai, ''), NULLIF(division, ''), \(p.publicationId), \(event.occurredAt)
            FROM unnest(\(c.map(\.candidatId))::uuid[], \(c.map(\.numero))::text[], \(c.map(\.nom))::text[],
                        \(c.map(\.prenoms))::text[], \(c.map(\.categorie))::text[], \(c.map { $0.uaiOrigine ?? "" })::text[],
                        \(c.map { $0.division ?? "" })::text[]) AS n(id, numero, nom, prenoms, categorie, uai, division)
            ON CONFLICT (session, epreuve, candidat_id) DO UPDATE SET
                numero = EXCLUDED.numero, nom = EXCLUDED.nom, prenoms = EXCLUDED.prenoms, categorie = EXCLUDED.categorie,
                uai_origine = EXCLUDED.uai_origine, division = EXCLUDED.division, publication_id = EXCLUDED.publication_id,
                publie_le = EXCLUDED.publie_le,
                centre = CASE WHEN f.statut = 'a_noter' THEN EXCLUDED.centre ELSE f.centre END,
                groupe_id = CASE WHEN f.statut = 'a_noter' AND f.centre <> EXCLUDED.centre THEN NULL ELSE f.groupe_id END,
                creneau_id = CASE WHEN f.statut = 'a_noter' AND f.centre <> EXCLUDED.centre THEN NULL ELSE f.creneau_id END,
                sujet_id = CASE WHEN f.statut = 'a_noter' AND f.centre <> EXCLUDED.centre THEN NULL ELSE f.sujet_id END
            WHERE f.publie_le <= EXCLUDED.publie_le
            """, logger: logger)
        let progress = try await connection.query("""
            INSERT INTO \(unescaped: s).publications (id, session, epreuve, centre, chunks, recus, publiee_le)
            VALUES (\(p.publicationId), \(p.session), \(p.epreuve), \(p.centreUAI), \(p.chunks), 1, \(event.occurredAt))
            ON CONFLICT (id) DO UPDATE SET recus = \(unescaped: s).publications.recus + 1
            RETURNING recus, chunks
            """, logger: logger).collect().first?.decode((Int, Int).self)
        guard let (recus, chunks) = progress, recus == chunks else { return }
        let newer = try await connection.query("""
            SELECT 1 FROM \(unescaped: s).publications
            WHERE session = \(p.session) AND epreuve = \(p.epreuve) AND centre = \(p.centreUAI) AND publiee_le > \(event.occurredAt)
            LIMIT 1
            """, logger: logger).collect()
        guard newer.isEmpty else { return }
        try await connection.query("""
            DELETE FROM \(unescaped: s).fiches
            WHERE session = \(p.session) AND epreuve = \(p.epreuve) AND centre = \(p.centreUAI)
              AND publication_id <> \(p.publicationId) AND publie_le < \(event.occurredAt) AND statut = 'a_noter'
            """, logger: logger)
    }

    func issued(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == ConvocationIssued.eventVersion else {
            throw EventRejected("convocation.issued v\(event.version) is not understood")
        }
        let c = try event.payload(as: ConvocationIssued.self)
        try await serialize("correction.convocation.\(c.convocationId)", connection, logger)
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
        try await serialize("correction.convocation.\(c.convocationId)", connection, logger)
        try await connection.query("""
            INSERT INTO \(unescaped: s).annulations (convocation_id) VALUES (\(c.convocationId)) ON CONFLICT DO NOTHING
            """, logger: logger)
        try await connection.query("""
            UPDATE \(unescaped: s).examinateurs SET active = false WHERE convocation_id = \(c.convocationId)
            """, logger: logger)
    }

    /// A publication never brings back a withdrawn subject nor an older barème version.
    func published(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == SujetPublished.eventVersion else {
            throw EventRejected("sujet.published v\(event.version) is not understood")
        }
        let p = try event.payload(as: SujetPublished.self)  // its barème valid (`invalidity`)
        try await serialize("correction.sujet.\(p.sujetId)", connection, logger)
        let bareme = String(decoding: try EventCoding.encoder.encode(p.bareme), as: UTF8.self)
        let document = String(decoding: try EventCoding.encoder.encode(p.document), as: UTF8.self)
        try await connection.query("""
            INSERT INTO \(unescaped: s).sujets AS su (id, session, epreuve, code, titre, dominante, bareme_version, bareme, document,
                visible_from, retire)
            VALUES (\(p.sujetId), \(p.session), \(p.epreuve), \(p.code), \(p.titre), \(p.dominante), \(p.baremeVersion),
                    \(bareme)::jsonb, \(document)::jsonb, \(p.visibleFrom),
                    EXISTS (SELECT 1 FROM \(unescaped: s).retraits WHERE sujet_id = \(p.sujetId)))
            ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, titre = EXCLUDED.titre, dominante = EXCLUDED.dominante,
                bareme_version = EXCLUDED.bareme_version, bareme = EXCLUDED.bareme, document = EXCLUDED.document,
                visible_from = EXCLUDED.visible_from
            WHERE su.bareme_version <= EXCLUDED.bareme_version
            """, logger: logger)
    }

    /// Remembered even when it overtakes the publication.
    func withdrawn(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == SujetWithdrawn.eventVersion else {
            throw EventRejected("sujet.withdrawn v\(event.version) is not understood")
        }
        let w = try event.payload(as: SujetWithdrawn.self)
        try await serialize("correction.sujet.\(w.sujetId)", connection, logger)
        try await connection.query("INSERT INTO \(unescaped: s).retraits VALUES (\(w.sujetId)) ON CONFLICT DO NOTHING", logger: logger)
        try await connection.query("UPDATE \(unescaped: s).sujets SET retire = true WHERE id = \(w.sujetId)", logger: logger)
    }
}
