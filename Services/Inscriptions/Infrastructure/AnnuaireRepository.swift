import Foundation
import Logging
import PostgresNIO
import Shared

struct Academie: Codable, Sendable, Equatable {
    var code: String
    var nom: String
    /// `academie`, or `regroupement` of centres abroad (an académie-level perimeter).
    var nature: String
}

struct BilanAnnuaire: Codable, Sendable, Equatable {
    var crees = 0
    var modifies = 0
    var inchanges = 0
}

/// The directory Cyclades keeps: académies (and regroupements of centres abroad), schools, and the
/// schools that are centres d'épreuve, in the `inscriptions` schema.
struct AnnuaireRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let logger: Logger

    private var s: String { schema.name }

    func academies() async throws -> [Academie] {
        try await client.query("SELECT code, nom, nature FROM \(unescaped: s).academies ORDER BY code", logger: logger)
            .collect().map { try $0.decode((String, String, String).self) }.map { Academie(code: $0.0, nom: $0.1, nature: $0.2) }
    }

    /// Creates or renames; true when it was created.
    func enregistrer(_ academie: Academie) async throws -> Bool {
        let rows = try await client.query("""
            INSERT INTO \(unescaped: s).academies (code, nom, nature) VALUES (\(academie.code), \(academie.nom), \(academie.nature))
            ON CONFLICT (code) DO UPDATE SET nom = EXCLUDED.nom, nature = EXCLUDED.nature
            RETURNING xmax = 0
            """, logger: logger)
        for try await created in rows.decode(Bool.self) { return created }
        return false
    }

    func etablissement(_ uai: String) async throws -> (Etablissement, CentreDEpreuve?)? {
        let rows = try await client.query("""
            SELECT e.uai, e.nom, e.commune, e.academie, e.autonome, e.latitude, e.longitude,
                   c.capacite_demi_journee, c.demi_journees, c.salles,
                   COALESCE((SELECT array_agg(epreuve ORDER BY epreuve) FROM \(unescaped: s).centre_epreuves WHERE uai = e.uai), '{}')
            FROM \(unescaped: s).etablissements e LEFT JOIN \(unescaped: s).centres c ON c.uai = e.uai
            WHERE e.uai = \(uai)
            """, logger: logger)
        for try await (uai, nom, commune, academie, autonome, lat, lon, capacite, demi, salles, epreuves) in rows.decode(
            (String, String, String, String, Bool, Double?, Double?, Int?, Int?, [String]?, [String]).self) {
            let etablissement = Etablissement(uai: uai, nom: nom, commune: commune, academie: academie, autonome: autonome,
                                              latitude: lat, longitude: lon)
            let centre = capacite.map { CentreDEpreuve(capaciteDemiJournee: $0, demiJournees: demi ?? 1, epreuves: epreuves, salles: salles ?? []) }
            return (etablissement, centre)
        }
        return nil
    }

    enum Enregistrement {
        case fait(BilanAnnuaire)
        /// The schools refused, each with why: nothing was recorded.
        case refuse([(uai: String, raison: String)])
    }

    /// Creates or updates these schools in one transaction, all or nothing: a school may not move to
    /// another académie while it has candidates or hosts assigned candidates (its perimeter would
    /// change under them). Re-importing the same schools changes nothing (`inchanges`).
    /// `perimetre`: the académie of a gestionnaire, who never takes another académie's school (nil: the administrator).
    func enregistrer(_ etablissements: [Etablissement], perimetre: String?) async throws -> Enregistrement {
        try await client.withTransaction(logger: logger) { connection in
            let uais = etablissements.map(\.uai)
            // The schools that move, and whether anything of a session hangs on them.
            let rows = try await connection.query("""
                SELECT e.uai, e.academie,
                       EXISTS (SELECT 1 FROM \(unescaped: s).candidats k WHERE k.uai_origine = e.uai)
                       OR EXISTS (SELECT 1 FROM \(unescaped: s).affectations a WHERE a.centre = e.uai)
                FROM \(unescaped: s).etablissements e WHERE e.uai = ANY(\(uais)) ORDER BY e.uai FOR UPDATE
                """, logger: logger)
            var actuelles: [String: (String, Bool)] = [:]
            for try await (uai, academie, occupe) in rows.decode((String, String, Bool).self) { actuelles[uai] = (academie, occupe) }
            let refus = etablissements.compactMap { e -> (uai: String, raison: String)? in
                guard let (academie, occupe) = actuelles[e.uai], academie != e.academie else { return nil }
                if let perimetre, academie != perimetre {
                    return (e.uai, "établissement de l'académie \(academie) : pas de votre ressort / another académie's school")
                }
                guard occupe else { return nil }
                return (e.uai, "établissement de l'académie \(academie) avec des candidats : il n'en change pas / has candidates in its académie")
            }
            guard refus.isEmpty else { return .refuse(refus) }
            var bilan = BilanAnnuaire()
            for start in stride(from: 0, to: etablissements.count, by: 1000) {
                let lot = etablissements[start..<min(start + 1000, etablissements.count)]
                // Coordinates travel as text ('' for unknown): arrays of optional numbers do not bind.
                let changes = try await connection.query("""
                    INSERT INTO \(unescaped: s).etablissements (uai, nom, academie, commune, autonome, latitude, longitude)
                    SELECT u, n, a, c, au, NULLIF(la, '')::float8, NULLIF(lo, '')::float8
                    FROM unnest(\(lot.map(\.uai)), \(lot.map(\.nom)), \(lot.map(\.academie)), \(lot.map(\.commune)),
                                \(lot.map(\.autonome)), \(lot.map { $0.latitude.map { "\($0)" } ?? "" }),
                                \(lot.map { $0.longitude.map { "\($0)" } ?? "" })) AS t(u, n, a, c, au, la, lo)
                    ON CONFLICT (uai) DO UPDATE SET nom = EXCLUDED.nom, academie = EXCLUDED.academie, commune = EXCLUDED.commune,
                        autonome = EXCLUDED.autonome, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude
                    WHERE (etablissements.nom, etablissements.academie, etablissements.commune, etablissements.autonome,
                           etablissements.latitude, etablissements.longitude)
                          IS DISTINCT FROM (EXCLUDED.nom, EXCLUDED.academie, EXCLUDED.commune, EXCLUDED.autonome,
                                            EXCLUDED.latitude, EXCLUDED.longitude)
                    RETURNING xmax = 0
                    """, logger: logger)
                var touches = 0
                for try await cree in changes.decode(Bool.self) {
                    touches += 1
                    if cree { bilan.crees += 1 } else { bilan.modifies += 1 }
                }
                bilan.inchanges += lot.count - touches
            }
            return .fait(bilan)
        }
    }

    enum Changement { case fait, inconnu, refuse([String]) }

    /// Makes the school a centre d'épreuve, or changes what it hosts, under the rule of
    /// `CentreDEpreuve.refus`: the centre is locked, as assignments lock it, so no assignment slips
    /// in between the count and the change.
    func definirCentre(_ uai: String, _ centre: CentreDEpreuve?) async throws -> Changement {
        try await client.withTransaction(logger: logger) { connection in
            let existe = try await connection.query("SELECT 1 FROM \(unescaped: s).etablissements WHERE uai = \(uai) FOR UPDATE",
                                                    logger: logger).collect()
            guard !existe.isEmpty else { return .inconnu }
            try await connection.query("SELECT 1 FROM \(unescaped: s).centres WHERE uai = \(uai) FOR UPDATE", logger: logger).collect()
            let rows = try await connection.query("""
                SELECT a.epreuve, count(*)::int FROM \(unescaped: s).affectations a
                JOIN \(unescaped: s).candidats k ON k.id = a.candidat_id
                JOIN \(unescaped: s).sessions se ON se.annee = k.session AND se.etat = 'ouverte'
                WHERE a.centre = \(uai) GROUP BY a.epreuve
                """, logger: logger)
            var affectes: [String: Int] = [:]
            for try await (epreuve, nombre) in rows.decode((String, Int).self) { affectes[epreuve] = nombre }
            let refus = (centre ?? CentreDEpreuve(capaciteDemiJournee: 0, demiJournees: 0, epreuves: [], salles: [])).refus(affectes: affectes)
            guard refus.isEmpty else { return .refuse(refus) }
            guard let centre else {
                // Assignments of closed sessions keep the centre row (their history references it).
                let anciennes = try await connection.query("SELECT 1 FROM \(unescaped: s).affectations WHERE centre = \(uai) LIMIT 1",
                                                           logger: logger).collect()
                try await connection.query("DELETE FROM \(unescaped: s).centre_epreuves WHERE uai = \(uai)", logger: logger)
                if anciennes.isEmpty {
                    try await connection.query("DELETE FROM \(unescaped: s).centres WHERE uai = \(uai)", logger: logger)
                }
                return .fait
            }
            try await connection.query("""
                INSERT INTO \(unescaped: s).centres (uai, capacite_demi_journee, demi_journees, salles)
                VALUES (\(uai), \(centre.capaciteDemiJournee), \(centre.demiJournees), \(centre.salles))
                ON CONFLICT (uai) DO UPDATE SET capacite_demi_journee = EXCLUDED.capacite_demi_journee,
                    demi_journees = EXCLUDED.demi_journees, salles = EXCLUDED.salles
                """, logger: logger)
            try await connection.query("""
                DELETE FROM \(unescaped: s).centre_epreuves WHERE uai = \(uai) AND NOT (epreuve = ANY(\(centre.epreuves)))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO \(unescaped: s).centre_epreuves (uai, epreuve) SELECT \(uai), unnest(\(centre.epreuves)) ON CONFLICT DO NOTHING
                """, logger: logger)
            return .fait
        }
    }
}
