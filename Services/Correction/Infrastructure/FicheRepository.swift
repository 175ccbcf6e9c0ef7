import Foundation
import Logging
import PostgresNIO
import Shared

/// The grading of one candidate (the editor), the subject draw, locking lots and closing the
/// commission. Every change checks the version it was based on and is audited.
struct FicheRepository: Sendable {
    let commissions: CommissionRepository
    let outbox: Outbox
    let repondues = FichesRepondues()

    var client: PostgresClient { commissions.client }
    var logger: Logger { commissions.logger }
    var s: String { commissions.s }

    // MARK: reading

    func fiche(_ id: UUID, on connection: PostgresConnection? = nil) async throws -> Fiche? {
        let statement = EditeurStatements.Fiche(id: id)
        let rows = if let connection { try await connection.execute(statement, logger: logger) }
            else { try await client.execute(statement, logger: logger) }
        var found: PostgresRow?
        for try await row in rows { found = row }
        guard let found else { return nil }
        return try await fiche(found, on: connection)
    }

    /// The sheet of an editor's row, with its frozen barème: from memory, read once per subject
    /// and version from `baremes_figes` (the row does not carry it).
    private func fiche(_ row: PostgresRow, on connection: PostgresConnection?) async throws -> Fiche {
        let r = try row.decode((UUID, Int, String, String, UUID, String, String, String, String?, UUID?, Bool, UUID?, String?, String,
                                String, String?, Int?, Int?, String?, Bool, Int, Date,
                                UUID?, String?, String?, Date?, String?, String?, Int?).self)
        let grille = try JSONDecoder.iso.decode(Grille.self, from: Data(r.13.utf8))
        let sujet = try Self.sujetVue(id: r.22, code: r.23, dominante: r.24, visible: r.25, titre: r.26, document: r.27, version: r.28)
        var bareme: Bareme?
        if let sujet { bareme = try await baremeFige(sujet: sujet.id, version: sujet.baremeVersion, on: connection) }
        var fiche = Fiche(id: r.0, session: r.1, epreuve: r.2, centre: r.3, candidatId: r.4, numero: r.5, nom: r.6, prenoms: r.7,
                          division: r.8, groupeId: r.9, lotVerrouille: r.10, creneauId: r.11, sujet: sujet, sujetMode: r.12,
                          bareme: bareme, grille: grille, statut: r.14, absence: r.15, noteSuggeree: r.16, noteFinale: r.17,
                          motifAjustement: r.18, saisieDifferee: r.19, manquants: [], plafonds: [:], appelsManquants: [],
                          version: r.20, modifieeLe: r.21)
        fiche.recalculer()
        return fiche
    }

    /// A sheet's subject as the editor shows it: its title and document once its embargo is over.
    static func sujetVue(id: UUID?, code: String?, dominante: String?, visible: Date?, titre: String?, document: String?,
                         version: Int?) throws -> SujetVue? {
        guard let id, let code, let visible, let version else { return nil }
        let open = visible <= Date()
        return SujetVue(id: id, code: code, dominante: dominante, visibleFrom: visible, titre: open ? titre : nil,
                        document: open ? try document.map { try JSONDecoder.iso.decode(DocumentRef.self, from: Data($0.utf8)) } : nil,
                        baremeVersion: version)
    }

    /// A subject's barème at a version, as frozen when it was published (migration 15's trigger).
    private func baremeFige(sujet: UUID, version: Int, on connection: PostgresConnection?) async throws -> Bareme {
        if let bareme = BaremesFiges.shared.bareme(sujet: sujet, version: version) { return bareme }
        let query: PostgresQuery = """
            SELECT bareme::text FROM \(unescaped: s).baremes_figes WHERE sujet_id = \(sujet) AND version = \(version)
            """
        let rows = if let connection { try await connection.query(query, logger: logger) }
            else { try await client.query(query, logger: logger) }
        for try await json in rows.decode(String.self) {
            return try BaremesFiges.shared.bareme(sujet: sujet, version: version, json: json)
        }
        throw BaremeIntrouvable(sujet: sujet, version: version)
    }

    /// A sheet names a barème version its subject never had: a broken invariant, not a caller's error.
    struct BaremeIntrouvable: Error, CustomStringConvertible {
        var sujet: UUID
        var version: Int
        var description: String { "no frozen barème for subject \(sujet) version \(version)" }
    }

    /// Whether the examiner is in the group whose lot holds the sheet.
    func isMember(_ intervenant: UUID, of groupe: UUID) async throws -> Bool {
        try await client.query("""
            SELECT 1 FROM \(unescaped: s).groupes WHERE id = \(groupe) AND \(intervenant) = ANY(membres)
            """, logger: logger).collect().count == 1
    }

    // MARK: the subject

    /// Draws the candidate's subject at random among the slot's, on the server; the offer and the
    /// pick are audited. Refused before the subjects' embargo ends, and once a subject is set.
    func tirer(_ id: UUID, version: Int, by: Identity) async throws -> Fiche {
        if let tiree = try await sujetDirect(id, sujet: nil, version: version, by: by) { return tiree }
        return try await repondre(by) { connection in
            let (fiche, examinateur) = try await editable(id, version: version, by: by, connection)
            guard fiche.sujet == nil else { throw Problem.conflict(.dejaFait, "sujet déjà attribué / subject already set") }
            let offre = try await offre(fiche, connection)
            guard let pick = offre.sujets.randomElement() else {
                throw Problem.conflict(.sujetIndisponible, "aucun sujet disponible dans ce créneau / no subject available in this slot")
            }
            let (tiree, xmin) = try await setSujet(fiche, pick, mode: "tirage", by: by, connection,
                                      audit: #"{"sujet":"\#(pick)","offerts":[\#(offre.sujets.map { "\"\($0)\"" }.joined(separator: ","))]}"#)
            return (tiree, xmin, examinateur)
        }
    }

    /// The examiner records the subject the candidate drew on paper (or chose), where the centre
    /// allows it in the slot, and always where the slot offers one subject only (nothing to draw).
    func choisir(_ id: UUID, sujet: UUID, version: Int, by: Identity) async throws -> Fiche {
        if let choisie = try await sujetDirect(id, sujet: sujet, version: version, by: by) { return choisie }
        return try await repondre(by) { connection in
            let (fiche, examinateur) = try await editable(id, version: version, by: by, connection)
            guard fiche.sujet == nil else { throw Problem.conflict(.dejaFait, "sujet déjà attribué / subject already set") }
            let offre = try await offre(fiche, connection)
            guard offre.choix || offre.sujets.count == 1 else {
                throw Problem.conflict(.sujetIndisponible, "le centre n'autorise pas le choix / the centre does not allow choosing")
            }
            guard offre.sujets.contains(sujet) else {
                throw Problem.validation([.init(field: "sujetId", reason: "sujet non proposé dans ce créneau / not offered in this slot")])
            }
            let (choisie, xmin) = try await setSujet(fiche, sujet, mode: "choix", by: by, connection, audit: #"{"sujet":"\#(sujet)"}"#)
            return (choisie, xmin, examinateur)
        }
    }

    /// The draw or the choice in one statement (`SujetGarde`), the sheet remembered as answered;
    /// nil when a check fails or the statement does not answer: the locked way (`editable`, in a
    /// transaction) then does it or says what stands in the way. Once a row came back the subject
    /// is set, unless the server then refused the statement (its commit): only that falls back.
    private func sujetDirect(_ id: UUID, sujet: UUID?, version: Int, by: Identity) async throws -> Fiche? {
        var found: PostgresRow?
        do {
            let statement = EditeurStatements.SujetGarde(fiche: id, sujet: sujet, version: version, by: by)
            for try await row in try await client.execute(statement, logger: logger) { found = row }
        } catch {
            // A row came back, then the connection failed: the subject is set (the row follows the
            // statement's end). The server's error after it (its commit refused) undid it: the locked way.
            if found == nil || (error as? PSQLError)?.serverInfo != nil {
                if error is CancellationError { throw error }
                logger.warning("direct draw failed, drawing the locked way", metadata: ["fiche": "\(id)", "error": "\(String(reflecting: error))"])
                return nil
            }
        }
        guard let found else { return nil }
        let colonne = PostgresRandomAccessRow(found)
        let fiche = try await fiche(found, on: nil)
        repondues.retenir(.init(fiche: fiche, xmin: try colonne["xmin"].decode(Int.self), login: by.login,
                                examinateur: try colonne["examinateur"].decode(UUID.self)))
        return fiche
    }

    /// A change of the editor in a transaction, the sheet it answers remembered once committed
    /// (`FichesRepondues`): the examiner's next save on it writes without reading it first.
    private func repondre(_ by: Identity, _ change: (PostgresConnection) async throws -> (Fiche, xmin: Int, examinateur: UUID))
        async throws -> Fiche {
        let (fiche, xmin, examinateur) = try await client.withTransaction(logger: logger) { connection in try await change(connection) }
        repondues.retenir(.init(fiche: fiche, xmin: xmin, login: by.login, examinateur: examinateur))
        return fiche
    }

    private func offre(_ fiche: Fiche, _ connection: PostgresConnection) async throws -> (sujets: [UUID], choix: Bool) {
        guard let creneau = fiche.creneauId else {
            throw Problem.conflict(.prealable, "candidat sans créneau : le centre doit l'y placer / candidate has no slot")
        }
        var found: (Bool, [UUID], Bool?)?
        for try await row in try await connection.execute(EditeurStatements.Offre(creneau: creneau), logger: logger) { found = row }
        guard let (choix, sujets, visibles) = found else {
            throw Problem.conflict(.sujetIndisponible, "créneau sans sujet / slot without subjects")
        }
        guard visibles == true else { throw Problem.conflict(.sujetIndisponible, "sujets sous embargo / subjects under embargo") }
        return (sujets, choix)
    }

    /// What the editor offers for a sheet without a subject: the slot's subjects (withdrawn ones
    /// left out; their title once visible), whether the examiner records the one drawn on paper
    /// (the slot allows it, or offers one subject only) rather than the platform drawing one.
    struct Offre: Codable, Sendable {
        var enregistrement: Bool
        var visible: Bool
        var sujets: [CommissionRepository.SujetOffert]
    }

    func offre(_ fiche: Fiche) async throws -> Offre {
        guard let creneau = fiche.creneauId else { return Offre(enregistrement: false, visible: false, sujets: []) }
        let rows = try await client.query("""
            SELECT c.choix, su.id, su.code, su.dominante, su.visible_from, CASE WHEN su.visible_from <= now() THEN su.titre END, su.retire
            FROM \(unescaped: s).creneaux c JOIN \(unescaped: s).sujets su ON su.id = ANY(c.sujets)
            WHERE c.id = \(creneau) ORDER BY su.code
            """, logger: logger)
        var choix = false, visible = true
        var sujets: [CommissionRepository.SujetOffert] = []
        let now = Date()
        for try await r in rows.decode((Bool, UUID, String, String?, Date, String?, Bool).self) {
            choix = r.0
            // As the draw and the choice (EditeurStatements.Offre): every subject of the slot, withdrawn ones too.
            visible = visible && r.4 <= now
            if !r.6 { sujets.append(.init(id: r.1, code: r.2, dominante: r.3, visibleFrom: r.4, titre: r.5)) }
        }
        // Under embargo the editor says so and nothing more: not even which subjects the slot offers.
        guard visible else { return Offre(enregistrement: false, visible: false, sujets: []) }
        return Offre(enregistrement: choix || sujets.count == 1, visible: true, sujets: sujets)
    }

    /// Sets the subject; the sheet as it now stands, and its row's `xmin`.
    private func setSujet(_ fiche: Fiche, _ sujet: UUID, mode: String, by: Identity, _ connection: PostgresConnection,
                          audit: String) async throws -> (Fiche, xmin: Int) {
        var found: PostgresRow?
        for try await row in try await connection.execute(
            EditeurStatements.SujetFixe(fiche: fiche.id, sujet: sujet, mode: mode, by: by, audit: audit), logger: logger) {
            found = row
        }
        guard let found else { throw Problem.notFound("fiche") }
        return (try await self.fiche(found, on: connection), try PostgresRandomAccessRow(found)["xmin"].decode(Int.self))
    }

    // MARK: saving

    static func niveau(_ evaluation: Evaluation) -> Niveau? {
        if case .niveau(let n) = evaluation { n } else { nil }
    }

    /// The sheet keeps the grader's intervenant id: their services faits count the sheets they graded.
    /// The editor's save is the platform's hottest path. A sheet this replica just answered the
    /// examiner (a draw, a save) is written by one statement, without a transaction nor a read
    /// first: it writes only if the row is still the one answered and the checks hold under its
    /// locks (`EnregistreGarde`). Otherwise — a regrade (its old levels deleted first), another
    /// replica's sheet, a refusal, anything changed — the save goes the locked way: the read under
    /// lock, then the write, in a transaction, which says what stands in the way.
    func enregistrer(_ id: UUID, _ e: Enregistrement, by: Identity) async throws -> Fiche {
        if let vue = repondues.reprendre(id, version: e.version, login: by.login) {
            do {
                if let (fiche, xmin) = try await client.withConnection({ connection in
                    try await ecrire(vue.fiche, e, examinateur: vue.examinateur, by: by, xmin: vue.xmin, connection)
                }) {
                    repondues.retenir(.init(fiche: fiche, xmin: xmin, login: by.login, examinateur: vue.examinateur))
                    return fiche
                }
            } catch is Problem {
                // A refusal of the copy: the locked way gives the same, in the order it checks.
            } catch {
                logger.warning("direct save failed, saving the locked way", metadata: ["fiche": "\(id)", "error": "\(String(reflecting: error))"])
            }
        }
        return try await repondre(by) { connection in
            let (fiche, examinateur) = try await editable(id, version: e.version, by: by, connection)
            // The levels the statistics read are a graded sheet's: a regrade replaces them.
            if fiche.statut == "notee" {
                try await connection.query("DELETE FROM \(unescaped: s).evaluations WHERE fiche_id = \(id)", logger: logger)
            }
            guard let (saved, xmin) = try await ecrire(fiche, e, examinateur: examinateur, by: by, xmin: nil, connection) else {
                throw Problem.notFound("fiche")
            }
            return (saved, xmin, examinateur)
        }
    }

    /// The save of `e` on `fiche`, read under lock (`editable`) or as answered with its row's
    /// `xmin`: the sheet as it now stands and its new `xmin`, or nil when the row answered has
    /// changed since or a check fails (`EnregistreGarde`).
    private func ecrire(_ fiche: Fiche, _ e: Enregistrement, examinateur: UUID, by: Identity, xmin: Int?,
                        _ connection: PostgresConnection) async throws -> (Fiche, xmin: Int)? {
        var statut: String, absence: String?, suggeree: Int?, finale: Int?, motif: String?
        let grille = e.grille ?? fiche.grille
        if let given = e.absence {
            guard e.noteFinale == nil else {
                throw Problem.validation([.init(field: "noteFinale", reason: "pas de note pour un absent / no mark for an absentee")])
            }
            // The editor sends its grid with an absence: under the checks of any grid. Before the
            // draw an empty barème leaves only the general comment, the one field the editor shows then.
            let errors = grille.violations(fiche.bareme ?? Bareme(criteres: []))
            guard errors.isEmpty else { throw Problem.validation(errors) }
            (statut, absence) = ("absent", given.rawValue)
        } else {
            guard let bareme = fiche.bareme else {
                throw Problem.conflict(.prealable, "attribuer d'abord le sujet (tirage) / set the subject first (draw)")
            }
            let errors = grille.violations(bareme)
            guard errors.isEmpty else { throw Problem.validation(errors) }
            if e.finaliser == true {
                let note = try Self.noteDonnee(bareme, grille, override: e.noteFinale, motif: e.motifAjustement)
                (statut, suggeree, finale, motif) = ("notee", note.suggeree, note.finale, note.motif)
            } else {
                guard e.noteFinale == nil else {
                    throw Problem.validation([.init(field: "noteFinale", reason: "un brouillon n'a pas de note / a draft has no mark")])
                }
                suggeree = Self.suggeree(bareme, grille)
                statut = "brouillon"
            }
        }
        let grilleJSON = String(decoding: try JSONEncoder.iso.encode(grille), as: UTF8.self)
        // The levels the statistics read: those of a graded sheet only, the level that counts
        // being the one after the aids' caps.
        let notee = statut == "notee" && fiche.sujet != nil
        let (codes, niveaux, points) = notee ? Self.evaluations(fiche, grille) : ([], [], [])
        let action = absence != nil ? "fiche.absence" : motif != nil ? "fiche.ajustement" : statut == "notee" ? "fiche.notee" : "fiche.brouillon"
        let enregistre = EditeurStatements.Enregistre(
            id: fiche.id, grille: grilleJSON, statut: statut, absence: absence, suggeree: suggeree, finale: finale, motif: motif,
            differee: e.saisieDifferee ?? false, examinateur: examinateur, by: by, action: action,
            codes: codes, niveaux: niveaux, points: points)
        var saved: (Int, Date, Bool, Int)?
        var apres = fiche
        if let xmin {
            let statement = EditeurStatements.EnregistreGarde(enregistre: enregistre, version: fiche.version, xmin: xmin)
            for try await row in try await connection.execute(statement, logger: logger) {
                let r = try row.decode((Int, Date, Bool, Int, String?, String?, Date?, String?, String?).self)
                saved = (r.0, r.1, r.2, r.3)
                // Written: nothing after this may throw, or the locked way would answer 409 to a save
                // that went through. A subject that does not decode keeps the one answered.
                apres.sujet = (try? Self.sujetVue(id: fiche.sujet?.id, code: r.4, dominante: r.5, visible: r.6, titre: r.7,
                                                  document: r.8, version: fiche.sujet?.baremeVersion)) ?? fiche.sujet
            }
        } else {
            for try await row in try await connection.execute(enregistre, logger: logger) { saved = row }
        }
        guard let (version, modifiee, differee, nouveau) = saved else { return nil }
        (apres.grille, apres.statut, apres.absence, apres.noteSuggeree, apres.noteFinale, apres.motifAjustement) =
            (grille, statut, absence, suggeree, finale, motif)
        (apres.version, apres.modifieeLe, apres.saisieDifferee) = (version, modifiee, differee)
        apres.recalculer()
        return (apres, nouveau)
    }

    /// The suggested mark, in half points, once every criterion is evaluated; the barème is a
    /// sheet's, frozen and validated once (`BaremesFiges`).
    static func suggeree(_ bareme: Bareme, _ grille: Grille) -> Int? {
        guard grille.manquants(bareme).isEmpty else { return nil }
        return (try? bareme.noteSuggeree(valide: grille.evaluationsCritere()))?.demiPoints
    }

    /// A graded sheet's criteria for `EditeurStatements.Enregistre`: codes, levels after the aids'
    /// caps ("" for points) and points (-1 for levels).
    static func evaluations(_ fiche: Fiche, _ grille: Grille) -> (codes: [String], niveaux: [String], points: [Int]) {
        (grille.evaluations.map(\.code),
         grille.evaluationsCritere().map { e in
             Self.niveau(e.evaluation).map { (fiche.bareme?.niveauEffectif($0, aides: e.aides) ?? $0).rawValue } ?? ""
         },
         grille.evaluations.map { e -> Int in if case .points(let p) = e.evaluation { p } else { -1 } })
    }

    /// The grade a final grid gives (every criterion evaluated): the suggested mark, or an override
    /// with its mandatory reason. The editor's rule, and the re-marking's after closing.
    static func noteDonnee(_ bareme: Bareme, _ grille: Grille, override: Int?, motif: String?) throws
        -> (suggeree: Int, finale: Int, motif: String?) {
        let manquants = grille.manquants(bareme)
        guard manquants.isEmpty, let suggested = suggeree(bareme, grille) else {
            throw Problem.validation([.init(field: "grille.evaluations", reason:
                "critères non évalués / criteria not evaluated: \(manquants.joined(separator: ", "))")])
        }
        guard let override, override != suggested else { return (suggested, suggested, nil) }
        guard (0...40).contains(override) else {
            throw Problem.validation([.init(field: "noteFinale", reason: "0 à 40 demi-points / 0 to 40 half points")])
        }
        let reason = (motif ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(reason.count) else {
            throw Problem.validation([.init(field: "motifAjustement", reason:
                "motif obligatoire pour modifier la note proposée / a reason is required to override")])
        }
        return (suggested, override, reason)
    }

    /// The sheet under lock for its grader, if the caller's version is current, its lot and
    /// commission are open and the caller is convoked as an examiner on its exam × centre and is
    /// (still) in the lot's group: the sheet and the grader's intervenant id. One statement: it
    /// also shares the commission row with a closing and the group row with a lock, so a save
    /// never crosses either.
    private func editable(_ id: UUID, version: Int, by: Identity, _ connection: PostgresConnection) async throws
        -> (fiche: Fiche, examinateur: UUID) {
        var found: PostgresRow?
        for try await row in try await connection.execute(EditeurStatements.Editable(id: id, login: by.login), logger: logger) {
            found = row
        }
        guard let row = found else { throw Problem.notFound("fiche") }
        let colonne = PostgresRandomAccessRow(row)
        guard let examinateur = try colonne["intervenant_id"].decode(UUID?.self) else { throw Problem.notFound("fiche") }
        let current = try await fiche(row, on: connection)
        if let refus = Self.figee(etat: try colonne["etat"].decode(String.self), lotVerrouille: current.lotVerrouille) { throw refus }
        // Once read again, the mark is the coordination's to settle: the first examiner no longer changes it.
        guard try !colonne["relue"].decode(Bool.self) else {
            throw Problem.conflict(.etat, "fiche en seconde lecture : la coordination tranche la note / sheet under a second look")
        }
        guard current.version == version else {
            throw try Problem.stale("la fiche a changé depuis votre lecture (version \(version), actuelle \(current.version)) / "
                                    + "the sheet changed since you read it", current: current)
        }
        return (current, examinateur)
    }

    /// What keeps a sheet as it stands: its commission closed, its lot locked (nil: it may change).
    /// The editor's rule, and the attendance sheet's.
    static func figee(etat: String, lotVerrouille: Bool) -> Problem? {
        guard etat == "ouverte" else { return Problem.conflict(.epreuveClose, "épreuve close pour ce centre / exam closed at this centre") }
        guard !lotVerrouille else { return Problem.conflict(.lotVerrouille, "lot verrouillé : lecture seule / locked lot: read-only") }
        return nil
    }

    // MARK: absences from the attendance sheet

    /// The centre, attendance sheet in hand after the half-day, records the slot's absent candidates:
    /// each sheet takes the absence as the editor's save does (same statement and audit, the grader
    /// kept), under the editor's rule (`figee`); a sheet whose grading has begun — the candidate
    /// sat — is left as it stands and named. Sheets outside the slot: 404, nothing changed.
    func releverAbsences(_ key: CommissionKey, creneau: UUID, fiches ids: [UUID], absence: Absence, by: Identity) async throws -> Releve {
        try await client.withTransaction(logger: logger) { connection in
            // As the editor's read: the sheets locked, their commission shared with a closing.
            let rows = try await connection.query("""
                SELECT f.id, f.numero, f.nom, f.prenoms, f.statut, f.absence, f.grille::text, COALESCE(g.verrouille, false), c.etat
                FROM \(unescaped: s).fiches f
                JOIN \(unescaped: s).commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
                LEFT JOIN \(unescaped: s).groupes g ON g.id = f.groupe_id
                WHERE f.id = ANY(\(ids)) AND f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre)
                  AND f.creneau_id = \(creneau)
                ORDER BY f.nom, f.prenoms, f.numero
                FOR UPDATE OF f FOR SHARE OF c
                """, logger: logger).collect()
            let fiches = try rows.map { try $0.decode((UUID, String, String, String, String, String?, String, Bool, String).self) }
            guard fiches.count == Set(ids).count else {
                throw Problem.notFound("fiches hors de ce créneau / sheets outside this slot")
            }
            var releve = Releve()
            for (id, numero, nom, prenoms, statut, dejaAbsence, grille, verrouille, etat) in fiches {
                let motif: String? = if let refus = Self.figee(etat: etat, lotVerrouille: verrouille) { refus.detail ?? refus.title }
                    else if statut == "notee" { "déjà noté" } else if statut == "brouillon" { "notation commencée" } else { nil }
                if let motif {
                    releve.refus.append(.init(numero: numero, nom: "\(nom) \(prenoms)", motif: motif))
                } else if statut == "absent", dejaAbsence == absence.rawValue {
                    releve.dejaRecensees += 1
                } else {
                    for try await _ in try await connection.execute(EditeurStatements.Enregistre(
                        id: id, grille: grille, statut: "absent", absence: absence.rawValue, suggeree: nil, finale: nil, motif: nil,
                        differee: false, examinateur: nil, by: by, action: "fiche.absence", codes: [], niveaux: [],
                        points: []), logger: logger) {}
                    releve.absents.append(numero)
                }
            }
            return releve
        }
    }

    struct EntreeAudit: Codable, Sendable {
        var le: Date
        var acteur: String
        var action: String
        var avant: String?
        var apres: String?
        var motif: String?
        /// The lot's group, in a commission's audit.
        var lot: String? = nil
    }

    func audit(fiche id: UUID) async throws -> [EntreeAudit] {
        let rows = try await client.query("""
            SELECT le, acteur_login, action, avant::text, apres::text, motif FROM \(unescaped: s).audit WHERE fiche_id = \(id) ORDER BY id
            """, logger: logger)
        var result: [EntreeAudit] = []
        for try await r in rows.decode((Date, String, String, String?, String?, String?).self) {
            result.append(EntreeAudit(le: r.0, acteur: r.1, action: r.2, avant: r.3, apres: r.4, motif: r.5))
        }
        return result
    }

    /// What was done to the commission itself and to its lots (not to a sheet), the latest 200 first.
    func audit(commission key: CommissionKey) async throws -> [EntreeAudit] {
        let rows = try await client.query("""
            SELECT a.le, a.acteur_login, a.action, a.avant::text, a.apres::text, a.motif, g.nom
            FROM \(unescaped: s).audit a LEFT JOIN \(unescaped: s).groupes g ON g.id = a.groupe_id
            WHERE a.session = \(key.session) AND a.epreuve = \(key.epreuve) AND a.centre = \(key.centre) AND a.fiche_id IS NULL
            ORDER BY a.id DESC LIMIT 200
            """, logger: logger)
        var result: [EntreeAudit] = []
        for try await r in rows.decode((Date, String, String, String?, String?, String?, String?).self) {
            result.append(EntreeAudit(le: r.0, acteur: r.1, action: r.2, avant: r.3, apres: r.4, motif: r.5, lot: r.6))
        }
        return result
    }

    // MARK: locking

    func groupe(_ id: UUID) async throws -> Lot? {
        let rows = try await client.query("""
            SELECT session, epreuve, centre, membres FROM \(unescaped: s).groupes WHERE id = \(id)
            """, logger: logger)
        for try await r in rows.decode((Int, String, String, [UUID]).self) {
            return Lot(id: id, key: CommissionKey(session: r.0, epreuve: r.1, centre: r.2), membres: r.3)
        }
        return nil
    }

    /// A lot is locked once every candidate in it is graded or absent (409 naming the others).
    func verrouiller(_ groupe: Lot, by: Identity, correlationId: String) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            let academie = try await commissions.openCommission(groupe.key, connection)
            let locked = try await connection.query("""
                SELECT verrouille FROM \(unescaped: s).groupes WHERE id = \(groupe.id) FOR UPDATE
                """, logger: logger).collect().first?.decode(Bool.self) ?? true
            guard !locked else { throw Problem.conflict(.dejaFait, "lot déjà verrouillé / lot already locked") }
            let relues = try await secondesLecturesOuvertes(groupe.key, groupe: groupe.id, connection)
            guard relues.isEmpty else {
                throw Problem.conflict(.incomplet, "seconde lecture en cours / second look open: \(relues.joined(separator: ", "))")
            }
            let rows = try await connection.query("""
                SELECT numero, statut IN ('notee', 'absent') FROM \(unescaped: s).fiches
                WHERE groupe_id = \(groupe.id) AND session = \(groupe.key.session) AND epreuve = \(groupe.key.epreuve)
                  AND centre = \(groupe.key.centre)
                ORDER BY numero
                """, logger: logger).collect()
            let fiches = try rows.map { try $0.decode((String, Bool).self) }
            let manquants = fiches.filter { !$0.1 }.map(\.0)
            guard manquants.isEmpty else {
                throw Problem.conflict(.incomplet, "candidats non notés / candidates not graded: \(manquants.joined(separator: ", "))")
            }
            guard !fiches.isEmpty else { throw Problem.conflict(.incomplet, "lot vide / empty lot") }
            try await connection.query("""
                UPDATE \(unescaped: s).groupes SET verrouille = true, verrouille_le = now(), verrouille_par = \(by.userId)
                WHERE id = \(groupe.id)
                """, logger: logger)
            try await commissions.audit(connection, by, "lot.verrouille", groupe.key, groupe: groupe.id,
                                        apres: #"{"candidats":\#(fiches.count)}"#)
            try await outbox.enqueue(LotLocked(lotId: groupe.id, session: groupe.key.session, academie: academie,
                                               epreuve: groupe.key.epreuve, centreUAI: groupe.key.centre, candidats: fiches.count,
                                               by: by.userId), correlationId: correlationId, on: connection, logger: logger)
            return fiches.count
        }
    }

    /// A lot is unlocked with a reason.
    func deverrouiller(_ groupe: Lot, motif: String, by: Identity, correlationId: String) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let academie = try await commissions.openCommission(groupe.key, connection)
            let updated = try await connection.query("""
                UPDATE \(unescaped: s).groupes SET verrouille = false, verrouille_le = NULL, verrouille_par = NULL
                WHERE id = \(groupe.id) AND verrouille RETURNING membres
                """, logger: logger).collect()
            guard let membres = try updated.first?.decode([UUID].self) else { throw Problem.conflict(.lotNonVerrouille, "lot non verrouillé / lot not locked") }
            try await commissions.audit(connection, by, "lot.deverrouille", groupe.key, groupe: groupe.id, motif: motif)
            try await outbox.enqueue(LotUnlocked(lotId: groupe.id, session: groupe.key.session, academie: academie,
                                                 epreuve: groupe.key.epreuve, centreUAI: groupe.key.centre, motif: motif,
                                                 by: by.userId, examinateurs: membres), correlationId: correlationId, on: connection, logger: logger)
        }
    }

    // MARK: closing

    /// Closes the exam at the centre when every candidate is in a locked lot: one `epreuve.closed`
    /// (grades in chunks of ≤ 1,000, the examiners', coordinators' and second readers' services faits in the last) through the outbox.
    func cloturer(_ key: CommissionKey, by: Identity, correlationId: String) async throws -> Cloture {
        try await client.withTransaction(logger: logger) { connection in
            let academie = try await commissions.openCommission(key, connection, forUpdate: true)
            let relues = try await secondesLecturesOuvertes(key, connection)
            guard relues.isEmpty else {
                throw Problem.conflict(.incomplet, "seconde lecture en cours / second look open: \(relues.joined(separator: ", "))")
            }
            let open = try await connection.query("""
                SELECT f.numero FROM \(unescaped: s).fiches f LEFT JOIN \(unescaped: s).groupes g ON g.id = f.groupe_id
                WHERE f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre)
                  AND (g.id IS NULL OR NOT g.verrouille)
                ORDER BY f.numero LIMIT 50
                """, logger: logger).collect()
            guard open.isEmpty else {
                let numeros = try open.map { try $0.decode(String.self) }
                throw Problem.conflict(.lotNonVerrouille, "candidats hors d'un lot verrouillé / candidates outside a locked lot: \(numeros.joined(separator: ", "))")
            }
            var notes: [NoteCandidat] = []
            let rows = try await connection.query("""
                SELECT candidat_id, numero, statut, absence, note_finale FROM \(unescaped: s).fiches
                WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) ORDER BY numero
                """, logger: logger)
            for try await (candidat, numero, statut, absence, note) in rows.decode((UUID, String, String, String?, Int?).self) {
                let resultat: Resultat
                switch (statut, absence, note) {
                case ("absent", "justifiee", _): resultat = .absentJustifie
                case ("absent", _, _): resultat = .absentInjustifie
                case ("notee", _, let note?): resultat = .note(demiPoints: note)
                default: throw Problem.conflict(.incomplet, "fiche \(numero) sans résultat / sheet without a result")
                }
                notes.append(NoteCandidat(candidatId: candidat, numero: numero, resultat: resultat))
            }
            guard !notes.isEmpty else { throw Problem.conflict(.incomplet, "aucun candidat / no candidate") }
            // Each examiner's graded candidates and each second reader's sheets read (issue 22 item 2;
            // every look is settled by now: an open one refuses the closing above), on their examiner
            // mission of this exam × centre.
            var services: [ServiceFait] = [], secondes: [ServiceFait] = []
            let work = try await connection.query("""
                SELECT w.intervenant, (SELECT e.mission_id FROM \(unescaped: s).examinateurs e
                                       WHERE e.intervenant_id = w.intervenant AND e.kind = 'examinateur' AND e.session = \(key.session)
                                         AND e.epreuve = \(key.epreuve) AND e.centre = \(key.centre) ORDER BY e.active DESC LIMIT 1),
                       count(*)::int, w.lecture
                FROM (SELECT f.examinateur_id AS intervenant, false AS lecture FROM \(unescaped: s).fiches f
                      WHERE f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre) AND f.statut = 'notee'
                        AND f.examinateur_id IS NOT NULL
                      UNION ALL
                      SELECT sl.lecteur_id, true FROM \(unescaped: s).secondes_lectures sl
                      WHERE sl.session = \(key.session) AND sl.epreuve = \(key.epreuve) AND sl.centre = \(key.centre) AND sl.lue_le IS NOT NULL) w
                GROUP BY w.intervenant, w.lecture ORDER BY w.lecture, w.intervenant
                """, logger: logger)
            for try await (intervenant, mission, count, lecture) in work.decode((UUID, UUID?, Int, Bool).self) {
                if lecture {
                    secondes.append(ServiceFait(intervenantId: intervenant, missionId: mission, candidatsEvalues: count, role: .secondLecteur))
                } else {
                    services.append(ServiceFait(intervenantId: intervenant, missionId: mission, candidatsEvalues: count, role: .examinateur))
                }
            }
            // The exam's coordinators in the académie, on their coordinator mission: a flat fee that
            // Imag'In pays once per mission, however many centres close.
            let coordination = try await connection.query("""
                SELECT DISTINCT intervenant_id, mission_id FROM \(unescaped: s).examinateurs
                WHERE kind = 'coordinateur' AND active AND session = \(key.session) AND epreuve = \(key.epreuve) AND academie = \(academie)
                ORDER BY intervenant_id, mission_id
                """, logger: logger)
            for try await (coordinateur, mission) in coordination.decode((UUID, UUID).self) {
                services.append(ServiceFait(intervenantId: coordinateur, missionId: mission, candidatsEvalues: 0, role: .coordinateur))
            }
            let closureId = UUID()
            let numbered = try await connection.query("""
                UPDATE \(unescaped: s).commissions SET etat = 'close', closure_id = \(closureId), close_le = now(),
                    closure_version = closure_version + 1
                WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre)
                RETURNING closure_version
                """, logger: logger).collect()
            let version = try numbered.first?.decode(Int.self) ?? 1
            let chunks = notes.chunks(of: EpreuveClosed.maximumChunk)
            try await outbox.enqueue(chunks.enumerated().map { i, chunk in
                EventEnvelope(producer: outbox.producer, correlationId: correlationId, payload: EpreuveClosed(
                    closureId: closureId, session: key.session, academie: academie, epreuve: key.epreuve, centreUAI: key.centre,
                    chunk: i + 1, chunks: chunks.count, notes: chunk, servicesFaits: i + 1 == chunks.count ? services : [],
                    closureVersion: version, secondesLectures: i + 1 == chunks.count && !secondes.isEmpty ? secondes : nil))
            }, on: connection, logger: logger)
            let absents = notes.filter { if case .note = $0.resultat { false } else { true } }.count
            let report = Cloture(closureId: closureId, notes: notes.count - absents, absents: absents, servicesFaits: services.count + secondes.count,
                                 chunks: chunks.count)
            try await commissions.audit(connection, by, "epreuve.cloturee", key,
                                        apres: String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
            return report
        }
    }

    /// The gestionnaire reopens a closed exam × centre, with a reason; a new closing replaces the grades.
    func rouvrir(_ key: CommissionKey, motif: String, by: Identity) async throws {
        try await client.withTransaction(logger: logger) { connection in
            let updated = try await connection.query("""
                UPDATE \(unescaped: s).commissions SET etat = 'ouverte'
                WHERE session = \(key.session) AND epreuve = \(key.epreuve) AND centre = \(key.centre) AND etat = 'close' RETURNING 1
                """, logger: logger).collect()
            guard !updated.isEmpty else { throw Problem.conflict(.epreuveNonClose, "épreuve non close / exam not closed") }
            try await commissions.audit(connection, by, "epreuve.rouverte", key, motif: motif)
        }
    }

    // MARK: printing

    /// The sheets of a commission (or of one of its slots), ready to print: each with the criteria
    /// of its subject once drawn, else those of the subjects its slot offers.
    /// Before the draw the appels are not printed (they are the subject's own, and may be under
    /// embargo): the sheet leaves lines to write them.
    func feuilles(_ key: CommissionKey, creneau: UUID?, seule: UUID? = nil, lien: (UUID) -> String) async throws -> [FicheDocument.Feuille] {
        let rows = try await client.query("""
            SELECT f.id, c.id, c.jour::text, c.demi_journee FROM \(unescaped: s).fiches f
            LEFT JOIN \(unescaped: s).creneaux c ON c.id = f.creneau_id
            WHERE f.session = \(key.session) AND f.epreuve = \(key.epreuve) AND f.centre = \(key.centre)
              AND (\(creneau)::uuid IS NULL OR f.creneau_id = \(creneau)) AND (\(seule)::uuid IS NULL OR f.id = \(seule))
            ORDER BY c.jour NULLS LAST, c.demi_journee DESC, f.nom, f.prenoms, f.numero
            """, logger: logger).collect()
        var offres: [UUID?: [Bareme]] = [:]
        var feuilles: [FicheDocument.Feuille] = []
        for row in rows {
            let (id, slot, jour, demiJournee) = try row.decode((UUID, UUID?, String?, String?).self)
            guard let fiche = try await fiche(id) else { continue }
            var baremes: [Bareme]
            // A subject still under embargo prints nothing of its own (not even its criteria).
            let embargo = fiche.sujet.map { $0.visibleFrom > Date() } ?? false
            if embargo {
                baremes = []
            } else if let bareme = fiche.bareme {
                baremes = [bareme]
            } else if let cached = offres[slot] {
                baremes = cached
            } else {
                baremes = try await baremesOfferts(key, creneau: slot)
                offres[slot] = baremes
            }
            var criteres: [Critere] = []
            for bareme in baremes {
                criteres += bareme.criteres.filter { c in !criteres.contains { $0.code == c.code } }
            }
            let appels = embargo ? nil : fiche.bareme?.appels
            let libelle = jour.map { "\(FrenchFormat.date($0)) \(demiJournee == "matin" ? "matin" : "après-midi")" }
            feuilles.append(FicheDocument.Feuille(fiche: fiche, criteres: criteres, appels: appels, lien: lien(id), creneau: libelle))
        }
        return feuilles
    }

    /// The barèmes of the subjects a slot offers (of every published subject of the exam without a
    /// slot), leaving out those still under embargo: a sheet printed the day before must not tell
    /// what tomorrow's subjects assess.
    private func baremesOfferts(_ key: CommissionKey, creneau: UUID?) async throws -> [Bareme] {
        let rows = try await client.query("""
            SELECT su.id, su.bareme_version, su.bareme::text FROM \(unescaped: s).sujets su
            WHERE su.session = \(key.session) AND su.epreuve = \(key.epreuve) AND NOT su.retire AND su.visible_from <= now()
              AND (\(creneau)::uuid IS NULL OR su.id = ANY(SELECT unnest(sujets) FROM \(unescaped: s).creneaux WHERE id = \(creneau)))
            ORDER BY su.code
            """, logger: logger)
        var result: [Bareme] = []
        for try await (sujet, version, json) in rows.decode((UUID, Int, String).self) {
            result.append(try BaremesFiges.shared.bareme(sujet: sujet, version: version, json: json))
        }
        return result
    }

    // MARK: the examiner's own

    struct MonLot: Codable, Sendable {
        var groupeId: UUID
        var nom: String
        var session: Int
        var epreuve: String
        var centre: String
        var verrouille: Bool
        var fiches: [CommissionRepository.FicheResume]
    }

    /// The lots of the examiner with this login (on the exams × centres they are convoked to).
    func mesLots(login: String) async throws -> [MonLot] {
        try await client.withConnection { connection in
            // Read whole before the lots' sheets: one statement at a time on a connection.
            var groupes: [EditeurStatements.MesLots.Groupe] = []
            for try await g in try await connection.execute(EditeurStatements.MesLots(login: login), logger: logger) { groupes.append(g) }
            var lots: [MonLot] = []
            for g in groupes {
                var fiches: [CommissionRepository.FicheResume] = []
                for try await row in try await connection.execute(EditeurStatements.FichesDuLot(groupe: g), logger: logger) {
                    fiches.append(try CommissionRepository.FicheResume(row: row))
                }
                lots.append(MonLot(groupeId: g.id, nom: g.nom, session: g.session, epreuve: g.epreuve, centre: g.centre,
                                   verrouille: g.verrouille, fiches: fiches))
            }
            return lots
        }
    }
}

struct SujetVue: Codable, Sendable {
    var id: UUID
    var code: String
    var dominante: String?
    var visibleFrom: Date
    /// nil before `visibleFrom`: the content stays under embargo.
    var titre: String?
    var document: DocumentRef?
    var baremeVersion: Int
}

/// One save of the editor: the grid (a draft, or final), or an absence; the version it read.
struct Enregistrement: Decodable, Sendable {
    var version: Int
    var grille: Grille?
    var absence: Absence?
    /// false: a draft; true: the grade is given (every criterion evaluated).
    var finaliser: Bool?
    /// An override of the suggested mark, in half points, with its mandatory reason.
    var noteFinale: Int?
    var motifAjustement: String?
    /// Typed later from the paper sheet (offline fallback).
    var saisieDifferee: Bool?
}

/// The sheet as the editor shows it.
struct Fiche: Codable, Sendable {
    var id: UUID
    var session: Int
    var epreuve: String
    var centre: String
    var candidatId: UUID
    var numero: String
    var nom: String
    var prenoms: String
    var division: String?
    var groupeId: UUID?
    var lotVerrouille: Bool
    var creneauId: UUID?
    var sujet: SujetVue?
    var sujetMode: String?
    /// The barème of the subject (nil until a subject is set).
    var bareme: Bareme?
    var grille: Grille
    var statut: String
    var absence: String?
    var noteSuggeree: Int?
    var noteFinale: Int?
    var motifAjustement: String?
    var saisieDifferee: Bool
    /// Criteria still to evaluate, and the level each aided criterion is capped at.
    var manquants: [String]
    var plafonds: [String: Niveau]
    /// The subject's appels not recorded yet (a reminder: the examiner may still finalise).
    var appelsManquants: [String]
    var version: Int
    var modifieeLe: Date

    var key: CommissionKey { CommissionKey(session: session, epreuve: epreuve, centre: centre) }

    /// What the editor derives from the grid and the barème.
    mutating func recalculer() {
        manquants = bareme.map(grille.manquants) ?? []
        plafonds = bareme.map(grille.plafonds) ?? [:]
        appelsManquants = bareme.map { b in b.appels.map(\.code).filter { code in !grille.appels.contains { $0.code == code } } } ?? []
    }
}

struct Lot: Sendable {
    var id: UUID
    var key: CommissionKey
    var membres: [UUID]
}

enum Absence: String, Codable, Sendable {
    case injustifiee, justifiee
}

struct Cloture: Codable, Sendable {
    var closureId: UUID
    var notes: Int
    var absents: Int
    var servicesFaits: Int
    var chunks: Int
}

/// What the centre's record of a slot's absences did: the numbers turned absent, how many were
/// already recorded so (a replay changes nothing), and the sheets left as they stand, with why.
struct Releve: Codable, Sendable {
    var absents: [String] = []
    var dejaRecensees = 0
    var refus: [Refus] = []
    struct Refus: Codable, Sendable { var numero: String; var nom: String; var motif: String }
}
