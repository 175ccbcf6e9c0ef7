import Foundation
import Logging
import PostgresNIO
import Shared

/// Re-marking after closing (« recorrection », issue 22 item 3). A closed commission freezes its
/// sheets; the académie's gestionnaire opens a request for ONE candidate's sheet with a reason (an
/// appeal), and only that request lets the exam's coordinator in the académie re-mark that sheet.
/// The re-marking sends a closure of that candidate alone (`epreuve.closed` with its
/// `recorrection`): no services faits, so nobody is paid twice. Both steps are in the sheet's audit.
extension FicheRepository {
    struct DemandeRecorrection: Codable, Sendable {
        var id: UUID
        var ficheId: UUID
        var session: Int
        var epreuve: String
        var centre: String
        var numero: String
        var nom: String
        var prenoms: String
        var motif: String
        var demandeePar: String
        var demandeeLe: Date
        var etat: String
        var faitePar: String?
        var faiteLe: Date?
        var noteAvant: Int?
        var noteApres: Int?
    }

    /// The gestionnaire's request: the commission must be closed (else the editor is the way) and
    /// the candidate graded there; one open request per sheet.
    func demanderRecorrection(_ key: CommissionKey, candidat: UUID, motif: String, by: Identity) async throws -> UUID {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT c.etat, c.academie, f.id, f.statut FROM \(unescaped: s).commissions c
                LEFT JOIN \(unescaped: s).fiches f ON f.session = c.session AND f.epreuve = c.epreuve AND f.centre = c.centre
                    AND f.candidat_id = \(candidat)
                WHERE c.session = \(key.session) AND c.epreuve = \(key.epreuve) AND c.centre = \(key.centre)
                FOR SHARE OF c
                """, logger: logger).collect()
            guard let (etat, academie, fiche, statut) = try rows.first?.decode((String, String, UUID?, String?).self) else {
                throw Problem.notFound("commission")
            }
            // The candidate of this commission first: another's is not the caller's to know of.
            guard let fiche, let statut else { throw Problem.notFound("candidat") }
            guard etat == "close" else {
                throw Problem.conflict(.epreuveNonClose, "épreuve non close : la fiche se corrige dans l'éditeur / exam not closed")
            }
            guard statut == "notee" else {
                throw Problem.conflict(.etat, "seule une fiche notée se recorrige / only a graded sheet is re-marked")
            }
            let id = UUID()
            let inserted = try await connection.query("""
                INSERT INTO \(unescaped: s).recorrections (id, fiche_id, session, epreuve, centre, academie, motif, demandee_par)
                VALUES (\(id), \(fiche), \(key.session), \(key.epreuve), \(key.centre), \(academie), \(motif), \(by.login))
                ON CONFLICT (fiche_id) WHERE etat = 'ouverte' DO NOTHING RETURNING 1
                """, logger: logger).collect()
            guard !inserted.isEmpty else {
                throw Problem.conflict(.dejaFait, "une recorrection de cette fiche est déjà demandée / a request is already open")
            }
            try await commissions.audit(connection, by, "recorrection.demandee", key, fiche: fiche,
                                        apres: #"{"recorrection":"\#(id)"}"#, motif: motif)
            return id
        }
    }

    /// The requests of an académie's session, open first; only those of `epreuves` when given (a coordinator's).
    func recorrections(session: Int, academie: String, epreuves: [String]?) async throws -> [DemandeRecorrection] {
        let rows = try await client.query("""
            SELECT r.id, r.fiche_id, r.session, r.epreuve, r.centre, f.numero, f.nom, f.prenoms, r.motif, r.demandee_par,
                   r.demandee_le, r.etat, r.faite_par, r.faite_le, r.note_avant, r.note_apres
            FROM \(unescaped: s).recorrections r JOIN \(unescaped: s).fiches f ON f.id = r.fiche_id
            WHERE r.session = \(session) AND r.academie = \(academie) AND (\(epreuves)::text[] IS NULL OR r.epreuve = ANY(\(epreuves)))
            ORDER BY r.etat = 'faite', r.demandee_le DESC LIMIT 500
            """, logger: logger)
        var result: [DemandeRecorrection] = []
        for try await r in rows.decode((UUID, UUID, Int, String, String, String, String, String, String, String, Date, String,
                                        String?, Date?, Int?, Int?).self) {
            result.append(DemandeRecorrection(id: r.0, ficheId: r.1, session: r.2, epreuve: r.3, centre: r.4, numero: r.5, nom: r.6,
                                              prenoms: r.7, motif: r.8, demandeePar: r.9, demandeeLe: r.10, etat: r.11, faitePar: r.12,
                                              faiteLe: r.13, noteAvant: r.14, noteApres: r.15))
        }
        return result
    }

    /// The coordinator's re-marking: the full grid (and an override with its reason, as in the
    /// editor) on the version of the sheet they read.
    struct Recorrige: Decodable, Sendable {
        var version: Int
        var grille: Grille
        var noteFinale: Int?
        var motifAjustement: String?
    }

    /// Re-marks the sheet of an open request, by an active coordinator of its exam in its académie
    /// (404 for anybody else), while its commission is still closed; the candidate's new closure
    /// goes through the outbox in the same transaction.
    func recorriger(_ id: UUID, _ body: Recorrige, by: Identity, correlationId: String) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT r.fiche_id, r.session, r.epreuve, r.centre, r.academie, r.motif, r.etat, c.etat, c.closure_id, c.closure_version,
                       (SELECT count(*)::int FROM \(unescaped: s).recorrections d WHERE d.fiche_id = r.fiche_id AND d.etat = 'faite')
                FROM \(unescaped: s).recorrections r
                JOIN \(unescaped: s).commissions c ON c.session = r.session AND c.epreuve = r.epreuve AND c.centre = r.centre
                JOIN \(unescaped: s).fiches f ON f.id = r.fiche_id
                WHERE r.id = \(id)
                FOR UPDATE OF r, f FOR SHARE OF c
                """, logger: logger).collect()
            guard let r = try rows.first?.decode((UUID, Int, String, String, String, String, String, String, UUID?, Int, Int).self),
                try await commissions.isCoordinateur(by, epreuve: r.2, session: r.1, academie: r.4)
            else { throw Problem.notFound("recorrection") }
            let key = CommissionKey(session: r.1, epreuve: r.2, centre: r.3)
            guard r.6 == "ouverte" else { throw Problem.conflict(.dejaFait, "recorrection déjà faite / already re-marked") }
            guard r.7 == "close", let closureId = r.8 else {
                throw Problem.conflict(.epreuveNonClose, "épreuve rouverte : la fiche se corrige dans l'éditeur / exam reopened")
            }
            guard let fiche = try await fiche(r.0, on: connection), let bareme = fiche.bareme, fiche.statut == "notee" else {
                throw Problem.conflict(.etat, "fiche sans note / sheet not graded")
            }
            guard fiche.version == body.version else {
                throw try Problem.stale("la fiche a changé depuis votre lecture (version \(body.version), actuelle \(fiche.version)) / "
                                        + "the sheet changed since you read it", current: fiche)
            }
            let errors = body.grille.violations(bareme)
            guard errors.isEmpty else { throw Problem.validation(errors) }
            let note = try Self.noteDonnee(bareme, body.grille, override: body.noteFinale, motif: body.motifAjustement)
            // The grader stays (examinateur nil): a re-marking is nobody's service fait.
            try await connection.query("DELETE FROM \(unescaped: s).evaluations WHERE fiche_id = \(fiche.id)", logger: logger)
            let (codes, niveaux, points) = Self.evaluations(fiche, body.grille)
            for try await _ in try await connection.execute(EditeurStatements.Enregistre(
                id: fiche.id, grille: String(decoding: try JSONEncoder.iso.encode(body.grille), as: UTF8.self), statut: "notee",
                absence: nil, suggeree: note.suggeree, finale: note.finale, motif: note.motif, differee: false, examinateur: nil,
                by: by, action: "fiche.recorrigee", codes: codes, niveaux: niveaux, points: points), logger: logger) {}
            let version = r.10 + 1
            try await connection.query("""
                UPDATE \(unescaped: s).recorrections SET etat = 'faite', faite_par = \(by.login), faite_le = now(),
                    note_avant = \(fiche.noteFinale), note_apres = \(note.finale), version = \(version)
                WHERE id = \(id)
                """, logger: logger)
            try await commissions.audit(connection, by, "recorrection.faite", key, fiche: fiche.id,
                                        avant: #"{"note":\#(fiche.noteFinale.map(String.init) ?? "null")}"#,
                                        apres: #"{"note":\#(note.finale),"version":\#(version),"recorrection":"\#(id)"}"#, motif: r.5)
            try await outbox.enqueue(EpreuveClosed(
                closureId: closureId, session: key.session, academie: r.4, epreuve: key.epreuve, centreUAI: key.centre, chunk: 1,
                chunks: 1, notes: [NoteCandidat(candidatId: fiche.candidatId, numero: fiche.numero, resultat: .note(demiPoints: note.finale))],
                servicesFaits: [], closureVersion: r.9, recorrection: Recorrection(recorrectionId: id, version: version, motif: r.5)),
                correlationId: correlationId, on: connection, logger: logger)
            return note.finale
        }
    }
}
