import Foundation
import Logging
import PostgresNIO
import Shared

/// One exam × centre d'épreuve in Santorin.
struct CommissionKey: Hashable, Sendable, Codable {
    var session: Int
    var epreuve: String
    var centre: String
}

struct Commission: Codable, Sendable {
    var session: Int
    var epreuve: String
    var centre: String
    var academie: String
    var etat: String
    var closureId: UUID?
    var closeLe: Date?

    var key: CommissionKey { CommissionKey(session: session, epreuve: epreuve, centre: centre) }
}

/// A commission's organisation: its examiners, groups (each group's candidates are its lot),
/// half-day slots with their subjects, and the distribution of candidates. Every change is audited.
struct CommissionRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let logger: Logger

    var s: String { schema.name }

    func commission(_ key: CommissionKey) async throws -> Commission? {
        let rows = try await client.query("""
            SELECT academie, etat, closure_id, close_le FROM \(unescaped: s).commissions
            WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
            """, logger: logger)
        for try await (academie, etat, closure, closeLe) in rows.decode((String, String, UUID?, Date?).self) {
            return Commission(session: key.session, epreuve: key.epreuve, centre: key.centre, academie: academie, etat: etat,
                              closureId: closure, closeLe: closeLe)
        }
        return nil
    }

    /// The caller's intervenant id when they hold an active examiner convocation on this exam × centre.
    /// Matched on the login (Imag'In's identifier, carried by the verified token): an account may
    /// predate the convocation and have another id.
    func examinateur(_ caller: Identity, on key: CommissionKey) async throws -> UUID? {
        let rows = try await client.query("""
            SELECT intervenant_id FROM \(unescaped: s).examinateurs
            WHERE login = \(caller.login) AND active AND kind = 'examinateur'
              AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) LIMIT 1
            """, logger: logger).collect()
        return try rows.first?.decode(UUID.self)
    }

    /// Whether the caller holds an active coordinator convocation for this exam in the académie.
    func isCoordinateur(_ caller: Identity, epreuve: String, session: Int, academie: String) async throws -> Bool {
        try await client.query("""
            SELECT 1 FROM \(unescaped: s).examinateurs
            WHERE login = \(caller.login) AND active AND kind = 'coordinateur' AND session = \(session) AND epreuve = \(epreuve)
              AND academie = \(academie) LIMIT 1
            """, logger: logger).collect().count == 1
    }

    /// The exams a person coordinates in a session and académie (active coordinator convocations).
    func coordinations(login: String, session: Int, academie: String) async throws -> [String] {
        let rows = try await client.query("""
            SELECT DISTINCT epreuve FROM \(unescaped: s).examinateurs
            WHERE login = \(login) AND active AND kind = 'coordinateur' AND session = \(session) AND academie = \(academie)
            ORDER BY epreuve
            """, logger: logger)
        var result: [String] = []
        for try await epreuve in rows.decode(String.self) { result.append(epreuve) }
        return result
    }

    /// The académie of a person's examiner convocation for an exam (their académie's threads).
    func academieConvoquee(login: String, session: Int, epreuve: String) async throws -> String? {
        let rows = try await client.query("""
            SELECT academie FROM \(unescaped: s).examinateurs
            WHERE login = \(login) AND active AND session = \(session) AND epreuve = \(epreuve) LIMIT 1
            """, logger: logger).collect()
        return try rows.first?.decode(String.self)
    }

    /// The intervenant ids a login holds examiner convocations under (for their own statistics).
    func intervenants(login: String) async throws -> [UUID] {
        let rows = try await client.query("""
            SELECT DISTINCT intervenant_id FROM \(unescaped: s).examinateurs WHERE login = \(login) AND kind = 'examinateur'
            """, logger: logger)
        var result: [UUID] = []
        for try await id in rows.decode(UUID.self) { result.append(id) }
        return result
    }

    // MARK: examiners and groups

    struct Examinateur: Codable, Sendable {
        var intervenantId: UUID
        var login: String
        var nom: String
        var prenom: String
        var uai: String?
        var divisions: [String]
        var missionId: UUID
    }

    /// The examiners convoked on the commission (active convocations).
    func examinateurs(_ key: CommissionKey, on connection: PostgresConnection? = nil) async throws -> [Examinateur] {
        let query: PostgresQuery = """
            SELECT DISTINCT ON (intervenant_id) intervenant_id, login, nom, prenom, uai, divisions, mission_id
            FROM \(unescaped: s).examinateurs
            WHERE active AND kind = 'examinateur' AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
            ORDER BY intervenant_id
            """
        let rows = if let connection { try await connection.query(query, logger: logger).collect() }
            else { try await client.query(query, logger: logger).collect() }
        var result: [Examinateur] = []
        for row in rows {
            let r = try row.decode((UUID, String, String, String, String?, [String], UUID).self)
            result.append(Examinateur(intervenantId: r.0, login: r.1, nom: r.2, prenom: r.3, uai: r.4, divisions: r.5, missionId: r.6))
        }
        return result.sorted { ($0.nom, $0.prenom) < ($1.nom, $1.prenom) }
    }

    struct Groupe: Codable, Sendable {
        var id: UUID
        var nom: String
        var membres: [UUID]
        var verrouille: Bool
        var verrouilleLe: Date?
        var candidats: Int
        var notes: Int
        var absents: Int
        var brouillons: Int
        /// Grades typed later from the paper sheet.
        var saisiesDifferees: Int
    }

    func groupes(_ key: CommissionKey, membre: UUID? = nil) async throws -> [Groupe] {
        let rows = try await client.query("""
            SELECT g.id, g.nom, g.membres, g.verrouille, g.verrouille_le, count(f.id)::int,
                   (count(f.id) FILTER (WHERE f.statut = 'notee'))::int, (count(f.id) FILTER (WHERE f.statut = 'absent'))::int,
                   (count(f.id) FILTER (WHERE f.statut = 'brouillon'))::int, (count(f.id) FILTER (WHERE f.saisie_differee))::int
            FROM \(unescaped: s).groupes g LEFT JOIN \(unescaped: s).fiches f ON f.groupe_id = g.id
                AND f.session = g.session AND f.epreuve = g.epreuve AND f.centre = g.centre
            WHERE g.session = \(key.session) AND g.epreuve = \(key.epreuve) AND g.centre = \(key.centre)
              AND (\(membre)::uuid IS NULL OR g.membres @> ARRAY[\(membre)]::uuid[])
            GROUP BY g.id ORDER BY g.nom
            """, logger: logger)
        var result: [Groupe] = []
        for try await r in rows.decode((UUID, String, [UUID], Bool, Date?, Int, Int, Int, Int, Int).self) {
            result.append(Groupe(id: r.0, nom: r.1, membres: r.2, verrouille: r.3, verrouilleLe: r.4, candidats: r.5, notes: r.6,
                                 absents: r.7, brouillons: r.8, saisiesDifferees: r.9))
        }
        return result
    }

    func createGroupe(_ key: CommissionKey, nom: String, membres: [UUID], by: Identity) async throws -> UUID {
        try await client.withTransaction(logger: logger) { connection in
            try await openCommission(key, connection, forUpdate: true)
            // One room per examiner: the four-candidate limit holds per examiner, not per group.
            let taken = try await connection.query("""
                SELECT nom FROM \(unescaped: s).groupes
                WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) AND membres && \(membres)
                """, logger: logger).collect()
            if let nom = try taken.first?.decode(String.self) {
                throw Problem.conflict(.doublon, "un examinateur est déjà dans le groupe « \(nom) » / an examiner is already in a group")
            }
            let id = UUID()
            let inserted = try await connection.query("""
                INSERT INTO \(unescaped: s).groupes (id, session, epreuve, centre, nom, membres)
                VALUES (\(id), \(key.session), \(key.epreuve), \(key.centre), \(nom), \(membres)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger).collect()
            guard !inserted.isEmpty else { throw Problem.conflict(.doublon, "un groupe porte déjà ce nom / a group has this name") }
            try await audit(connection, by, "groupe.cree", key, groupe: id, apres: #"{"nom":\#(Self.json(nom)),"membres":\#(membres.count)}"#)
            return id
        }
    }

    /// Every examiner convoked here and in no group gets a group of their own, named after them
    /// (« Prénom Nom », numbered when a group has the name already): one room per examiner in one step.
    func createGroupesParExaminateur(_ key: CommissionKey, by: Identity) async throws -> [(id: UUID, nom: String, membre: UUID)] {
        try await client.withTransaction(logger: logger) { connection in
            try await openCommission(key, connection, forUpdate: true)
            let existants = try await connection.query("""
                SELECT nom, membres FROM \(unescaped: s).groupes
                WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
                """, logger: logger).collect().map { try $0.decode((String, [UUID]).self) }
            var noms = Set(existants.map(\.0))
            let pris = Set(existants.flatMap(\.1))
            var crees: [(id: UUID, nom: String, membre: UUID)] = []
            for e in try await examinateurs(key, on: connection) where !pris.contains(e.intervenantId) {
                let base = Self.nomDeSalle(e)
                var nom = base, n = 1
                while noms.contains(nom) { n += 1; nom = "\(base) (\(n))" }
                noms.insert(nom)
                crees.append((UUID(), nom, e.intervenantId))
            }
            guard !crees.isEmpty else { return [] }
            try await connection.query("""
                INSERT INTO \(unescaped: s).groupes (id, session, epreuve, centre, nom, membres)
                SELECT id, \(key.session), \(key.epreuve), \(key.centre), nom, ARRAY[membre]
                FROM unnest(\(crees.map(\.id))::uuid[], \(crees.map(\.nom))::text[], \(crees.map(\.membre))::uuid[]) AS g(id, nom, membre)
                """, logger: logger)
            for groupe in crees {
                try await audit(connection, by, "groupe.cree", key, groupe: groupe.id,
                                apres: #"{"nom":\#(Self.json(groupe.nom)),"membres":1,"examinateur":"\#(groupe.membre)","unParExaminateur":true}"#)
            }
            return crees
        }
    }

    /// A room named after its examiner, as the group form would take it: one space between words (a
    /// control character counts as one), 1 to 90 characters (room for « (2) »); the login when the names are blank.
    static func nomDeSalle(_ e: Examinateur) -> String {
        let mots = "\(e.prenom) \(e.nom)".unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : Character($0) }
            .split(whereSeparator: \.isWhitespace)
        let nom = String(mots.joined(separator: " ").prefix(90)).trimmingCharacters(in: .whitespaces)
        return !nom.isEmpty ? nom : e.login.isEmpty ? "Examinateur" : String(e.login.prefix(90))
    }

    /// The group named, if it is this commission's, locked for the transaction (404 otherwise).
    private func groupe(_ key: CommissionKey, _ id: UUID, _ connection: PostgresConnection) async throws -> (nom: String, membres: [UUID], verrouille: Bool) {
        let rows = try await connection.query("""
            SELECT nom, membres, verrouille FROM \(unescaped: s).groupes
            WHERE id = \(id) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) FOR UPDATE
            """, logger: logger).collect()
        guard let row = rows.first else { throw Problem.notFound("groupe") }
        let r = try row.decode((String, [UUID], Bool).self)
        return (r.0, r.1, r.2)
    }

    /// A group's new name or examiners. Rechecked with the commission locked: the examiners in no
    /// other group, never one teaching a candidate of the lot, at most four per examiner in a slot;
    /// a locked lot changes only once unlocked. All or nothing.
    func modifierGroupe(_ key: CommissionKey, groupe id: UUID, nom: String?, membres: [UUID]?, by: Identity) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await openCommission(key, connection, forUpdate: true)
            let avant = try await groupe(key, id, connection)
            guard !avant.verrouille else { throw Problem.conflict(.lotVerrouille, "lot verrouillé : déverrouillez-le d'abord / unlock the lot first") }
            if let nom, nom != avant.nom {
                let pris = try await connection.query("""
                    SELECT 1 FROM \(unescaped: s).groupes
                    WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) AND nom = \(nom) AND id <> \(id)
                    """, logger: logger).collect()
                guard pris.isEmpty else { throw Problem.conflict(.doublon, "un groupe porte déjà ce nom / a group has this name") }
            }
            if let membres {
                let taken = try await connection.query("""
                    SELECT nom FROM \(unescaped: s).groupes
                    WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) AND membres && \(membres) AND id <> \(id)
                    """, logger: logger).collect()
                if let autre = try taken.first?.decode(String.self) {
                    throw Problem.conflict(.doublon, "un examinateur est déjà dans le groupe « \(autre) » / an examiner is already in a group")
                }
                let examinateurs = Dictionary(try await examinateurs(key, on: connection).map { ($0.intervenantId, $0) },
                                              uniquingKeysWith: { a, _ in a })
                let people = membres.compactMap { examinateurs[$0] }.map { Distribution.Membre(uai: $0.uai, divisions: $0.divisions) }
                // Checked again here: a convocation cancelled since the controller's check would drop
                // that member from the own-pupils check below.
                guard people.count == membres.count else {
                    throw Problem.validation([.init(field: "membres", reason: "non convoqué(e) sur cette épreuve et ce centre / not convoked here")])
                }
                let rows = try await connection.query("""
                    SELECT numero, nom, uai_origine, division FROM \(unescaped: s).fiches
                    WHERE groupe_id = \(id) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
                    """, logger: logger).collect()
                let conflits = try rows.map { try $0.decode((String, String, String?, String?).self) }.filter { r in
                    Distribution.conflit(Distribution.Candidat(id: id, nom: r.1, uaiOrigine: r.2, division: r.3, creneau: nil), people)
                }.map(\.0)
                guard conflits.isEmpty else {
                    throw Problem.validation([.init(field: "membres", reason:
                        "un examinateur du groupe enseigne à / an examiner teaches: \(conflits.sorted().joined(separator: ", "))")])
                }
                try await secondLecteurAuLot(lot: id, lecteurs: membres, connection)
            }
            try await connection.query("""
                UPDATE \(unescaped: s).groupes SET nom = COALESCE(\(nom), nom), membres = COALESCE(\(membres)::uuid[], membres) WHERE id = \(id)
                """, logger: logger)
            try await checkCapacity(key, connection)
            try await checkCreneaux(key, connection)
            func trace(_ nom: String, _ membres: [UUID]) -> String {
                #"{"nom":\#(Self.json(nom)),"membres":[\#(membres.map { "\"\($0)\"" }.joined(separator: ","))]}"#
            }
            try await audit(connection, by, "groupe.modifie", key, groupe: id, avant: trace(avant.nom, avant.membres),
                            apres: trace(nom ?? avant.nom, membres ?? avant.membres))
        }
    }

    /// Dissolves a group whose lot is empty (409 otherwise).
    func dissoudreGroupe(_ key: CommissionKey, groupe id: UUID, by: Identity) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await openCommission(key, connection, forUpdate: true)
            let avant = try await groupe(key, id, connection)
            let lot = try await connection.query("""
                SELECT count(*)::int FROM \(unescaped: s).fiches
                WHERE groupe_id = \(id) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
                """, logger: logger).collect()
            let candidats = try lot[0].decode(Int.self)
            guard candidats == 0 else {
                throw Problem.conflict(.prealable, "le lot compte \(candidats) candidat(s) : réaffectez-les d'abord / the lot is not empty")
            }
            try await audit(connection, by, "groupe.dissous", key, avant: #"{"groupe":"\#(id)","nom":\#(Self.json(avant.nom))}"#)
            try await connection.query("DELETE FROM \(unescaped: s).groupes WHERE id = \(id)", logger: logger)
            try await checkCreneaux(key, connection)
        }
    }

    // MARK: slots

    struct CreneauVue: Codable, Sendable {
        var id: UUID
        var jour: String
        var demiJournee: String
        /// HH:MM, when the centre gave it.
        var heure: String?
        var sujets: [UUID]
        var choix: Bool
        var candidats: Int
        /// Four per examiner of the commission's groups (every group sits every half-day).
        var capacite: Int
    }

    func creneaux(_ key: CommissionKey) async throws -> [CreneauVue] {
        let examinateurs = try await examinateursEnGroupe(key)
        let rows = try await client.query("""
            SELECT c.id, c.jour::text, c.demi_journee, c.heure, c.sujets, c.choix, count(f.id)::int
            FROM \(unescaped: s).creneaux c LEFT JOIN \(unescaped: s).fiches f ON f.creneau_id = c.id AND f.centre = c.centre
                AND f.session = c.session AND f.epreuve = c.epreuve
            WHERE c.session = \(key.session) AND c.epreuve = \(key.epreuve) AND c.centre = \(key.centre)
            GROUP BY c.id ORDER BY c.jour, c.demi_journee DESC
            """, logger: logger)
        var result: [CreneauVue] = []
        for try await r in rows.decode((UUID, String, String, String?, [UUID], Bool, Int).self) {
            result.append(CreneauVue(id: r.0, jour: r.1, demiJournee: r.2, heure: r.3, sujets: r.4, choix: r.5, candidats: r.6,
                                     capacite: Distribution.candidatsParExaminateurEtCreneau * examinateurs))
        }
        return result
    }

    /// How many examiners the commission's groups hold (one group per examiner at most).
    private func examinateursEnGroupe(_ key: CommissionKey, on connection: PostgresConnection? = nil) async throws -> Int {
        let query: PostgresQuery = """
            SELECT COALESCE(sum(cardinality(membres)), 0)::int FROM \(unescaped: s).groupes
            WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
            """
        let rows = if let connection { try await connection.query(query, logger: logger).collect() }
            else { try await client.query(query, logger: logger).collect() }
        return try rows[0].decode(Int.self)
    }

    /// The subjects that could be offered: published for this exam and session.
    func sujetsOfferts(_ key: CommissionKey, ids: [UUID]) async throws -> [Creneau.SujetOffert] {
        let rows = try await client.query("""
            SELECT id, epreuve, session, dominante, retire FROM \(unescaped: s).sujets WHERE id = ANY(\(ids))
            """, logger: logger)
        var result: [Creneau.SujetOffert] = []
        for try await r in rows.decode((UUID, String, Int, String?, Bool).self) {
            result.append(Creneau.SujetOffert(id: r.0, epreuve: r.1, session: r.2, dominante: r.3, retire: r.4))
        }
        return result
    }

    /// A half-day slot; with `candidats`, the commission's candidates in no slot and not yet graded
    /// that its filter retains go in at once, in name order, up to the slot's room (four per
    /// examiner of the groups) and `max` — the centre's half-day in one step. Before the groups
    /// are formed the room is unknown: `max` is then required (409, and no slot is made).
    func createCreneau(_ key: CommissionKey, jour: String, demiJournee: String, heure: String?, sujets: [UUID], choix: Bool,
                       candidats: (filtre: FiltreFiches, max: Int?)?, by: Identity) async throws -> (id: UUID, candidats: Int) {
        try await client.withTransaction(logger: logger) { connection in
            try await openCommission(key, connection, forUpdate: true)
            let id = UUID()
            let inserted = try await connection.query("""
                INSERT INTO \(unescaped: s).creneaux (id, session, epreuve, centre, jour, demi_journee, heure, sujets, choix)
                VALUES (\(id), \(key.session), \(key.epreuve), \(key.centre), \(jour)::date, \(demiJournee), \(heure), \(sujets), \(choix))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger).collect()
            guard !inserted.isEmpty else { throw Problem.conflict(.doublon, "cette demi-journée a déjà son créneau / slot exists") }
            var places: [UUID] = []
            if let candidats {
                let examinateurs = try await examinateursEnGroupe(key, on: connection)
                let capacite = examinateurs == 0 ? nil : Distribution.candidatsParExaminateurEtCreneau * examinateurs
                guard let place = [capacite, candidats.max].compactMap({ $0 }).min() else {
                    throw Problem.conflict(.prealable, "formez d'abord les groupes, ou dites combien de candidats placer au plus"
                        + " / form the groups first, or say how many candidates to place at most")
                }
                var filtre = candidats.filtre
                filtre.sansCreneau = true
                // Out of any slot a sheet is out of any lot, so not drawn nor graded; the update says so
                // again, and that the sheet is still this commission's (an assignment may move it away).
                let choisies = try await fiches(key, filtre, on: connection).filter { $0.statut == "a_noter" && $0.groupeId == nil }
                    .prefix(place).map(\.id)
                places = try await connection.query("""
                    UPDATE \(unescaped: s).fiches SET creneau_id = \(id), modifiee_le = now()
                    WHERE id = ANY(\(choisies)) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
                      AND creneau_id IS NULL AND groupe_id IS NULL AND statut = 'a_noter' AND sujet_id IS NULL
                    RETURNING id
                    """, logger: logger).collect().map { try $0.decode(UUID.self) }
            }
            // What was asked (the filter, `max`) beside what was done, for whoever reads the journal.
            let demande = candidats.map { c in
                ["division": c.filtre.division, "origine": c.filtre.uaiOrigine, "nomDe": c.filtre.nomDe, "nomA": c.filtre.nomA,
                 "max": c.max.map(String.init)].compactMapValues { $0 }
            }
            try await audit(connection, by, "creneau.cree", key, apres: String(decoding: try JSONEncoder().encode(CreneauJournal(
                id: id, jour: jour, demiJournee: demiJournee, sujets: sujets.count, placer: demande, candidats: places.count)), as: UTF8.self))
            if !places.isEmpty {
                try await audit(connection, by, "creneau.candidats", key, apres: Self.placement(id, places))
            }
            return (id, places.count)
        }
    }

    /// Places candidates in a slot (the half-day they sit the exam), or takes them out of theirs with
    /// nil; only candidates not yet graded move, and one leaves its slot only out of any lot. A slot
    /// holds at most four candidates per examiner of the commission's groups.
    func placer(_ key: CommissionKey, creneau: UUID?, fiches: [UUID], by: Identity) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            try await openCommission(key, connection, forUpdate: true)
            if let creneau {
                let exists = try await connection.query("""
                    SELECT 1 FROM \(unescaped: s).creneaux WHERE id = \(creneau) AND session = \(key.session) AND epreuve = \(key.epreuve)
                      AND centre = \(key.centre)
                    """, logger: logger).collect()
                guard !exists.isEmpty else { throw Problem.notFound("créneau") }
            }
            // Another commission's sheets are not there for this centre (404, never their numbers).
            let rows = try await connection.query("""
                SELECT numero, statut <> 'a_noter' OR sujet_id IS NOT NULL, groupe_id IS NOT NULL FROM \(unescaped: s).fiches
                WHERE id = ANY(\(fiches)) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
                """, logger: logger).collect()
            guard rows.count == Set(fiches).count else { throw Problem.notFound("fiche de cette commission / sheet of this commission") }
            let etats = try rows.map { try $0.decode((String, Bool, Bool).self) }
            let blocked = etats.filter(\.1).map(\.0)
            guard blocked.isEmpty else {
                throw Problem.conflict(.dejaFait, "candidats déjà évalués / already graded: \(blocked.sorted().joined(separator: ", "))")
            }
            let enLot = etats.filter(\.2).map(\.0)
            guard creneau != nil || enLot.isEmpty else {
                throw Problem.conflict(.prealable, "retirer d'abord de leur lot / take out of their lot first: \(enLot.sorted().joined(separator: ", "))")
            }
            let moved = try await connection.query("""
                UPDATE \(unescaped: s).fiches SET creneau_id = \(creneau), modifiee_le = now()
                WHERE id = ANY(\(fiches)) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) RETURNING 1
                """, logger: logger).collect().count
            guard moved == Set(fiches).count else { throw Problem.notFound("fiche") }
            try await checkCapacity(key, connection)
            if let creneau { try await checkCreneau(key, creneau, connection) }
            try await audit(connection, by, creneau == nil ? "creneau.retrait" : "creneau.candidats", key,
                            apres: Self.placement(creneau, fiches))
            return moved
        }
    }

    /// After a placement: once the groups are formed, the slot holds at most four candidates per
    /// examiner of the groups (before, the centre may sketch its half-days; the distribution then
    /// reports who finds no room).
    /// Every slot of the commission within its capacity: fewer examiners in the groups (one taken
    /// out, a group dissolved) must not leave a slot with more candidates than they may examine.
    private func checkCreneaux(_ key: CommissionKey, _ connection: PostgresConnection) async throws {
        let rows = try await connection.query("""
            SELECT id FROM \(unescaped: s).creneaux WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
            """, logger: logger).collect()
        for row in rows { try await checkCreneau(key, try row.decode(UUID.self), connection) }
    }

    private func checkCreneau(_ key: CommissionKey, _ creneau: UUID, _ connection: PostgresConnection) async throws {
        let examinateurs = try await examinateursEnGroupe(key, on: connection)
        let rows = try await connection.query("""
            SELECT count(*)::int FROM \(unescaped: s).fiches
            WHERE creneau_id = \(creneau) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
            """, logger: logger).collect()
        let candidats = try rows[0].decode(Int.self)
        let capacite = Distribution.candidatsParExaminateurEtCreneau * examinateurs
        guard examinateurs == 0 || candidats <= capacite else {
            throw Problem.conflict(.capacite, "créneau complet : \(candidats) candidats pour \(examinateurs) examinateur(s) dans les groupes, "
                + "\(Distribution.candidatsParExaminateurEtCreneau) au plus par examinateur et par demi-journée (\(capacite) places)"
                + " / at most 4 per examiner per slot")
        }
    }

    struct SujetOffert: Codable, Sendable {
        var id: UUID
        var code: String
        var dominante: String?
        var visibleFrom: Date
        /// Only once visible.
        var titre: String?
    }

    /// The published subjects of the commission's exam a slot may offer.
    func sujets(_ key: CommissionKey) async throws -> [SujetOffert] {
        let rows = try await client.query("""
            SELECT id, code, dominante, visible_from, CASE WHEN visible_from <= now() THEN titre END
            FROM \(unescaped: s).sujets WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND NOT retire ORDER BY code
            """, logger: logger)
        var items: [SujetOffert] = []
        for try await r in rows.decode((UUID, String, String?, Date, String?).self) {
            items.append(SujetOffert(id: r.0, code: r.1, dominante: r.2, visibleFrom: r.3, titre: r.4))
        }
        return items
    }

    /// How many candidates, and how many not yet in a lot.
    func effectifs(_ key: CommissionKey) async throws -> (candidats: Int, nonDistribues: Int) {
        let rows = try await client.query("""
            SELECT count(*)::int, (count(*) FILTER (WHERE groupe_id IS NULL))::int FROM \(unescaped: s).fiches
            WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
            """, logger: logger).collect()
        return try rows[0].decode((Int, Int).self)
    }

    // MARK: distribution

    struct FicheResume: Codable, Sendable {
        var id: UUID
        var candidatId: UUID
        var numero: String
        var nom: String
        var prenoms: String
        var division: String?
        var uaiOrigine: String?
        var groupeId: UUID?
        var creneauId: UUID?
        var statut: String
        var noteFinale: Int?
        var version: Int
    }

    func fiches(_ key: CommissionKey, _ f: FiltreFiches, on connection: PostgresConnection? = nil) async throws -> [FicheResume] {
        let query: PostgresQuery = """
            SELECT \(unescaped: FicheResume.colonnes)
            FROM \(unescaped: s).fiches
            WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
              AND (\(f.division)::text IS NULL OR division = \(f.division))
              AND (\(f.uaiOrigine)::text IS NULL OR uai_origine = \(f.uaiOrigine))
              AND (\(f.nomDe)::text IS NULL OR upper(nom) >= upper(\(f.nomDe)))
              AND (\(f.nomA)::text IS NULL OR upper(nom) < upper(\(f.nomA)) || 'ZZZZ')
              AND (\(f.creneau)::uuid IS NULL OR creneau_id = \(f.creneau))
              AND (\(f.groupe)::uuid IS NULL OR groupe_id = \(f.groupe))
              AND (NOT \(f.nonDistribues) OR groupe_id IS NULL)
              AND (NOT \(f.sansCreneau) OR creneau_id IS NULL)
            ORDER BY nom, prenoms, numero
            """
        let rows = if let connection { try await connection.query(query, logger: logger).collect() }
            else { try await client.query(query, logger: logger).collect() }
        return try rows.map(FicheResume.init(row:))
    }

    /// Manual distribution: puts candidates in a group's lot (or takes them out with nil). Refused
    /// whole when a lot involved is locked, when an examiner of the group teaches a candidate, or
    /// when a slot would exceed four candidates per examiner.
    func distribuer(_ key: CommissionKey, fiches ids: [UUID], vers groupe: UUID?, by: Identity) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            // Distribution, slots and locking of one commission happen one at a time (no crossed locks).
            try await openCommission(key, connection, forUpdate: true)
            let rows = try await connection.query("""
                SELECT f.id, f.numero, f.nom, f.uai_origine, f.division, f.creneau_id, f.groupe_id, COALESCE(g.verrouille, false)
                FROM \(unescaped: s).fiches f LEFT JOIN \(unescaped: s).groupes g ON g.id = f.groupe_id
                WHERE f.id = ANY(\(ids)) AND f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre)
                """, logger: logger).collect()
            guard rows.count == Set(ids).count else { throw Problem.notFound("fiche de cette commission / sheet of this commission") }
            var candidats: [(Distribution.Candidat, numero: String, de: UUID?)] = []
            var verrouilles: [String] = []
            for row in rows {
                let r = try row.decode((UUID, String, String, String?, String?, UUID?, UUID?, Bool).self)
                if r.7 { verrouilles.append(r.1) }
                candidats.append((Distribution.Candidat(id: r.0, nom: r.2, uaiOrigine: r.3, division: r.4, creneau: r.5), r.1, r.6))
            }
            guard verrouilles.isEmpty else {
                throw Problem.conflict(.lotVerrouille, "lot verrouillé pour / locked lot for: \(verrouilles.sorted().joined(separator: ", "))")
            }
            // A sheet under an open second look stays in its lot until settled: taken out, the automatic
            // distribution could put it in its reader's lot (the security review after F4).
            let enLecture = try await connection.query("""
                SELECT f.numero FROM \(unescaped: s).secondes_lectures sl JOIN \(unescaped: s).fiches f ON f.id = sl.fiche_id
                WHERE sl.statut <> 'tranchee' AND f.id = ANY(\(ids)) ORDER BY f.numero
                """, logger: logger).collect().map { try $0.decode(String.self) }
            guard enLecture.isEmpty else {
                throw Problem.conflict(.etat, "seconde lecture en cours : la fiche reste dans son lot jusqu'à l'arbitrage / "
                    + "second look open, the sheet stays in its lot until settled: \(enLecture.joined(separator: ", "))")
            }
            if let groupe {
                let sansCreneau = candidats.filter { $0.0.creneau == nil }.map(\.numero)
                guard sansCreneau.isEmpty else {
                    throw Problem.conflict(.prealable, "placer d'abord dans un créneau / place in a slot first: \(sansCreneau.sorted().joined(separator: ", "))")
                }
                let locked = try await connection.query("""
                    SELECT verrouille FROM \(unescaped: s).groupes
                    WHERE id = \(groupe) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
                    """, logger: logger).collect()
                guard let verrouille = try locked.first?.decode(Bool.self) else { throw Problem.notFound("groupe") }
                guard !verrouille else { throw Problem.conflict(.lotVerrouille, "le lot du groupe est verrouillé / the group's lot is locked") }
                let membres = try await membres(groupe, connection)
                let conflits = candidats.filter { Distribution.conflit($0.0, membres) }.map(\.numero)
                guard conflits.isEmpty else {
                    throw Problem.validation([.init(field: "fiches", reason:
                        "un examinateur du groupe enseigne à / an examiner teaches: \(conflits.sorted().joined(separator: ", "))")])
                }
                try await secondLecteurAuLot(fiches: ids, groupe: groupe, connection)
            }
            try await connection.query("""
                UPDATE \(unescaped: s).fiches SET groupe_id = \(groupe), modifiee_le = now() WHERE id = ANY(\(ids))
                """, logger: logger)
            try await checkCapacity(key, connection)
            let moves = candidats.map { #"{"fiche":"\#($0.0.id)","de":\#($0.de.map { "\"\($0)\"" } ?? "null")}"# }
            try await audit(connection, by, "distribution.manuelle", key, groupe: groupe,
                            apres: #"{"vers":\#(groupe.map { "\"\($0)\"" } ?? "null"),"fiches":[\#(moves.joined(separator: ","))]}"#)
            return Set(ids).count
        }
    }

    /// A second look is blind only while its reader stays out of the sheet's lot (the security
    /// review's F4): 409 when a sheet under an open look — one of `fiches` moved into `groupe`, or one
    /// of the lot `lot` given the members `lecteurs` — would be in its reader's lot.
    private func secondLecteurAuLot(fiches: [UUID]? = nil, groupe: UUID? = nil, lot: UUID? = nil, lecteurs: [UUID]? = nil,
                                    _ connection: PostgresConnection) async throws {
        let rows = try await connection.query("""
            SELECT f.numero FROM \(unescaped: s).secondes_lectures sl JOIN \(unescaped: s).fiches f ON f.id = sl.fiche_id
            WHERE sl.statut <> 'tranchee' AND (\(fiches)::uuid[] IS NULL OR f.id = ANY(\(fiches))) AND (\(lot)::uuid IS NULL OR f.groupe_id = \(lot))
              AND sl.lecteur_id = ANY(COALESCE(\(lecteurs)::uuid[], (SELECT g.membres FROM \(unescaped: s).groupes g WHERE g.id = \(groupe))))
            ORDER BY f.numero
            """, logger: logger).collect()
        let numeros = try rows.map { try $0.decode(String.self) }
        guard numeros.isEmpty else {
            throw Problem.conflict(.etat, "seconde lecture en cours : son lecteur ne peut rejoindre le lot de / "
                + "second look open, its reader may not join the lot of: \(numeros.joined(separator: ", "))")
        }
    }

    /// The active examiners of a group, as the conflict-of-interest rule sees them.
    private func membres(_ groupe: UUID, _ connection: PostgresConnection) async throws -> [Distribution.Membre] {
        let rows = try await connection.query("""
            SELECT DISTINCT ON (x.intervenant_id) COALESCE(x.uai, ''), x.divisions
            FROM \(unescaped: s).groupes g JOIN \(unescaped: s).examinateurs x
                ON x.intervenant_id = ANY(g.membres) AND x.session = g.session AND x.epreuve = g.epreuve AND x.centre = g.centre AND x.active
            WHERE g.id = \(groupe)
            """, logger: logger).collect()
        return try rows.map { row in
            let (uai, divisions) = try row.decode((String, [String]).self)
            return Distribution.Membre(uai: uai.isEmpty ? nil : uai, divisions: divisions)
        }
    }

    /// After a move: no group holds more than four candidates per examiner in any slot (the whole
    /// transaction is refused otherwise). Both sides are named by the commission, so each is
    /// read through its own index: with statistics from a smaller table, the planner once scanned
    /// every sheet of the session for it (48 ms a check at 240,000 sheets instead of 0.5; see
    /// Correction migration 6), and, given only the sheets' side, walked every group (6.6 ms).
    private func checkCapacity(_ key: CommissionKey, _ connection: PostgresConnection) async throws {
        let over = try await connection.query("""
            SELECT g.nom, count(f.id)::int, cardinality(g.membres)
            FROM \(unescaped: s).fiches f JOIN \(unescaped: s).groupes g ON g.id = f.groupe_id
            WHERE f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre) AND f.creneau_id IS NOT NULL
              AND g.session = \(key.session) AND g.epreuve = \(key.epreuve) AND g.centre = \(key.centre)
            GROUP BY g.id, g.nom, f.creneau_id
            HAVING count(f.id) > \(Distribution.candidatsParExaminateurEtCreneau) * cardinality(g.membres)
            LIMIT 1
            """, logger: logger).collect()
        if let (nom, count, membres) = try over.first?.decode((String, Int, Int).self) {
            throw Problem.conflict(.capacite, "« \(nom) » : \(count) candidats sur un créneau pour \(membres) examinateur(s), "
                + "\(Distribution.candidatsParExaminateurEtCreneau) au plus par examinateur / at most 4 per examiner per slot")
        }
    }

    struct Repartition: Codable, Sendable {
        var distribues: Int
        var sansCreneau: Int
        var capaciteInsuffisante: Int
        var conflits: Int
        /// The report, candidate by candidate: who went to which group and its examiners, and who
        /// could not be placed and why.
        var placements: [Placement] = []
        var nonPlaces: [NonPlace] = []

        struct Placement: Codable, Sendable { var fiche: UUID; var numero: String; var nom: String; var groupe: String; var examinateurs: [String] }
        struct NonPlace: Codable, Sendable { var fiche: UUID; var numero: String; var nom: String; var motif: Distribution.Refus }
    }

    /// Automatic distribution of the candidates not yet distributed among the unlocked groups.
    func distribuerAutomatiquement(_ key: CommissionKey, garderDivisions: Bool, by: Identity) async throws -> Repartition {
        try await client.withTransaction(logger: logger) { connection in
            try await openCommission(key, connection, forUpdate: true)
            var groupes: [Distribution.Groupe] = []
            let rows = try await connection.query("""
                SELECT g.id, g.membres, g.nom FROM \(unescaped: s).groupes g
                WHERE g.session = \(key.session) AND g.epreuve = \(key.epreuve) AND g.centre = \(key.centre) AND NOT g.verrouille
                ORDER BY g.nom
                """, logger: logger).collect()
            let examinateurs = Dictionary(try await examinateurs(key, on: connection).map { ($0.intervenantId, $0) },
                                          uniquingKeysWith: { a, _ in a })
            var noms: [UUID: (nom: String, examinateurs: [String])] = [:]
            for row in rows {
                let (id, membres, nom) = try row.decode((UUID, [UUID], String).self)
                noms[id] = (nom, membres.compactMap { examinateurs[$0] }.map { "\($0.prenom) \($0.nom)" })
                let people = membres.compactMap { examinateurs[$0] }.map { Distribution.Membre(uai: $0.uai, divisions: $0.divisions) }
                // Checked again here: a convocation cancelled since the controller's check would drop
                // that member from the own-pupils check below.
                guard people.count == membres.count else {
                    throw Problem.validation([.init(field: "membres", reason: "non convoqué(e) sur cette épreuve et ce centre / not convoked here")])
                }
                var groupe = Distribution.Groupe(id: id, membres: people)
                let loads = try await connection.query("""
                    SELECT creneau_id, count(*)::int FROM \(unescaped: s).fiches
                    WHERE groupe_id = \(id) AND session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
                    GROUP BY creneau_id
                    """, logger: logger).collect()
                for load in loads {
                    let (creneau, n) = try load.decode((UUID?, Int).self)
                    if let creneau { groupe.parCreneau[creneau] = n }
                    groupe.total += n
                }
                groupes.append(groupe)
            }
            guard !groupes.isEmpty else { throw Problem.conflict(.capacite, "aucun groupe ouvert / no unlocked group") }
            let pending = try await connection.query("""
                SELECT id, nom, uai_origine, division, creneau_id, numero, nom || ' ' || prenoms FROM \(unescaped: s).fiches
                WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) AND groupe_id IS NULL
                  AND NOT EXISTS (SELECT 1 FROM \(unescaped: s).secondes_lectures sl WHERE sl.fiche_id = fiches.id AND sl.statut <> 'tranchee')
                """, logger: logger).collect()
            var identites: [UUID: (numero: String, nom: String)] = [:]
            let candidats = try pending.map { row in
                let r = try row.decode((UUID, String, String?, String?, UUID?, String, String).self)
                identites[r.0] = (r.5, r.6)
                return Distribution.Candidat(id: r.0, nom: r.1, uaiOrigine: r.2, division: r.3, creneau: r.4)
            }
            let resultat = Distribution.automatique(candidats, groupes: groupes, garderDivisions: garderDivisions)
            let fiches = Array(resultat.affectations.keys)
            try await connection.query("""
                UPDATE \(unescaped: s).fiches f SET groupe_id = a.g, modifiee_le = now()
                FROM unnest(\(fiches)::uuid[], \(fiches.map { resultat.affectations[$0]! })::uuid[]) AS a(f, g)
                WHERE f.id = a.f AND f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre)
                """, logger: logger)
            let refus = resultat.refus.values
            var report = Repartition(distribues: fiches.count, sansCreneau: refus.filter { $0 == .sansCreneau }.count,
                                     capaciteInsuffisante: refus.filter { $0 == .capacite }.count,
                                     conflits: refus.filter { $0 == .conflit }.count)
            struct Trace: Encodable { var rapport: Repartition; var affectations: [UUID: UUID] }
            try await audit(connection, by, "distribution.automatique", key,
                            apres: String(decoding: try JSONEncoder().encode(Trace(rapport: report, affectations: resultat.affectations)),
                                          as: UTF8.self))
            report.placements = resultat.affectations.map { fiche, groupe in
                Repartition.Placement(fiche: fiche, numero: identites[fiche]?.numero ?? "", nom: identites[fiche]?.nom ?? "",
                                      groupe: noms[groupe]?.nom ?? "", examinateurs: noms[groupe]?.examinateurs ?? [])
            }.sorted { ($0.groupe, $0.nom, $0.numero) < ($1.groupe, $1.nom, $1.numero) }
            report.nonPlaces = resultat.refus.map { fiche, motif in
                Repartition.NonPlace(fiche: fiche, numero: identites[fiche]?.numero ?? "", nom: identites[fiche]?.nom ?? "", motif: motif)
            }.sorted { ($0.nom, $0.numero) < ($1.nom, $1.numero) }
            return report
        }
    }

    // MARK: shared by the writes

    /// Locks the commission row for the transaction; refuses once it is closed.
    @discardableResult
    func openCommission(_ key: CommissionKey, _ connection: PostgresConnection, forUpdate: Bool = false) async throws -> String {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT etat, academie FROM \(s).commissions WHERE session = $1 AND epreuve = $2 AND centre = $3 \(forUpdate ? "FOR UPDATE" : "FOR SHARE")
            """, binds: try Self.binds(key.session, key.epreuve, key.centre)), logger: logger).collect()
        guard let (etat, academie) = try rows.first?.decode((String, String).self) else { throw Problem.notFound("commission") }
        guard etat == "ouverte" else { throw Problem.conflict(.epreuveClose, "épreuve close pour ce centre / exam closed at this centre") }
        return academie
    }

    static func binds(_ session: Int, _ epreuve: String, _ centre: String) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(session)
        binds.append(epreuve)
        binds.append(centre)
        return binds
    }

    /// Appends to the audit log (who, when, what, before, after, why) in the caller's transaction.
    func audit(_ connection: PostgresConnection, _ by: Identity, _ action: String, _ key: CommissionKey, fiche: UUID? = nil,
               groupe: UUID? = nil, avant: String? = nil, apres: String? = nil, motif: String? = nil) async throws {
        try await connection.query("""
            INSERT INTO \(unescaped: s).audit (acteur, acteur_login, action, session, epreuve, centre, fiche_id, groupe_id, avant, apres, motif)
            VALUES (\(by.userId), \(by.login), \(action), \(key.session), \(key.epreuve), \(key.centre), \(fiche), \(groupe),
                    \(avant)::jsonb, \(apres)::jsonb, \(motif))
            """, logger: logger)
    }

    /// The audit's record of a placement: the slot (null: out of their slot) and the sheets.
    static func placement(_ creneau: UUID?, _ fiches: [UUID]) -> String {
        #"{"creneau":\#(creneau.map { "\"\($0)\"" } ?? "null"),"fiches":[\#(fiches.map { "\"\($0)\"" }.joined(separator: ","))]}"#
    }

    /// A JSON string literal.
    static func json(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
}


/// A slot's creation in the commission's journal.
private struct CreneauJournal: Encodable {
    var id: UUID
    var jour: String
    var demiJournee: String
    var sujets: Int
    /// The candidates asked for (the filter and `max`), when the slot was made with its candidates.
    var placer: [String: String]?
    var candidats: Int
}

struct FiltreFiches: Sendable {
    var division: String?
    var uaiOrigine: String?
    var nomDe: String?
    var nomA: String?
    var creneau: UUID?
    var groupe: UUID?
    var nonDistribues = false
    var sansCreneau = false
}

extension CommissionRepository.FicheResume {
    /// The columns `init(row:)` decodes, in this order.
    static let colonnes = "id, candidat_id, numero, nom, prenoms, division, uai_origine, groupe_id, creneau_id, statut, note_finale, version"

    init(row: PostgresRow) throws {
        let r = try row.decode((UUID, UUID, String, String, String, String?, String?, UUID?, UUID?, String, Int?, Int).self)
        self.init(id: r.0, candidatId: r.1, numero: r.2, nom: r.3, prenoms: r.4, division: r.5, uaiOrigine: r.6,
                  groupeId: r.7, creneauId: r.8, statut: r.9, noteFinale: r.10, version: r.11)
    }
}
