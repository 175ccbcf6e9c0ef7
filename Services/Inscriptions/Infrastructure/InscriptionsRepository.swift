import Foundation
import Logging
import PostgresNIO
import Shared

enum ChangementInscription: Equatable { case fait, inconnu, refuse(String) }

/// Reference data, candidates and registrations in the `inscriptions` schema.
struct InscriptionsRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let logger: Logger

    private var s: String { schema.name }

    struct Etablissement: Codable, Sendable, Equatable {
        var uai: String
        var nom: String
        var academie: String
        var commune: String
        var autonome: Bool
        /// Exams hosted and capacity per half-day when the school is also a centre d'épreuve.
        var centre: Centre?
        struct Centre: Codable, Sendable, Equatable {
            var capaciteDemiJournee: Int
            var epreuves: [String]
        }
    }

    /// UAI → académie of every school (the import checks lines against it).
    func academiesParUAI() async throws -> [String: String] {
        var result: [String: String] = [:]
        let rows = try await client.query("SELECT uai, academie FROM \(unescaped: s).etablissements", logger: logger)
        for try await (uai, academie) in rows.decode((String, String).self) { result[uai] = academie }
        return result
    }

    func academies() async throws -> [(code: String, nom: String)] {
        try await client.query("SELECT code, nom FROM \(unescaped: s).academies ORDER BY code", logger: logger)
            .collect().map { try $0.decode((String, String).self) }.map { (code: $0.0, nom: $0.1) }
    }

    /// A page of schools: of an académie, whose UAI or name contains `recherche` (any case), centres
    /// only on request; with how many there are in all.
    func etablissements(academie: String?, recherche: String? = nil, centres: Bool = false, page: Int = 1, perPage: Int = 10_000)
        async throws -> (items: [Etablissement], total: Int) {
        let motif = recherche.map { "%" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%" }
        let rows = try await client.query("""
            SELECT e.uai, e.nom, e.academie, e.commune, e.autonome, c.capacite_demi_journee,
                   COALESCE(array_agg(ce.epreuve ORDER BY ce.epreuve) FILTER (WHERE ce.epreuve IS NOT NULL), '{}'),
                   count(*) OVER ()::int
            FROM \(unescaped: s).etablissements e
            LEFT JOIN \(unescaped: s).centres c ON c.uai = e.uai
            LEFT JOIN \(unescaped: s).centre_epreuves ce ON ce.uai = e.uai
            WHERE (\(academie)::text IS NULL OR e.academie = \(academie))
              AND (\(motif)::text IS NULL OR e.uai ILIKE \(motif) OR e.nom ILIKE \(motif))
              AND (NOT \(centres) OR c.uai IS NOT NULL)
            GROUP BY e.uai, c.capacite_demi_journee ORDER BY e.uai
            LIMIT \(perPage) OFFSET \((page - 1) * perPage)
            """, logger: logger)
        var result: [Etablissement] = []
        var total = 0
        for try await (uai, nom, academie, commune, autonome, capacite, epreuves, count) in rows.decode(
            (String, String, String, String, Bool, Int?, [String], Int).self) {
            total = count
            result.append(Etablissement(uai: uai, nom: nom, academie: academie, commune: commune, autonome: autonome,
                                        centre: capacite.map { .init(capaciteDemiJournee: $0, epreuves: epreuves) }))
        }
        return (result, total)
    }

    func ensureSession(_ annee: Int) async throws {
        try await client.query("INSERT INTO \(unescaped: s).sessions (annee) VALUES (\(annee)) ON CONFLICT DO NOTHING",
                               logger: logger)
    }

    struct ImportResult: Codable, Sendable {
        var candidats: Int
        var inscriptions: Int
    }

    /// Stores the valid lines in one transaction: candidates upserted by (session, number), registrations
    /// added once. Batches of 1,000 rows per statement keep 240,000 lines to a few hundred round trips.
    func store(_ lignes: [LigneCandidat], session: Int, academie: String) async throws -> ImportResult {
        try await ensureSession(session)
        return try await client.withTransaction(logger: logger) { connection in
            var ids: [String: UUID] = [:]
            var candidats: [LigneCandidat] = []
            var seen = Set<String>()
            for ligne in lignes where seen.insert(ligne.numero).inserted { candidats.append(ligne) }
            for start in stride(from: 0, to: candidats.count, by: 1000) {
                let batch = candidats[start..<min(start + 1000, candidats.count)]
                let rows = try await connection.query("""
                    INSERT INTO \(unescaped: s).candidats AS c
                        (id, session, numero, nom, prenoms, naissance, categorie, uai_origine, academie, division, filiere)
                    SELECT gen_random_uuid(), \(session), numero, nom, prenoms, naissance::date, categorie, NULLIF(uai, ''),
                           \(academie), NULLIF(division, ''), filiere
                    FROM unnest(\(batch.map(\.numero))::text[], \(batch.map(\.nom))::text[], \(batch.map(\.prenoms))::text[],
                                \(batch.map(\.naissance))::text[], \(batch.map(\.categorie))::text[], \(batch.map { $0.uai ?? "" })::text[],
                                \(batch.map { $0.division ?? "" })::text[], \(batch.map(\.filiere))::text[])
                         AS l(numero, nom, prenoms, naissance, categorie, uai, division, filiere)
                    ON CONFLICT (session, numero) DO UPDATE SET nom = EXCLUDED.nom, prenoms = EXCLUDED.prenoms,
                        naissance = EXCLUDED.naissance, categorie = EXCLUDED.categorie, uai_origine = EXCLUDED.uai_origine,
                        division = EXCLUDED.division, filiere = EXCLUDED.filiere
                    WHERE c.academie = EXCLUDED.academie
                    RETURNING numero, id
                    """, logger: logger)
                for try await (numero, id) in rows.decode((String, UUID).self) { ids[numero] = id }
            }
            // Arrays of optionals do not bind: absent values travel as '' and come back NULL (NULLIF).
            // A number taken by another académie's candidate is not ours to overwrite.
            if let foreign = candidats.first(where: { ids[$0.numero] == nil }) {
                throw Problem.validation([.init(field: "numero", reason:
                    "ligne \(foreign.line) : numéro \(foreign.numero) déjà attribué dans une autre académie / taken")])
            }
            var added = 0
            for start in stride(from: 0, to: lignes.count, by: 1000) {
                let batch = lignes[start..<min(start + 1000, lignes.count)]
                let rows = try await connection.query("""
                    INSERT INTO \(unescaped: s).inscriptions (candidat_id, epreuve)
                    SELECT * FROM unnest(\(batch.map { ids[$0.numero]! })::uuid[], \(batch.map(\.epreuve))::text[])
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger)
                for try await _ in rows { added += 1 }
            }
            return ImportResult(candidats: candidats.count, inscriptions: added)
        }
    }

    struct Candidat: Codable, Sendable {
        var id: UUID
        var numero: String
        var nom: String
        var prenoms: String
        var naissance: String
        var categorie: String
        var uai: String?
        var division: String?
        var filiere: String
        var epreuves: [String]
        /// The centre each of `epreuves` is assigned to, "" while unassigned.
        var centres: [String]
        /// Each registration's status (inscrit, dispense, absent_justifie, or the result received).
        var statuts: [String]
    }

    /// Candidates of a session, limited to an académie and, for a school, to its own pupils.
    func candidats(session: Int, academie: String?, uai: String?, epreuve: String?, numero: String? = nil, page: Int = 1,
                   parPage: Int = 1) async throws -> (items: [Candidat], total: Int) {
        let rows = try await client.query("""
            SELECT c.id, c.numero, c.nom, c.prenoms, to_char(c.naissance, 'YYYY-MM-DD'), c.categorie, c.uai_origine,
                   c.division, c.filiere, array_agg(i.epreuve ORDER BY i.epreuve),
                   array_agg(coalesce(a.centre, '') ORDER BY i.epreuve), array_agg(i.statut ORDER BY i.epreuve),
                   count(*) OVER ()::int
            FROM \(unescaped: s).candidats c JOIN \(unescaped: s).inscriptions i ON i.candidat_id = c.id
            LEFT JOIN \(unescaped: s).affectations a ON a.candidat_id = i.candidat_id AND a.epreuve = i.epreuve
            WHERE c.session = \(session) AND (\(academie)::text IS NULL OR c.academie = \(academie))
              AND (\(uai)::text IS NULL OR c.uai_origine = \(uai)) AND (\(numero)::text IS NULL OR c.numero = \(numero))
              AND (\(epreuve)::text IS NULL OR EXISTS (SELECT 1 FROM \(unescaped: s).inscriptions j
                                                     WHERE j.candidat_id = c.id AND j.epreuve = \(epreuve)))
            GROUP BY c.id ORDER BY c.nom, c.prenoms, c.numero
            LIMIT \(parPage) OFFSET \((page - 1) * parPage)
            """, logger: logger)
        var items: [Candidat] = []
        var total = 0
        for try await (id, numero, nom, prenoms, naissance, categorie, uai, division, filiere, epreuves, centres, statuts, count)
            in rows.decode((UUID, String, String, String, String, String, String?, String?, String, [String], [String], [String], Int).self) {
            items.append(Candidat(id: id, numero: numero, nom: nom, prenoms: prenoms, naissance: naissance,
                                  categorie: categorie, uai: uai, division: division, filiere: filiere, epreuves: epreuves,
                                  centres: centres, statuts: statuts))
            total = count
        }
        return (items, total)
    }

    /// "Remontée des notes" for one centre × exam: what came back from Correction, and who is missing.
    struct LigneRemontee: Codable, Sendable, Equatable {
        var centre: String
        var epreuve: String
        var affectes: Int
        var notes: Int
        var absents: Int
        var dispenses: Int
        var manquants: Int
        /// Candidate numbers still without a result (the first 200).
        var candidatsManquants: [String]
    }

    func remontee(session: Int, academie: String?, centre: String?, epreuve: String?) async throws -> [LigneRemontee] {
        let rows = try await client.query("""
            SELECT a.centre, a.epreuve, count(*)::int,
                   count(*) FILTER (WHERE n.resultat = 'note')::int,
                   count(*) FILTER (WHERE n.resultat IN ('absent_justifie', 'absent_injustifie'))::int,
                   count(*) FILTER (WHERE n.resultat = 'dispense')::int,
                   count(*) FILTER (WHERE n.candidat_id IS NULL)::int,
                   COALESCE((array_agg(c.numero ORDER BY c.numero) FILTER (WHERE n.candidat_id IS NULL))[1:200], '{}')
            FROM \(unescaped: s).affectations a
            JOIN \(unescaped: s).candidats c ON c.id = a.candidat_id
            LEFT JOIN \(unescaped: s).notes n ON n.candidat_id = a.candidat_id AND n.epreuve = a.epreuve
            WHERE c.session = \(session) AND (\(academie)::text IS NULL OR c.academie = \(academie))
              AND (\(centre)::text IS NULL OR a.centre = \(centre)) AND (\(epreuve)::text IS NULL OR a.epreuve = \(epreuve))
            GROUP BY a.centre, a.epreuve ORDER BY a.centre, a.epreuve
            """, logger: logger)
        var lines: [LigneRemontee] = []
        for try await (centre, epreuve, affectes, notes, absents, dispenses, manquants, numeros) in rows.decode(
            (String, String, Int, Int, Int, Int, Int, [String]).self) {
            lines.append(LigneRemontee(centre: centre, epreuve: epreuve, affectes: affectes, notes: notes, absents: absents,
                                       dispenses: dispenses, manquants: manquants, candidatsManquants: numeros))
        }
        return lines
    }

    /// A grade in force, per candidate, as the jury reads it.
    struct NoteCandidat: Codable, Sendable {
        /// Santorin's id of the candidate too: the gestionnaire asks it for a re-marking by it.
        var candidatId: UUID
        var numero: String
        var nom: String
        var prenoms: String
        var epreuve: String
        var centre: String
        /// `note`, `absent_injustifie` (0), `absent_justifie`, `dispense`.
        var resultat: String
        var demiPoints: Int?
        /// How many earlier grades a re-closure replaced.
        var remplacees: Int
        var recueLe: Date
        /// The candidate's school, if any.
        var uai: String?
        /// The version of the closure that gave this grade (nil for one received before versions were kept).
        var versionCloture: Int?
        /// The grades a re-closure replaced, oldest first.
        var historique: [NoteRemplacee]
    }

    struct NoteRemplacee: Codable, Sendable {
        var resultat: String
        var demiPoints: Int?
        var recueLe: Date
        var remplaceeLe: Date
        /// Why a re-marking after closing replaced it (nil: a re-closure did).
        var motif: String?
    }

    /// The grades received for an académie's candidates (all of them for a national reader; a school's
    /// pupils only with `uai`), by exam and centre, by candidate number; with how many there are in all.
    func notes(session: Int, academie: String?, uai: String? = nil, epreuve: String?, centre: String?, page: Int = 1,
               perPage: Int = 1_000_000) async throws -> (items: [NoteCandidat], total: Int) {
        // The replaced grades travel as one JSON array per row (UTC dates in ISO 8601).
        let rows = try await client.query("""
            SELECT n.candidat_id, c.numero, c.nom, c.prenoms, n.epreuve, n.centre, n.resultat, n.demi_points, n.received_at, c.uai_origine,
                   k.closure_version,
                   COALESCE((SELECT json_agg(json_build_object('resultat', h.resultat, 'demiPoints', h.demi_points,
                                 'recueLe', to_char(h.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                 'remplaceeLe', to_char(h.replaced_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                 'motif', h.motif)
                                 ORDER BY h.replaced_at)
                             FROM \(unescaped: s).notes_historique h WHERE h.candidat_id = n.candidat_id AND h.epreuve = n.epreuve),
                            '[]')::text,
                   count(*) OVER ()::int
            FROM \(unescaped: s).notes n JOIN \(unescaped: s).candidats c ON c.id = n.candidat_id
            LEFT JOIN \(unescaped: s).clotures k ON k.session = c.session AND k.epreuve = n.epreuve AND k.centre = n.centre
                AND k.closure_id = n.closure_id
            WHERE c.session = \(session) AND (\(academie)::text IS NULL OR c.academie = \(academie))
              AND (\(uai)::text IS NULL OR c.uai_origine = \(uai))
              AND (\(epreuve)::text IS NULL OR n.epreuve = \(epreuve)) AND (\(centre)::text IS NULL OR n.centre = \(centre))
            ORDER BY n.epreuve, n.centre, c.numero
            LIMIT \(perPage) OFFSET \((page - 1) * perPage)
            """, logger: logger)
        var items: [NoteCandidat] = []
        var total = 0
        for try await (id, numero, nom, prenoms, epreuve, centre, resultat, points, recue, origine, version, historique, count) in rows.decode(
            (UUID, String, String, String, String, String, String, Int?, Date, String?, Int?, String, Int).self) {
            total = count
            let remplacees = try JSONDecoder.iso.decode([NoteRemplacee].self, from: Data(historique.utf8))
            items.append(NoteCandidat(candidatId: id, numero: numero, nom: nom, prenoms: prenoms, epreuve: epreuve, centre: centre, resultat: resultat,
                                      demiPoints: points, remplacees: remplacees.count, recueLe: recue, uai: origine,
                                      versionCloture: version, historique: remplacees))
        }
        return (items, total)
    }

    /// The grade in force of one registration and how many it replaced (for the remontée and tests).
    func note(candidat: UUID, epreuve: String) async throws -> (resultat: String, demiPoints: Int?, remplacees: Int)? {
        let rows = try await client.query("""
            SELECT n.resultat, n.demi_points,
                   (SELECT count(*)::int FROM \(unescaped: s).notes_historique h WHERE h.candidat_id = n.candidat_id AND h.epreuve = n.epreuve)
            FROM \(unescaped: s).notes n WHERE n.candidat_id = \(candidat) AND n.epreuve = \(epreuve)
            """, logger: logger)
        for try await (resultat, points, remplacees) in rows.decode((String, Int?, Int).self) {
            return (resultat, points, remplacees)
        }
        return nil
    }

    // MARK: sessions and single candidates

    func sessions() async throws -> [(annee: Int, etat: String)] {
        try await client.query("SELECT annee, etat FROM \(unescaped: s).sessions ORDER BY annee DESC", logger: logger)
            .collect().map { try $0.decode((Int, String).self) }.map { (annee: $0.0, etat: $0.1) }
    }

    /// Corrects a candidate's identity (the import's rules have checked it); false when not theirs or unknown.
    func update(_ ligne: LigneCandidat, session: Int, academie: String) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE \(unescaped: s).candidats SET nom = \(ligne.nom), prenoms = \(ligne.prenoms), naissance = \(ligne.naissance)::date,
                categorie = \(ligne.categorie), uai_origine = \(ligne.uai), division = \(ligne.division), filiere = \(ligne.filiere)
            WHERE session = \(session) AND numero = \(ligne.numero) AND academie = \(academie) RETURNING 1
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    /// Adds the registration or sets its status before the exam (inscrit, dispensé, absent justifié).
    /// A graded registration belongs to the remontée and is not changed here.
    func setInscription(session: Int, numero: String, epreuve: String, statut: String, academie: String) async throws -> ChangementInscription {
        try await client.withTransaction(logger: logger) { connection in
            let ids = try await connection.query("""
                SELECT id, filiere FROM \(unescaped: s).candidats WHERE session = \(session) AND numero = \(numero) AND academie = \(academie)
                """, logger: logger).collect()
            guard let (id, filiere) = try ids.first?.decode((UUID, String).self) else { return .inconnu }
            guard EpreuvePratique(rawValue: epreuve)?.filiere == filiere else {
                return .refuse("\(epreuve) n'est pas une épreuve de la filière \(filiere) / not of this track")
            }
            let graded = try await connection.query("""
                SELECT 1 FROM \(unescaped: s).notes WHERE candidat_id = \(id) AND epreuve = \(epreuve)
                """, logger: logger).collect()
            guard graded.isEmpty else { return .refuse("résultat déjà reçu / already graded") }
            try await connection.query("""
                INSERT INTO \(unescaped: s).inscriptions (candidat_id, epreuve, statut) VALUES (\(id), \(epreuve), \(statut))
                ON CONFLICT (candidat_id, epreuve) DO UPDATE SET statut = EXCLUDED.statut
                """, logger: logger)
            return .fait
        }
    }

    /// Removes a registration that is neither assigned to a centre nor graded.
    func deleteInscription(session: Int, numero: String, epreuve: String, academie: String) async throws -> ChangementInscription {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT c.id, EXISTS (SELECT 1 FROM \(unescaped: s).affectations a WHERE a.candidat_id = c.id AND a.epreuve = i.epreuve),
                       EXISTS (SELECT 1 FROM \(unescaped: s).notes n WHERE n.candidat_id = c.id AND n.epreuve = i.epreuve)
                FROM \(unescaped: s).candidats c JOIN \(unescaped: s).inscriptions i ON i.candidat_id = c.id AND i.epreuve = \(epreuve)
                WHERE c.session = \(session) AND c.numero = \(numero) AND c.academie = \(academie) FOR UPDATE OF i
                """, logger: logger).collect()
            guard let (id, assigned, graded) = try rows.first?.decode((UUID, Bool, Bool).self) else { return .inconnu }
            if graded { return .refuse("résultat déjà reçu / already graded") }
            if assigned { return .refuse("affecté à un centre : retirez d'abord l'affectation / assigned to a centre") }
            try await connection.query("""
                DELETE FROM \(unescaped: s).inscriptions WHERE candidat_id = \(id) AND epreuve = \(epreuve)
                """, logger: logger)
            return .fait
        }
    }
}
