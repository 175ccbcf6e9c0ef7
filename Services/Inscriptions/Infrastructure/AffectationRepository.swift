import Foundation
import Logging
import PostgresNIO
import Shared

struct Delegation: Codable, Sendable, Equatable {
    var epreuve: String
    var uai: String
}

struct DemandeAffectation: Codable, Sendable {
    var numero: String
    var epreuve: String
    var centre: String
}

struct Suggestion: Codable, Sendable {
    var numero: String
    var epreuve: String
    var centre: String?
}

/// Delegations and assignments to centres in the `inscriptions` schema; the rules are `Affectation`'s.
struct AffectationRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let outbox: Outbox
    let logger: Logger

    private var s: String { schema.name }

    // MARK: delegations

    /// Delegates an exam's assignment to a school of the gestionnaire's académie; false when the school is not theirs.
    func delegate(session: Int, epreuve: String, uai: String, academie: String, by: UUID) async throws -> Bool {
        try await client.query("INSERT INTO \(unescaped: s).sessions (annee) VALUES (\(session)) ON CONFLICT DO NOTHING",
                               logger: logger)
        let rows = try await client.query("""
            INSERT INTO \(unescaped: s).delegations (session, epreuve, uai, par)
            SELECT \(session), \(epreuve), uai, \(by) FROM \(unescaped: s).etablissements WHERE uai = \(uai) AND academie = \(academie)
            ON CONFLICT (session, epreuve, uai) DO UPDATE SET par = EXCLUDED.par RETURNING 1
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    func revoke(session: Int, epreuve: String, uai: String, academie: String) async throws -> Bool {
        let rows = try await client.query("""
            DELETE FROM \(unescaped: s).delegations d USING \(unescaped: s).etablissements e
            WHERE d.session = \(session) AND d.epreuve = \(epreuve) AND d.uai = \(uai) AND e.uai = d.uai AND e.academie = \(academie)
            RETURNING 1
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    func delegations(session: Int, academie: String?, uai: String?) async throws -> [Delegation] {
        let rows = try await client.query("""
            SELECT d.epreuve, d.uai FROM \(unescaped: s).delegations d JOIN \(unescaped: s).etablissements e ON e.uai = d.uai
            WHERE d.session = \(session) AND (\(academie)::text IS NULL OR e.academie = \(academie))
              AND (\(uai)::text IS NULL OR d.uai = \(uai))
            ORDER BY d.uai, d.epreuve
            """, logger: logger)
        var result: [Delegation] = []
        for try await (epreuve, uai) in rows.decode((String, String).self) { result.append(Delegation(epreuve: epreuve, uai: uai)) }
        return result
    }

    // MARK: assignments

    /// Assigns all or nothing: every request is checked against the rules (capacity counted as the
    /// batch fills the centres) and any refusal refuses the batch, listing each reason by index.
    /// The centres involved are locked so concurrent batches cannot overfill them.
    func assign(session: Int, _ demandes: [DemandeAffectation], acteur: Affectation.Acteur, role: Role, by: UUID)
        async throws -> [Problem.FieldError] {
        try await client.withTransaction(logger: logger) { connection in
            let centreCodes = Array(Set(demandes.map(\.centre))).sorted()
            var centres = try await self.centres(session: session, uais: centreCodes, lock: true, on: connection)
            let candidats = try await self.candidats(session: session, numeros: Array(Set(demandes.map(\.numero))), on: connection)
            var errors: [Problem.FieldError] = []
            var rows: [(UUID, String, String)] = []
            for (i, demande) in demandes.enumerated() {
                let field = "affectations[\(i)]"
                guard let candidat = candidats[demande.numero] else {
                    errors.append(.init(field: field, reason: "candidat \(demande.numero) inconnu pour la session / unknown candidate"))
                    continue
                }
                guard candidat.epreuves[demande.epreuve] != nil else {
                    errors.append(.init(field: field, reason: "\(demande.numero) n'est pas inscrit en \(demande.epreuve) / not registered"))
                    continue
                }
                // A centre not hosting this exam is still found (under another exam) so the refusal says so.
                guard let centre = centres[demande.epreuve + "|" + demande.centre]
                    ?? centres.values.first(where: { $0.uai == demande.centre })
                else {
                    errors.append(.init(field: field, reason: "\(demande.centre) n'est pas un centre d'épreuve / not a centre"))
                    continue
                }
                let current = candidat.epreuves[demande.epreuve]!
                if let reason = Affectation.refus(candidat.info, epreuve: demande.epreuve, centre: centre, acteur: acteur,
                                                  dejaAffecteIci: current == demande.centre) {
                    errors.append(.init(field: field, reason: reason))
                    continue
                }
                if current != demande.centre {
                    centres[demande.epreuve + "|" + demande.centre, default: centre].affectes += 1
                    if let previous = current, var old = centres[demande.epreuve + "|" + previous] {
                        old.affectes -= 1
                        centres[demande.epreuve + "|" + previous] = old
                    }
                }
                rows.append((candidat.id, demande.epreuve, demande.centre))
            }
            guard errors.isEmpty else { return errors }
            for start in stride(from: 0, to: rows.count, by: 1000) {
                let batch = rows[start..<min(start + 1000, rows.count)]
                try await connection.query("""
                    INSERT INTO \(unescaped: s).affectations (candidat_id, epreuve, centre, par_role, par)
                    SELECT c, e, u, \(role.rawValue), \(by)
                    FROM unnest(\(batch.map(\.0))::uuid[], \(batch.map(\.1))::text[], \(batch.map(\.2))::text[]) AS a(c, e, u)
                    ON CONFLICT (candidat_id, epreuve) DO UPDATE SET centre = EXCLUDED.centre, par_role = EXCLUDED.par_role,
                        par = EXCLUDED.par, updated_at = now()
                    """, logger: logger)
            }
            return []
        }
    }

    /// A centre for each registration not yet assigned, within what `acteur` may assign.
    func suggestions(session: Int, acteur: Affectation.Acteur, epreuve: String?) async throws -> [Suggestion] {
        let academie: String, uai: String?
        switch acteur {
        case .gestionnaire(let a): (academie, uai) = (a, nil)
        case .etablissement(let u, _): (academie, uai) = (try await academieOf(u) ?? "", u)
        }
        var centres = Array(try await client.withConnection { connection in
            try await self.centres(session: session, uais: nil, academie: academie, lock: false, on: connection)
        }.values.filter { $0.epreuves.count == 1 })
        let rows = try await client.query("""
            SELECT c.numero, i.epreuve, c.categorie, c.filiere, c.academie, c.uai_origine, COALESCE(e.autonome, true),
                   e.latitude, e.longitude
            FROM \(unescaped: s).candidats c
            JOIN \(unescaped: s).inscriptions i ON i.candidat_id = c.id
            LEFT JOIN \(unescaped: s).etablissements e ON e.uai = c.uai_origine
            LEFT JOIN \(unescaped: s).affectations a ON a.candidat_id = c.id AND a.epreuve = i.epreuve
            WHERE c.session = \(session) AND c.academie = \(academie) AND a.candidat_id IS NULL
              AND (\(uai)::text IS NULL OR c.uai_origine = \(uai)) AND (\(epreuve)::text IS NULL OR i.epreuve = \(epreuve))
            ORDER BY c.numero, i.epreuve LIMIT 5000
            """, logger: logger)
        var result: [Suggestion] = []
        for try await (numero, ep, categorie, filiere, acad, origine, autonome, lat, lon) in rows.decode(
            (String, String, String, String, String, String?, Bool, Double?, Double?).self) {
            let candidat = Affectation.Candidat(categorie: categorie, filiere: filiere, academie: acad, uaiOrigine: origine,
                                                origineAutonome: autonome)
            if case .etablissement(_, let delegations) = acteur,
                !delegations.contains(ep) || Affectation.casParticulier(candidat, epreuve: ep) != nil { continue }
            let position = lat.flatMap { la in lon.map { (latitude: la, longitude: $0) } }
            let chosen = Affectation.suggestion(candidat, epreuve: ep, centres: centres.filter { $0.epreuves.contains(ep) },
                                                origine: position)
            if let chosen, let index = centres.firstIndex(of: chosen) { centres[index].affectes += 1 }
            result.append(Suggestion(numero: numero, epreuve: ep, centre: chosen?.uai))
        }
        return result
    }

    /// Takes a candidate out of their centre (not once graded); false when there is nothing to undo.
    func unassign(session: Int, numero: String, epreuve: String, academie: String) async throws -> Bool {
        let rows = try await client.query("""
            DELETE FROM \(unescaped: s).affectations a USING \(unescaped: s).candidats c
            WHERE a.candidat_id = c.id AND a.epreuve = \(epreuve) AND c.session = \(session) AND c.numero = \(numero)
              AND c.academie = \(academie)
              AND NOT EXISTS (SELECT 1 FROM \(unescaped: s).notes n WHERE n.candidat_id = c.id AND n.epreuve = \(epreuve))
            RETURNING 1
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    // MARK: publication

    /// Publishes the académie's assignments: per centre × exam, `affectations.published` chunks of at
    /// most 1,000 candidates, all committed with one transaction. Returns (centres × exams, events).
    func publish(session: Int, academie: String, epreuve: String?, correlationId: String) async throws -> (Int, Int) {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT a.centre, a.epreuve, c.id, c.numero, c.nom, c.prenoms, c.categorie, c.uai_origine, c.division, e.nom, NULLIF(e.commune, '')
                FROM \(unescaped: s).affectations a JOIN \(unescaped: s).candidats c ON c.id = a.candidat_id
                LEFT JOIN \(unescaped: s).etablissements e ON e.uai = a.centre
                WHERE c.session = \(session) AND c.academie = \(academie) AND (\(epreuve)::text IS NULL OR a.epreuve = \(epreuve))
                ORDER BY a.centre, a.epreuve, c.nom, c.prenoms, c.numero
                """, logger: logger)
            var groups: [(centre: String, epreuve: String, lieu: (String?, String?), candidats: [CandidatAffecte])] = []
            for try await (centre, ep, id, numero, nom, prenoms, categorie, origine, division, centreNom, commune) in rows.decode(
                (String, String, UUID, String, String, String, String, String?, String?, String?, String?).self) {
                if groups.last?.centre != centre || groups.last?.epreuve != ep { groups.append((centre, ep, (centreNom, commune), [])) }
                groups[groups.count - 1].candidats.append(CandidatAffecte(
                    candidatId: id, numero: numero, nom: nom, prenoms: prenoms, categorie: categorie,
                    uaiOrigine: origine, division: division))
            }
            var events: [EventEnvelope<AffectationsPublished>] = []
            for group in groups {
                let publication = UUID()
                let chunks = group.candidats.chunks(of: AffectationsPublished.maximumChunk)
                for (i, chunk) in chunks.enumerated() {
                    events.append(EventEnvelope(producer: outbox.producer, correlationId: correlationId, payload: AffectationsPublished(
                        publicationId: publication, session: session, academie: academie, epreuve: group.epreuve,
                        centreUAI: group.centre, centreNom: group.lieu.0, centreCommune: group.lieu.1, chunk: i + 1, chunks: chunks.count,
                        candidats: chunk)))
                }
            }
            try await outbox.enqueue(events, on: connection, logger: logger)
            return (groups.count, events.count)
        }
    }

    // MARK: helpers

    private struct CandidatRow {
        var id: UUID
        var info: Affectation.Candidat
        /// Exam → current centre (nil when registered but not assigned).
        var epreuves: [String: String?]
    }

    private func candidats(session: Int, numeros: [String], on connection: PostgresConnection) async throws -> [String: CandidatRow] {
        let rows = try await connection.query("""
            SELECT c.id, c.numero, c.categorie, c.filiere, c.academie, c.uai_origine, COALESCE(e.autonome, true), i.epreuve, a.centre
            FROM \(unescaped: s).candidats c
            JOIN \(unescaped: s).inscriptions i ON i.candidat_id = c.id
            LEFT JOIN \(unescaped: s).etablissements e ON e.uai = c.uai_origine
            LEFT JOIN \(unescaped: s).affectations a ON a.candidat_id = c.id AND a.epreuve = i.epreuve
            WHERE c.session = \(session) AND c.numero = ANY(\(numeros))
            """, logger: logger)
        var result: [String: CandidatRow] = [:]
        for try await (id, numero, categorie, filiere, academie, origine, autonome, epreuve, centre) in rows.decode(
            (UUID, String, String, String, String, String?, Bool, String, String?).self) {
            var row = result[numero] ?? CandidatRow(
                id: id, info: .init(categorie: categorie, filiere: filiere, academie: academie, uaiOrigine: origine,
                                    origineAutonome: autonome), epreuves: [:])
            row.epreuves[epreuve] = .some(centre)
            result[numero] = row
        }
        return result
    }

    /// Centres keyed `"<exam>|<UAI>"`: one entry per exam hosted, with that exam's count
    /// (`"*|<UAI>"` for a centre hosting no exam yet).
    private func centres(session: Int, uais: [String]?, academie: String? = nil, lock: Bool,
                         on connection: PostgresConnection) async throws -> [String: Affectation.Centre] {
        if lock, let uais {
            try await connection.query("""
                SELECT uai FROM \(unescaped: s).centres WHERE uai = ANY(\(uais)) ORDER BY uai FOR UPDATE
                """, logger: logger).collect()
        }
        let rows = try await connection.query("""
            SELECT c.uai, e.academie, c.capacite_demi_journee * c.demi_journees, e.latitude, e.longitude, ce.epreuve,
                   (SELECT count(*)::int FROM \(unescaped: s).affectations a JOIN \(unescaped: s).candidats k ON k.id = a.candidat_id
                    WHERE a.centre = c.uai AND a.epreuve = ce.epreuve AND k.session = \(session))
            FROM \(unescaped: s).centres c
            JOIN \(unescaped: s).etablissements e ON e.uai = c.uai
            LEFT JOIN \(unescaped: s).centre_epreuves ce ON ce.uai = c.uai
            WHERE (\(uais)::text[] IS NULL OR c.uai = ANY(\(uais ?? []))) AND (\(academie)::text IS NULL OR e.academie = \(academie))
            """, logger: logger)
        var result: [String: Affectation.Centre] = [:]
        for try await (uai, academie, capacite, lat, lon, epreuve, affectes) in rows.decode(
            (String, String, Int, Double?, Double?, String?, Int).self) {
            let key = (epreuve ?? "*") + "|" + uai
            result[key] = Affectation.Centre(uai: uai, academie: academie, epreuves: epreuve.map { [$0] } ?? [],
                                             capacite: capacite, affectes: affectes, latitude: lat, longitude: lon)
        }
        return result
    }

    private func academieOf(_ uai: String) async throws -> String? {
        let rows = try await client.query("SELECT academie FROM \(unescaped: s).etablissements WHERE uai = \(uai)", logger: logger)
        for try await academie in rows.decode(String.self) { return academie }
        return nil
    }

    func delegatedExams(session: Int, uai: String) async throws -> Set<String> {
        Set(try await delegations(session: session, academie: nil, uai: uai).map(\.epreuve))
    }
}
