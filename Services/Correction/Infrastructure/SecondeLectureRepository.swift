import Foundation
import Logging
import PostgresNIO
import Shared

/// Harmonisation before closing (issue 22 item 2): the coordination (or the centre, its référent)
/// has graded sheets read again by another examiner of the commission, blind; a wide gap is
/// flagged; the coordination settles the mark with a reason. The second reader writes only their
/// own row (`secondes_lectures`), never the sheet; the settled mark goes to the sheet, audited.
struct SecondeLectureRepository: Sendable {
    let fiches: FicheRepository

    var commissions: CommissionRepository { fiches.commissions }
    var client: PostgresClient { commissions.client }
    var logger: Logger { commissions.logger }
    var s: String { commissions.s }

    /// The gap flagged: 2 points out of 20 (4 half points) or more between the two marks, or one
    /// criterion two levels apart (A against C, B against D).
    static let ecartSignale = 4, ecartNiveaux = 2

    enum Origine: String, Codable, Sendable { case choix, echantillon }
    enum Choix: String, Codable, Sendable { case premiere, seconde, autre }

    /// A second look as the commission's followers see it (both marks, the gap, the outcome).
    struct Vue: Codable, Sendable {
        var id: UUID
        var ficheId: UUID
        var numero: String
        var nom: String
        var prenoms: String
        var origine: String
        var demandeePar: String
        var demandeeLe: Date
        var premierExaminateur: String
        var lecteur: String
        var statut: String
        var notePremiere: Int
        var noteSeconde: Int?
        var ecart: Int?
        var signalee: Bool
        var choix: String?
        var noteRetenue: Int?
        var motif: String?
        var trancheePar: String?
        var trancheeLe: Date?
    }

    /// An examiner's name as the pages show it.
    private func nomExaminateur(_ colonne: String) -> String {
        "COALESCE((SELECT e.prenom || ' ' || e.nom FROM \(s).examinateurs e WHERE e.intervenant_id = \(colonne) LIMIT 1), '')"
    }

    private var colonnesVue: String {
        """
        sl.id, sl.fiche_id, f.numero, f.nom, f.prenoms, sl.origine, sl.demandee_par, sl.demandee_le,
        \(nomExaminateur("sl.premier_examinateur")), \(nomExaminateur("sl.lecteur_id")), sl.statut, sl.note_premiere,
        sl.note_seconde, sl.ecart, sl.signalee, sl.choix, sl.note_retenue, sl.motif, sl.tranchee_par, sl.tranchee_le
        """
    }

    private static func vue(_ row: PostgresRow) throws -> Vue {
        let r = try row.decode((UUID, UUID, String, String, String, String, String, Date, String, String, String, Int, Int?, Int?, Bool,
                                String?, Int?, String?, String?, Date?).self)
        return Vue(id: r.0, ficheId: r.1, numero: r.2, nom: r.3, prenoms: r.4, origine: r.5, demandeePar: r.6, demandeeLe: r.7,
                   premierExaminateur: r.8, lecteur: r.9, statut: r.10, notePremiere: r.11, noteSeconde: r.12, ecart: r.13,
                   signalee: r.14, choix: r.15, noteRetenue: r.16, motif: r.17, trancheePar: r.18, trancheeLe: r.19)
    }

    /// The commission's second looks, open ones first.
    func liste(_ key: CommissionKey) async throws -> [Vue] {
        try await client.withConnection { connection in try await liste(key, connection) }
    }

    private func liste(_ key: CommissionKey, _ connection: PostgresConnection, id: UUID? = nil) async throws -> [Vue] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT \(colonnesVue) FROM \(s).secondes_lectures sl JOIN \(s).fiches f ON f.id = sl.fiche_id
            WHERE sl.session = $1 AND sl.epreuve = $2 AND sl.centre = $3 AND ($4::uuid IS NULL OR sl.id = $4)
            ORDER BY sl.statut = 'tranchee', f.numero, sl.demandee_le
            """, binds: try Self.binds(key, id)), logger: logger).collect()
        return try rows.map(Self.vue)
    }

    private static func binds(_ key: CommissionKey, _ id: UUID?) throws -> PostgresBindings {
        var binds = try CommissionRepository.binds(key.session, key.epreuve, key.centre)
        binds.append(id)
        return binds
    }

    // MARK: asking

    private func vues(_ key: CommissionKey, _ ids: [UUID], _ connection: PostgresConnection) async throws -> [Vue] {
        var result: [Vue] = []
        for id in ids { result += try await liste(key, connection, id: id) }
        return result
    }

    /// Sheets picked by hand, each read by `lecteur` (or by the least busy examiner who may).
    func demander(_ key: CommissionKey, fiches ids: [UUID], lecteur: UUID?, by: Identity) async throws -> [Vue] {
        try await client.withTransaction(logger: logger) { connection in
            _ = try await commissions.openCommission(key, connection)
            var created: [UUID] = []
            for id in Set(ids).sorted(by: { $0.uuidString < $1.uuidString }) {
                created.append(try await creer(key, fiche: id, lecteur: lecteur, origine: .choix, by: by, connection))
            }
            return try await vues(key, created, connection)
        }
    }

    /// `k` graded sheets drawn at random per examiner of the commission (fewer when they graded
    /// fewer), among those without a second look yet.
    func echantillon(_ key: CommissionKey, parExaminateur k: Int, by: Identity) async throws -> [Vue] {
        try await client.withTransaction(logger: logger) { connection in
            _ = try await commissions.openCommission(key, connection)
            let rows = try await connection.query("""
                SELECT id FROM (
                    SELECT f.id, row_number() OVER (PARTITION BY f.examinateur_id ORDER BY random()) AS rang
                    FROM \(unescaped: s).fiches f
                    WHERE f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre)
                      AND f.statut = 'notee' AND f.examinateur_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM \(unescaped: s).secondes_lectures sl WHERE sl.fiche_id = f.id)
                ) tirees WHERE rang <= \(k)
                """, logger: logger).collect()
            var created: [UUID] = []
            for row in rows {
                created.append(try await creer(key, fiche: try row.decode(UUID.self), lecteur: nil, origine: .echantillon, by: by, connection))
            }
            return try await vues(key, created, connection)
        }
    }

    /// One second look on a graded sheet of the commission: 404 outside it, 409 not graded or
    /// already under a look, 422 a reader who may not read it. The reader is convoked on the
    /// commission and in one of its rooms, neither the sheet's examiner nor of its lot's group.
    private func creer(_ key: CommissionKey, fiche id: UUID, lecteur: UUID?, origine: Origine, by: Identity,
                       _ connection: PostgresConnection) async throws -> UUID {
        let rows = try await connection.query("""
            SELECT f.numero, f.statut, f.examinateur_id, f.note_finale, COALESCE(g.membres, '{}'),
                   EXISTS (SELECT 1 FROM \(unescaped: s).secondes_lectures sl WHERE sl.fiche_id = f.id AND sl.statut <> 'tranchee')
            FROM \(unescaped: s).fiches f LEFT JOIN \(unescaped: s).groupes g ON g.id = f.groupe_id
            WHERE f.id = \(id) AND f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre)
            FOR UPDATE OF f
            """, logger: logger).collect()
        guard let (numero, statut, premier, note, membres, ouverte) = try rows.first?.decode((String, String, UUID?, Int?, [UUID], Bool).self)
        else { throw Problem.notFound("fiche") }
        guard statut == "notee", let premier, let note else {
            throw Problem.conflict(.etat, "fiche \(numero) non notée : seule une fiche notée se relit / only a graded sheet is read again")
        }
        guard !ouverte else { throw Problem.conflict(.dejaFait, "fiche \(numero) déjà en seconde lecture / already under a second look") }
        let exclus = Set(membres + [premier])
        let lecteurs = try await connection.query("""
            SELECT DISTINCT ON (e.intervenant_id) e.intervenant_id, e.login,
                   (SELECT count(*) FROM \(unescaped: s).secondes_lectures sl
                    WHERE sl.lecteur_id = e.intervenant_id AND sl.statut <> 'tranchee')::int
            FROM \(unescaped: s).examinateurs e
            WHERE e.active AND e.kind = 'examinateur' AND e.session = \(key.session) AND e.epreuve = \(key.epreuve)
              AND e.centre = \(key.centre)
              AND EXISTS (SELECT 1 FROM \(unescaped: s).groupes g WHERE g.session = e.session AND g.epreuve = e.epreuve
                          AND g.centre = e.centre AND e.intervenant_id = ANY(g.membres))
            ORDER BY e.intervenant_id
            """, logger: logger).collect()
        let possibles = try lecteurs.map { try $0.decode((UUID, String, Int).self) }.filter { !exclus.contains($0.0) }
        let choisi: (UUID, String, Int)
        if let lecteur {
            guard let found = possibles.first(where: { $0.0 == lecteur }) else {
                throw Problem.validation([.init(field: "lecteurId", reason:
                    "un autre examinateur de la commission que celui (ou le lot) de la fiche / another examiner of the commission")])
            }
            choisi = found
        } else {
            guard let found = possibles.min(by: { ($0.2, $0.1) < ($1.2, $1.1) }) else {
                throw Problem.conflict(.prealable, "fiche \(numero) : aucun autre examinateur de la commission pour la relire / no other examiner")
            }
            choisi = found
        }
        let lecture = UUID()
        // The check above read the sheet as it was before waiting for its lock: a look asked at
        // the same time is caught here by the one-open-look index (a 409, not a 500).
        let inseree = try await connection.query("""
            INSERT INTO \(unescaped: s).secondes_lectures (id, fiche_id, session, epreuve, centre, origine, demandee_par,
                premier_examinateur, note_premiere, lecteur_id, lecteur_login)
            VALUES (\(lecture), \(id), \(key.session), \(key.epreuve), \(key.centre), \(origine.rawValue), \(by.login),
                    \(premier), \(note), \(choisi.0), \(choisi.1))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger).collect()
        guard !inseree.isEmpty else { throw Problem.conflict(.dejaFait, "fiche \(numero) déjà en seconde lecture / already under a second look") }
        // A new version of the sheet: a save of its first examiner that waited for the lock fails
        // its version check, so the mark the look recorded stays the sheet's.
        try await connection.query("UPDATE \(unescaped: s).fiches SET version = version + 1 WHERE id = \(id)", logger: logger)
        try await commissions.audit(connection, by, "seconde_lecture.demandee", key, fiche: id,
                                    apres: #"{"secondeLecture":"\#(lecture)","origine":"\#(origine.rawValue)","lecteur":\#(CommissionRepository.json(choisi.1))}"#)
        return lecture
    }

    // MARK: the second reader

    /// The row of the reader's look on the sheet (the open one, else the latest), under lock for a save.
    private func lecture(fiche: UUID, login: String, _ connection: PostgresConnection, verrou: Bool)
        async throws -> (id: UUID, statut: String, grille: String, note: Int?, version: Int, modifiee: Date, etat: String)? {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT sl.id, sl.statut, sl.grille::text, sl.note_seconde, sl.version, COALESCE(sl.lue_le, sl.demandee_le), c.etat
            FROM \(s).secondes_lectures sl
            JOIN \(s).commissions c ON c.session = sl.session AND c.epreuve = sl.epreuve AND c.centre = sl.centre
            WHERE sl.fiche_id = $1 AND sl.lecteur_login = $2
            ORDER BY sl.statut = 'tranchee', sl.demandee_le DESC LIMIT 1 \(verrou ? "FOR UPDATE OF sl FOR SHARE OF c" : "")
            """, binds: try { var b = PostgresBindings(); b.append(fiche); b.append(login); return b }()), logger: logger).collect()
        return try rows.first.map { try $0.decode((UUID, String, String, Int?, Int, Date, String).self) }
            .map { (id: $0.0, statut: $0.1, grille: $0.2, note: $0.3, version: $0.4, modifiee: $0.5, etat: $0.6) }
    }

    /// The sheet as its second reader grades it: the candidate, the subject and its barème, and
    /// the reader's own grid and mark — nothing of the first examiner's (levels, mark, comments,
    /// reason, lot). 404 for anyone but the designated reader.
    func aveugle(_ ficheId: UUID, by: Identity) async throws -> Fiche {
        try await client.withConnection { connection in
            guard let l = try await lecture(fiche: ficheId, login: by.login, connection, verrou: false),
                let fiche = try await fiches.fiche(ficheId, on: connection)
            else { throw Problem.notFound("fiche") }
            return try Self.aveugle(fiche, l.statut, l.grille, l.note, l.version, l.modifiee, figee: l.statut == "tranchee" || l.etat != "ouverte")
        }
    }

    private static func aveugle(_ f: Fiche, _ statut: String, _ grilleJSON: String, _ note: Int?, _ version: Int,
                                _ modifiee: Date, figee: Bool) throws -> Fiche {
        let grille = try JSONDecoder.iso.decode(Grille.self, from: Data(grilleJSON.utf8))
        let etat = statut == "demandee" ? (grille.evaluations.isEmpty ? "a_noter" : "brouillon") : "notee"
        var vue = Fiche(
            id: f.id, session: f.session, epreuve: f.epreuve, centre: f.centre, candidatId: f.candidatId, numero: f.numero, nom: f.nom,
            prenoms: f.prenoms, division: f.division, groupeId: nil, lotVerrouille: figee, creneauId: f.creneauId, sujet: f.sujet,
            sujetMode: f.sujetMode, bareme: f.bareme, grille: grille, statut: etat, absence: nil,
            noteSuggeree: f.bareme.flatMap { grille.noteSuggeree($0)?.demiPoints }, noteFinale: note, motifAjustement: nil,
            saisieDifferee: false, manquants: [], plafonds: [:], appelsManquants: [], version: version, modifieeLe: modifiee)
        vue.recalculer()
        return vue
    }

    /// The second reader's save, as the editor sends it: a draft, or final (every criterion
    /// evaluated: the barème's mark is theirs; no override, no absence). Their row only.
    func enregistrer(_ ficheId: UUID, _ e: Enregistrement, by: Identity) async throws -> Fiche {
        try await client.withTransaction(logger: logger) { connection in
            guard let l = try await lecture(fiche: ficheId, login: by.login, connection, verrou: true),
                let fiche = try await fiches.fiche(ficheId, on: connection), let bareme = fiche.bareme
            else { throw Problem.notFound("fiche") }
            let courante = try Self.aveugle(fiche, l.statut, l.grille, l.note, l.version, l.modifiee, figee: true)
            guard l.etat == "ouverte" else { throw Problem.conflict(.epreuveClose, "épreuve close pour ce centre / exam closed at this centre") }
            guard l.statut != "tranchee" else { throw Problem.conflict(.dejaFait, "seconde lecture tranchée / second look settled") }
            guard l.version == e.version else {
                throw try Problem.stale("la seconde lecture a changé depuis votre lecture / the second look changed", current: courante)
            }
            guard e.absence == nil, e.noteFinale == nil else {
                throw Problem.validation([.init(field: e.absence != nil ? "absence" : "noteFinale", reason:
                    "la seconde lecture donne la note du barème, sans absence ni ajustement / the grid's mark only")])
            }
            let grille = e.grille ?? courante.grille
            let errors = grille.violations(bareme)
            guard errors.isEmpty else { throw Problem.validation(errors) }
            var note: Int?
            if e.finaliser == true {
                guard let suggested = grille.noteSuggeree(bareme)?.demiPoints else {
                    throw Problem.validation([.init(field: "grille.evaluations", reason:
                        "critères non évalués / criteria not evaluated: \(grille.manquants(bareme).joined(separator: ", "))")])
                }
                note = suggested
            }
            // The gap with the first reading, read here only: the reader's answer never carries it.
            let premiere = try await connection.query("""
                SELECT f.grille::text, sl.note_premiere FROM \(unescaped: s).secondes_lectures sl
                JOIN \(unescaped: s).fiches f ON f.id = sl.fiche_id WHERE sl.id = \(l.id)
                """, logger: logger).collect()
            guard let (premiereGrille, notePremiere) = try premiere.first?.decode((String, Int).self) else { throw Problem.notFound("fiche") }
            let ecart = note.map { abs($0 - notePremiere) }
            let niveaux = Self.ecartNiveaux(try JSONDecoder.iso.decode(Grille.self, from: Data(premiereGrille.utf8)), grille)
            let signalee = ecart.map { $0 >= Self.ecartSignale || niveaux >= Self.ecartNiveaux } ?? false
            let grilleJSON = String(decoding: try JSONEncoder.iso.encode(grille), as: UTF8.self)
            let saved = try await connection.query("""
                UPDATE \(unescaped: s).secondes_lectures SET grille = \(grilleJSON)::jsonb, note_seconde = \(note),
                    statut = \(note == nil ? "demandee" : "lue"), lue_le = now(), ecart = \(ecart), signalee = \(signalee),
                    version = version + 1
                WHERE id = \(l.id) RETURNING version, lue_le
                """, logger: logger).collect()
            guard let (version, le) = try saved.first?.decode((Int, Date).self) else { throw Problem.notFound("fiche") }
            if let note, let ecart {
                try await commissions.audit(connection, by, "seconde_lecture.lue", fiche.key, fiche: ficheId,
                                            apres: #"{"secondeLecture":"\#(l.id)","note":\#(note),"ecart":\#(ecart),"signalee":\#(signalee)}"#)
            }
            return try Self.aveugle(fiche, note == nil ? "demandee" : "lue", grilleJSON, note, version, le, figee: false)
        }
    }

    /// The widest gap in levels between two grids on a criterion both graded by level.
    static func ecartNiveaux(_ a: Grille, _ b: Grille) -> Int {
        let rang: [Niveau: Int] = [.A: 0, .B: 1, .C: 2, .D: 3]
        var widest = 0
        for saisie in a.evaluations {
            guard let n1 = FicheRepository.niveau(saisie.evaluation),
                let autre = b.evaluations.first(where: { $0.code == saisie.code }), let n2 = FicheRepository.niveau(autre.evaluation)
            else { continue }
            widest = max(widest, abs(rang[n1]! - rang[n2]!))
        }
        return widest
    }

    // MARK: settling

    struct Arbitrage: Decodable, Sendable {
        var choix: Choix
        /// With `autre`: the mark, in half points.
        var noteFinale: Int?
        var motif: String
    }

    /// The coordination settles a read look: the first mark, the second, or another one (0 to 40
    /// half points), with a mandatory reason. The sheet's final mark takes it (its version moves,
    /// the audit keeps its grading before and after). Whoever read it settles it only as a coordinator.
    func trancher(_ key: CommissionKey, lecture id: UUID, _ a: Arbitrage, by: Identity) async throws -> Vue {
        let motif = a.motif.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(motif.count) else {
            throw Problem.validation([.init(field: "motif", reason: "motif obligatoire, 1 000 caractères au plus / reason required")])
        }
        return try await client.withTransaction(logger: logger) { connection in
            _ = try await commissions.openCommission(key, connection)
            let rows = try await connection.query("""
                SELECT sl.fiche_id, sl.statut, sl.note_premiere, sl.note_seconde, sl.lecteur_login
                FROM \(unescaped: s).secondes_lectures sl
                WHERE sl.id = \(id) AND sl.session = \(key.session) AND sl.epreuve = \(key.epreuve) AND sl.centre = \(key.centre)
                FOR UPDATE
                """, logger: logger).collect()
            guard let (fiche, statut, premiere, seconde, lecteur) = try rows.first?.decode((UUID, String, Int, Int?, String).self)
            else { throw Problem.notFound("seconde lecture") }
            guard lecteur != by.login || by.role == .coordinateur else {
                throw Problem.forbidden("on ne tranche pas sa propre seconde lecture / not one's own second look")
            }
            guard statut != "tranchee" else { throw Problem.conflict(.dejaFait, "seconde lecture déjà tranchée / already settled") }
            guard statut == "lue", let seconde else {
                throw Problem.conflict(.prealable, "seconde lecture pas encore faite / the second reading comes first")
            }
            let retenue: Int
            switch a.choix {
            case .premiere: retenue = premiere
            case .seconde: retenue = seconde
            case .autre:
                guard let note = a.noteFinale, (0...40).contains(note) else {
                    throw Problem.validation([.init(field: "noteFinale", reason: "0 à 40 demi-points / 0 to 40 half points")])
                }
                retenue = note
            }
            // The sheet takes the settled mark as any change: its version, its grading before and after.
            let avant = try await connection.query("""
                SELECT \(unescaped: EditeurStatements.instantane("f"))::text FROM \(unescaped: s).fiches f WHERE f.id = \(fiche) FOR UPDATE
                """, logger: logger).collect().first?.decode(String.self)
            let apres = try await connection.query("""
                UPDATE \(unescaped: s).fiches f SET note_finale = \(retenue), version = version + 1, modifiee_le = now()
                WHERE f.id = \(fiche) RETURNING \(unescaped: EditeurStatements.instantane("f"))::text
                """, logger: logger).collect().first?.decode(String.self)
            try await commissions.audit(connection, by, "seconde_lecture.tranchee", key, fiche: fiche, avant: avant, apres: apres, motif: motif)
            try await connection.query("""
                UPDATE \(unescaped: s).secondes_lectures SET statut = 'tranchee', choix = \(a.choix.rawValue), note_retenue = \(retenue),
                    motif = \(motif), tranchee_par = \(by.login), tranchee_le = now(), version = version + 1
                WHERE id = \(id)
                """, logger: logger)
            guard let vue = try await liste(key, connection, id: id).first else { throw Problem.notFound("seconde lecture") }
            return vue
        }
    }

    // MARK: the examiner's own

    struct ALire: Codable, Sendable {
        var ficheId: UUID
        var numero: String
        var nom: String
        var prenoms: String
        var session: Int
        var epreuve: String
        var centre: String
        var statut: String
    }

    /// The outcome on a sheet the examiner graded: its state; once settled, the marks and the reason.
    struct Issue: Codable, Sendable {
        var ficheId: UUID
        var numero: String
        var nom: String
        var prenoms: String
        var epreuve: String
        var statut: String
        var notePremiere: Int
        var noteRetenue: Int?
        var motif: String?
    }

    struct Mes: Codable, Sendable {
        var aLire: [ALire]
        var issues: [Issue]
    }

    /// The examiner's second looks to read, and those asked on the sheets they graded.
    func mes(login: String) async throws -> Mes {
        let lire = try await client.query("""
            SELECT sl.fiche_id, f.numero, f.nom, f.prenoms, sl.session, sl.epreuve, sl.centre, sl.statut
            FROM \(unescaped: s).secondes_lectures sl JOIN \(unescaped: s).fiches f ON f.id = sl.fiche_id
            WHERE sl.lecteur_login = \(login)
            ORDER BY sl.statut = 'tranchee', sl.session DESC, sl.epreuve, f.numero
            """, logger: logger).collect()
        let issues = try await client.query("""
            SELECT sl.fiche_id, f.numero, f.nom, f.prenoms, sl.epreuve, sl.statut, sl.note_premiere, sl.note_retenue, sl.motif
            FROM \(unescaped: s).secondes_lectures sl JOIN \(unescaped: s).fiches f ON f.id = sl.fiche_id
            WHERE sl.premier_examinateur IN (SELECT intervenant_id FROM \(unescaped: s).examinateurs WHERE login = \(login))
            ORDER BY sl.session DESC, sl.epreuve, f.numero, sl.demandee_le
            """, logger: logger).collect()
        return Mes(
            aLire: try lire.map { row in
                let r = try row.decode((UUID, String, String, String, Int, String, String, String).self)
                return ALire(ficheId: r.0, numero: r.1, nom: r.2, prenoms: r.3, session: r.4, epreuve: r.5, centre: r.6, statut: r.7)
            },
            issues: try issues.map { row in
                let r = try row.decode((UUID, String, String, String, String, String, Int, Int?, String?).self)
                return Issue(ficheId: r.0, numero: r.1, nom: r.2, prenoms: r.3, epreuve: r.4, statut: r.5, notePremiere: r.6,
                             noteRetenue: r.7, motif: r.8)
            })
    }
}

/// What locking a lot and closing the commission wait for.
extension FicheRepository {
    /// The numbers of the commission's sheets (of one lot) whose second look is not settled.
    func secondesLecturesOuvertes(_ key: CommissionKey, groupe: UUID? = nil, _ connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query("""
            SELECT f.numero FROM \(unescaped: s).secondes_lectures sl JOIN \(unescaped: s).fiches f ON f.id = sl.fiche_id
            WHERE sl.session = \(key.session) AND sl.epreuve = \(key.epreuve) AND sl.centre = \(key.centre)
              AND sl.statut <> 'tranchee' AND (\(groupe)::uuid IS NULL OR f.groupe_id = \(groupe))
            ORDER BY f.numero LIMIT 50
            """, logger: logger).collect()
        return try rows.map { try $0.decode(String.self) }
    }
}
