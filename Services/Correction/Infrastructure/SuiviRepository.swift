import Foundation
import Logging
import PostgresNIO
import Shared

/// Following the correction (road map "Suivre la correction") and its statistics, straight from
/// the sheets: aggregates in SQL, so a national session (240,000 sheets) answers in well under a second.
struct SuiviRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let logger: Logger

    private var s: String { schema.name }

    struct Avancement: Codable, Sendable {
        var academie: String
        var centre: String
        var epreuve: String
        var etat: String
        var candidats: Int
        var nonDistribues: Int
        var aNoter: Int
        var brouillons: Int
        var notees: Int
        var absents: Int
        var lots: Int
        var lotsVerrouilles: Int
    }

    /// Progress per commission (to grade / draft / graded / absent / locked lots); with
    /// `parAcademie`, summed per académie and exam (the national view: `centre` is then "").
    func avancement(session: Int, epreuve: String?, _ p: Perimetre, parAcademie: Bool = false) async throws -> [Avancement] {
        let rows = try await client.query("""
            SELECT academie, CASE WHEN \(parAcademie) THEN '' ELSE centre END, epreuve,
                   CASE WHEN bool_and(etat = 'close') THEN 'close' ELSE 'ouverte' END,
                   sum(total)::int, sum(libres)::int, sum(a_noter)::int, sum(brouillons)::int, sum(notees)::int, sum(absents)::int,
                   sum(lots)::int, sum(verrouilles)::int
            FROM (SELECT c.academie, c.centre, c.epreuve, c.etat,
                   COALESCE(f.total, 0) AS total, COALESCE(f.libres, 0) AS libres, COALESCE(f.a_noter, 0) AS a_noter,
                   COALESCE(f.brouillons, 0) AS brouillons, COALESCE(f.notees, 0) AS notees, COALESCE(f.absents, 0) AS absents,
                   COALESCE(g.lots, 0) AS lots, COALESCE(g.verrouilles, 0) AS verrouilles
            FROM \(unescaped: s).commissions c
            LEFT JOIN (SELECT epreuve, centre, count(*)::int AS total, (count(*) FILTER (WHERE groupe_id IS NULL))::int AS libres,
                              (count(*) FILTER (WHERE statut = 'a_noter'))::int AS a_noter,
                              (count(*) FILTER (WHERE statut = 'brouillon'))::int AS brouillons,
                              (count(*) FILTER (WHERE statut = 'notee'))::int AS notees,
                              (count(*) FILTER (WHERE statut = 'absent'))::int AS absents
                       FROM \(unescaped: s).fiches WHERE session = \(session) AND (\(p.centre)::text IS NULL OR centre = \(p.centre))
                         AND (\(epreuve)::text IS NULL OR epreuve = \(epreuve)) GROUP BY epreuve, centre) f
                ON f.epreuve = c.epreuve AND f.centre = c.centre
            LEFT JOIN (SELECT epreuve, centre, count(*)::int AS lots, (count(*) FILTER (WHERE verrouille))::int AS verrouilles
                       FROM \(unescaped: s).groupes WHERE session = \(session) AND (\(p.centre)::text IS NULL OR centre = \(p.centre))
                       GROUP BY epreuve, centre) g
                ON g.epreuve = c.epreuve AND g.centre = c.centre
            WHERE c.session = \(session) AND (\(epreuve)::text IS NULL OR c.epreuve = \(epreuve))
              AND (\(p.academie)::text IS NULL OR c.academie = \(p.academie)) AND (\(p.centre)::text IS NULL OR c.centre = \(p.centre))
              AND (\(p.epreuves)::text[] IS NULL OR c.epreuve = ANY(\(p.epreuves)))) x
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, logger: logger)
        var result: [Avancement] = []
        for try await r in rows.decode((String, String, String, String, Int, Int, Int, Int, Int, Int, Int, Int).self) {
            result.append(Avancement(academie: r.0, centre: r.1, epreuve: r.2, etat: r.3, candidats: r.4, nonDistribues: r.5,
                                     aNoter: r.6, brouillons: r.7, notees: r.8, absents: r.9, lots: r.10, lotsVerrouilles: r.11))
        }
        return result
    }

    /// The candidates of the perimeter's commissions with their centre and slot, by exam, centre and
    /// number: numero, nom, prénoms, school, exam, centre, day (aaaa-mm-jj) and half-day ("" when not placed).
    func candidats(session: Int, epreuve: String?, _ p: Perimetre) async throws -> [[String]] {
        let rows = try await client.query("""
            SELECT f.numero, f.nom, f.prenoms, COALESCE(f.uai_origine, ''), f.epreuve, f.centre,
                   COALESCE(to_char(k.jour, 'YYYY-MM-DD'), ''), COALESCE(k.demi_journee, '')
            FROM \(unescaped: s).fiches f
            JOIN \(unescaped: s).commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
            LEFT JOIN \(unescaped: s).creneaux k ON k.id = f.creneau_id
            WHERE f.session = \(session) AND (\(epreuve)::text IS NULL OR f.epreuve = \(epreuve))
              AND (\(p.academie)::text IS NULL OR c.academie = \(p.academie)) AND (\(p.centre)::text IS NULL OR f.centre = \(p.centre))
              AND (\(p.epreuves)::text[] IS NULL OR f.epreuve = ANY(\(p.epreuves)))
            ORDER BY f.epreuve, f.centre, f.numero
            """, logger: logger)
        var lignes: [[String]] = []
        for try await r in rows.decode((String, String, String, String, String, String, String, String).self) {
            lignes.append([r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7])
        }
        return lignes
    }

    /// Count, mean, standard deviation, and the number of marks in each whole point 0 … 20 (one
    /// aggregate per bucket: a single pass over the sheets).
    private static let serieColumns = """
        count(note_finale)::int, (avg(note_finale) / 2)::float8, (stddev_pop(note_finale) / 2)::float8, ARRAY[\
        \((0...20).map { "count(*) FILTER (WHERE note_finale / 2 = \($0))::int" }.joined(separator: ", "))]
        """

    private static func serie(_ r: (Int, Double?, Double?, [Int])) -> Serie {
        Serie(effectif: r.0, moyenne: r.1, ecartType: r.2, distribution: r.3)
    }

    /// An examiner's own marks, per exam: the graded sheets of the commissions where they are
    /// convoked (no index on the grader: a save would then update every index of the sheet).
    func examinateur(_ intervenants: [UUID], session: Int) async throws -> [String: Serie] {
        let rows = try await client.query("""
            SELECT f.epreuve, \(unescaped: Self.serieColumns)
            FROM (SELECT DISTINCT session, epreuve, centre FROM \(unescaped: s).examinateurs
                  WHERE intervenant_id = ANY(\(intervenants)) AND session = \(session)) c
            JOIN \(unescaped: s).fiches f ON f.session = c.session AND f.epreuve = c.epreuve AND f.centre = c.centre
            WHERE f.examinateur_id = ANY(\(intervenants)) AND f.statut = 'notee'
            GROUP BY f.epreuve
            """, logger: logger)
        var result: [String: Serie] = [:]
        for try await r in rows.decode((String, Int, Double?, Double?, [Int]).self) { result[r.0] = Self.serie((r.1, r.2, r.3, r.4)) }
        return result
    }

    struct StatSujet: Codable, Sendable {
        var sujetId: UUID
        var code: String
        var serie: Serie
        /// Mean minus the mean of every subject of the exam in the same perimeter: how much easier
        /// (positive) or harder (negative) the subject graded.
        var ecartALaMoyenne: Double?
        /// Per criterion, how many candidates got each level (after the aids' caps).
        var niveaux: [String: [String: Int]]
    }

    struct StatGroupe: Codable, Sendable {
        var code: String
        var serie: Serie
    }

    struct Statistiques: Codable, Sendable {
        var ensemble: Serie
        var sujets: [StatSujet]
        var centres: [StatGroupe]
        var academies: [StatGroupe]
    }

    /// One exam's statistics within a perimeter: overall, per subject (with the levels of each
    /// criterion and the comparison across the bank), per académie, and per centre within an
    /// académie or a centre (nationally that list would be thousands long). The queries run side
    /// by side; the commissions are joined only where the académie matters.
    func statistiques(session: Int, epreuve: String, _ p: Perimetre) async throws -> Statistiques {
        @Sendable func binds() -> PostgresBindings {
            var b = PostgresBindings()
            b.append(session)
            b.append(epreuve)
            b.append(p.academie)
            b.append(p.centre)
            return b
        }
        let scope = "f.session = $1 AND f.epreuve = $2 AND f.statut = 'notee' AND ($3::text IS NULL OR c.academie = $3) AND ($4::text IS NULL OR f.centre = $4)"
        let joined = "FROM \(s).fiches f JOIN \(s).commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre"
        let national = p.academie == nil
        let from = national ? "FROM \(s).fiches f" : joined
        let filter = national ? "f.session = $1 AND f.epreuve = $2 AND f.statut = 'notee' AND ($3::text IS NULL) AND ($4::text IS NULL OR f.centre = $4)" : scope
        let empty = Serie(effectif: 0, moyenne: nil, ecartType: nil, distribution: Array(repeating: 0, count: 21))

        @Sendable func series(_ key: String, from: String, filter: String) async throws -> [(String, Serie)] {
            let rows = try await client.query(PostgresQuery(unsafeSQL: """
                SELECT \(key), \(Self.serieColumns) \(from) WHERE \(filter) GROUP BY \(key) ORDER BY \(key)
                """, binds: binds()), logger: logger)
            var result: [(String, Serie)] = []
            for try await r in rows.decode((String, Int, Double?, Double?, [Int]).self) { result.append((r.0, Self.serie((r.1, r.2, r.3, r.4)))) }
            return result
        }
        @Sendable func parSujet() async throws -> [(UUID, String, Serie)] {
            let rows = try await client.query(PostgresQuery(unsafeSQL: """
                SELECT f.sujet_id, su.code, \(Self.serieColumns) \(from) JOIN \(s).sujets su ON su.id = f.sujet_id
                WHERE \(filter) GROUP BY f.sujet_id, su.code ORDER BY su.code
                """, binds: binds()), logger: logger)
            var result: [(UUID, String, Serie)] = []
            for try await r in rows.decode((UUID, String, Int, Double?, Double?, [Int]).self) { result.append((r.0, r.1, Self.serie((r.2, r.3, r.4, r.5)))) }
            return result
        }
        @Sendable func niveaux() async throws -> [UUID: [String: [String: Int]]] {
            // Nationally the levels are counted straight from their table.
            let query = national && p.centre == nil
                ? "SELECT e.sujet_id, e.critere, e.niveau, count(*)::int FROM \(s).evaluations e WHERE e.session = $1 AND e.epreuve = $2 AND $3::text IS NULL AND $4::text IS NULL AND e.niveau IS NOT NULL GROUP BY 1, 2, 3"
                : "SELECT e.sujet_id, e.critere, e.niveau, count(*)::int FROM \(s).evaluations e JOIN \(s).fiches f ON f.id = e.fiche_id JOIN \(s).commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre WHERE e.session = $1 AND e.epreuve = $2 AND \(scope) AND e.niveau IS NOT NULL GROUP BY 1, 2, 3"
            let rows = try await client.query(PostgresQuery(unsafeSQL: query, binds: binds()), logger: logger)
            var result: [UUID: [String: [String: Int]]] = [:]
            for try await (sujet, critere, niveau, n) in rows.decode((UUID, String, String, Int).self) {
                result[sujet, default: [:]][critere, default: [:]][niveau] = n
            }
            return result
        }
        async let ensemble = series("f.epreuve", from: from, filter: filter)
        async let sujets = parSujet()
        async let levels = niveaux()
        async let academies = series("c.academie", from: joined, filter: scope)
        async let centres = national && p.centre == nil ? [] : series("f.centre", from: from, filter: filter)
        let overall = try await ensemble.first?.1 ?? empty
        let niveauxParSujet = try await levels
        return Statistiques(
            ensemble: overall,
            sujets: try await sujets.map { id, code, serie in
                StatSujet(sujetId: id, code: code, serie: serie,
                          ecartALaMoyenne: serie.moyenne.flatMap { m in overall.moyenne.map { m - $0 } },
                          niveaux: niveauxParSujet[id] ?? [:])
            },
            centres: try await centres.map { StatGroupe(code: $0.0, serie: $0.1) },
            academies: try await academies.map { StatGroupe(code: $0.0, serie: $0.1) })
    }
}

// MARK: examiners' statistics (harmonisation)

extension SuiviRepository {

    /// Per examiner and per lot of the perimeter (or the examiners `seulement`, the examiner's own
    /// view), on one exam: their marks and, per subject, the same subject's other sheets in their
    /// académie and in the country — the reference excludes the examiner's (the lot's) own sheets,
    /// so an examiner is not compared with themself. One pass over the exam's graded sheets (the
    /// grader column has no index: see `examinateur`), then the levels.
    func examinateurs(session: Int, epreuve: String, _ p: Perimetre, seulement: [UUID]? = nil) async throws -> (examinateurs: [Agregat], lots: [Agregat]) {
        let rows = try await client.query("""
            WITH f AS (
                SELECT f.examinateur_id AS examinateur, f.groupe_id AS lot, f.sujet_id AS sujet, c.academie, f.note_finale::float8 AS x,
                       (\(p.academie)::text IS NULL OR c.academie = \(p.academie)) AND (\(p.centre)::text IS NULL OR f.centre = \(p.centre))
                       AND (\(seulement)::uuid[] IS NULL OR f.examinateur_id = ANY(\(seulement))) AS dedans
                FROM \(unescaped: s).fiches f
                JOIN \(unescaped: s).commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
                WHERE f.session = \(session) AND f.epreuve = \(epreuve) AND f.statut = 'notee' AND f.note_finale IS NOT NULL
                  AND f.sujet_id IS NOT NULL AND f.examinateur_id IS NOT NULL),
            aca AS (SELECT sujet, academie, count(*)::float8 AS n, sum(x) AS s, sum(x * x) AS q FROM f GROUP BY 1, 2),
            nat AS (SELECT sujet, sum(n) AS n, sum(s) AS s, sum(q) AS q FROM aca GROUP BY 1),
            propre AS (
                SELECT GROUPING(examinateur) = 0 AS par_examinateur, COALESCE(examinateur, lot) AS id, sujet, academie,
                       count(*)::float8 AS n, sum(x) AS s, sum(x * x) AS q
                FROM f WHERE dedans AND lot IS NOT NULL
                GROUP BY GROUPING SETS ((examinateur, sujet, academie), (lot, sujet, academie))),
            -- Per subject, the reference without the examiner's own sheets: n, mean, variance.
            ref AS (
                SELECT p.*, a.n - p.n AS an, (a.s - p.s) / NULLIF(a.n - p.n, 0) AS am,
                       (a.q - p.q) / NULLIF(a.n - p.n, 0) - ((a.s - p.s) / NULLIF(a.n - p.n, 0)) ^ 2 AS av,
                       t.n - p.n AS tn, (t.s - p.s) / NULLIF(t.n - p.n, 0) AS tm,
                       (t.q - p.q) / NULLIF(t.n - p.n, 0) - ((t.s - p.s) / NULLIF(t.n - p.n, 0)) ^ 2 AS tv
                FROM propre p JOIN aca a ON a.sujet = p.sujet AND a.academie = p.academie JOIN nat t ON t.sujet = p.sujet),
            cle AS (
                SELECT par_examinateur, id, sum(n)::int AS n, sum(s) AS s, sum(q) AS q,
                       COALESCE(sum(n) FILTER (WHERE an > 0), 0)::int AS an, COALESCE(sum(n * am) FILTER (WHERE an > 0), 0) AS ar,
                       COALESCE(sum(s - n * am) FILTER (WHERE an > 0), 0) AS ae, COALESCE(sum(n * greatest(av, 0)) FILTER (WHERE an > 0), 0) AS av,
                       COALESCE(sum(n) FILTER (WHERE tn > 0), 0)::int AS tn, COALESCE(sum(n * tm) FILTER (WHERE tn > 0), 0) AS tr,
                       COALESCE(sum(s - n * tm) FILTER (WHERE tn > 0), 0) AS te, COALESCE(sum(n * greatest(tv, 0)) FILTER (WHERE tn > 0), 0) AS tv
                FROM ref GROUP BY par_examinateur, id)
            SELECT k.par_examinateur, k.id,
                   CASE WHEN k.par_examinateur THEN COALESCE((SELECT e.nom || ' ' || e.prenom || ' (' || e.login || ')' FROM \(unescaped: s).examinateurs e
                       WHERE e.intervenant_id = k.id AND e.session = \(session) ORDER BY e.active DESC LIMIT 1), '') ELSE COALESCE(g.nom, '') END,
                   COALESCE(g.centre, ''), k.n, k.s, k.q, k.an, k.ar, k.ae, k.av, k.tn, k.tr, k.te, k.tv
            FROM cle k LEFT JOIN \(unescaped: s).groupes g ON NOT k.par_examinateur AND g.id = k.id
            ORDER BY 1 DESC, 3, 4
            """, logger: logger)
        var examinateurs: [Agregat] = [], lots: [Agregat] = []
        for try await r in rows.decode((Bool, UUID, String, String, Int, Double, Double, Int, Double, Double, Double, Int, Double, Double, Double).self) {
            let a = Agregat(id: r.1, nom: r.2, centre: r.3, effectif: r.4, somme: r.5, carres: r.6,
                            academie: Comparaison(comparees: r.7, reference: r.8, ecart: r.9, variance: r.10),
                            national: Comparaison(comparees: r.11, reference: r.12, ecart: r.13, variance: r.14))
            if r.0 { examinateurs.append(a) } else { lots.append(a) }
        }
        guard !examinateurs.isEmpty else { return ([], []) }
        // The levels per criterion, per examiner and per lot, of the same sheets.
        let niveaux = try await client.query("""
            SELECT GROUPING(f.examinateur_id) = 0, COALESCE(f.examinateur_id, f.groupe_id), e.critere, e.niveau, count(*)::int
            FROM \(unescaped: s).evaluations e
            JOIN \(unescaped: s).fiches f ON f.id = e.fiche_id
            JOIN \(unescaped: s).commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
            WHERE e.session = \(session) AND e.epreuve = \(epreuve) AND e.niveau IS NOT NULL AND f.statut = 'notee'
              AND f.note_finale IS NOT NULL AND f.examinateur_id IS NOT NULL AND f.groupe_id IS NOT NULL
              AND (\(p.academie)::text IS NULL OR c.academie = \(p.academie)) AND (\(p.centre)::text IS NULL OR f.centre = \(p.centre))
              AND (\(seulement)::uuid[] IS NULL OR f.examinateur_id = ANY(\(seulement)))
            GROUP BY GROUPING SETS ((f.examinateur_id, e.critere, e.niveau), (f.groupe_id, e.critere, e.niveau))
            """, logger: logger)
        var parExaminateur: [UUID: [String: [String: Int]]] = [:], parLot: [UUID: [String: [String: Int]]] = [:]
        for try await (examinateur, id, critere, niveau, n) in niveaux.decode((Bool, UUID, String, String, Int).self) {
            if examinateur { parExaminateur[id, default: [:]][critere, default: [:]][niveau] = n } else { parLot[id, default: [:]][critere, default: [:]][niveau] = n }
        }
        for i in examinateurs.indices { examinateurs[i].niveaux = parExaminateur[examinateurs[i].id] ?? [:] }
        for i in lots.indices { lots[i].niveaux = parLot[lots[i].id] ?? [:] }
        return (examinateurs, lots)
    }

    /// The fewest other examiners behind any one of the subjects the examiner `ids` graded on one exam,
    /// in the same académie and in the country — the people behind the examiner's "anonymous"
    /// references. Per subject: two others in all, each alone on a subject, would each be named by
    /// that subject's mean.
    func autresExaminateurs(session: Int, epreuve: String, _ ids: [UUID]) async throws -> (academie: Int, national: Int) {
        let rows = try await client.query("""
            WITH f AS (
                SELECT f.examinateur_id AS e, f.sujet_id AS sujet, c.academie
                FROM \(unescaped: s).fiches f
                JOIN \(unescaped: s).commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
                WHERE f.session = \(session) AND f.epreuve = \(epreuve) AND f.statut = 'notee' AND f.note_finale IS NOT NULL
                  AND f.sujet_id IS NOT NULL AND f.examinateur_id IS NOT NULL),
            mien AS (SELECT DISTINCT sujet, academie FROM f WHERE e = ANY(\(ids))),
            aca AS (SELECT m.sujet, m.academie, count(DISTINCT f.e) AS n FROM mien m
                    LEFT JOIN f ON f.sujet = m.sujet AND f.academie = m.academie AND f.e <> ALL(\(ids)) GROUP BY 1, 2),
            nat AS (SELECT m.sujet, count(DISTINCT f.e) AS n FROM (SELECT DISTINCT sujet FROM mien) m
                    LEFT JOIN f ON f.sujet = m.sujet AND f.e <> ALL(\(ids)) GROUP BY 1)
            SELECT COALESCE((SELECT min(n) FROM aca), 0)::int, COALESCE((SELECT min(n) FROM nat), 0)::int
            """, logger: logger).collect()
        let (academie, national) = try rows.first?.decode((Int, Int).self) ?? (0, 0)
        return (academie, national)
    }
}


/// Where a request looks: a centre, an académie, or the whole country.
struct Perimetre: Sendable {
    var academie: String?
    var centre: String?
    /// For coordinators: only the exams they coordinate.
    var epreuves: [String]?
}

/// Marks in half points: count, mean and the distribution by whole point (0 … 20).
struct Serie: Codable, Sendable {
    var effectif: Int
    /// Out of 20 (a statistic, not a grade: a float is fine here).
    var moyenne: Double?
    var ecartType: Double?
    var distribution: [Int]
}

/// One examiner's or one lot's marks against the other sheets of the same subjects: `ecart` is the
/// sum over its sheets of (mark − the reference's mean for that sheet's subject), `variance` the
/// sum of the reference's variances (half points); sheets whose subject nobody else graded are left
/// out of `comparees`.
struct Comparaison: Sendable {
    var comparees: Int
    var reference: Double
    var ecart: Double
    var variance: Double
}

struct Agregat: Sendable {
    /// The intervenant (examiner) or the lot.
    var id: UUID
    /// "Nom Prénom (login)": two examiners may share a name.
    var nom: String
    /// The lot's centre ("" for an examiner).
    var centre: String
    var effectif: Int
    var somme: Double
    var carres: Double
    var academie: Comparaison
    var national: Comparaison
    /// Per criterion, how many of each level.
    var niveaux: [String: [String: Int]] = [:]
}
