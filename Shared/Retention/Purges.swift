import Foundation
import Logging
import PostgresNIO

/// The statements that apply `DureesDeConservation`, service by service: each one reads and
/// writes its own service's schema only (each team reviews its own), and skips what is still
/// needed — a session with a commission still open, a clôture Cyclades or Imag'In still awaits.
public struct Purge: Sendable {
    public var genre: DureesDeConservation.Genre
    public var service: String
    public var table: String
    /// What becomes of the rows counted: "deleted", "anonymised", "codes wiped".
    public var effet: String
    /// `schema`, the last expired session, and the creation limit of rows tied to no session.
    let requete: @Sendable (_ schema: String, _ session: Int, _ limite: Date) -> PostgresQuery

    /// Every step, in the order they run: within a service and kind, children before parents.
    public static let toutes: [Purge] = correction + inscriptions + missions + [courriels("gateway")]

    /// Sessions up to `session` whose commissions are all closed and hold no pending re-marking
    /// request (Correction).
    private static func closes(_ s: String, _ session: Int) -> String {
        """
        session <= \(session) AND session NOT IN (SELECT session FROM \(s).commissions WHERE etat <> 'close')
            AND session NOT IN (SELECT session FROM \(s).recorrections WHERE etat = 'ouverte')
        """
    }

    /// A step that deletes the rows of `table` where `condition(schema, last expired session)`.
    private static func suppression(_ genre: DureesDeConservation.Genre, _ service: String, _ table: String,
                                    _ condition: @escaping @Sendable (String, Int) -> String) -> Purge {
        Purge(genre: genre, service: service, table: table, effet: "deleted") { s, n, _ in
            "DELETE FROM \(unescaped: s).\(unescaped: table) WHERE \(unescaped: condition(s, n))"
        }
    }

    // The sheets take their levels and second looks with them (ON DELETE CASCADE). The commissions
    // stay: no one's data, and their closure numbering must go on.
    private static let correction: [Purge] = {
        let desFils: @Sendable (String, Int) -> String = { s, n in "fil_id IN (SELECT id FROM \(s).fils WHERE \(closes(s, n)))" }
        let tables: [(DureesDeConservation.Genre, String)] = [
            (.messages, "fils"), (.audit, "audit"), (.documents, "recorrections"), (.documents, "fiches"), (.documents, "groupes"),
            (.documents, "creneaux"), (.documents, "publications"), (.documents, "examinateurs"),
        ]
        return [suppression(.messages, "correction", "lectures", desFils), suppression(.messages, "correction", "messages", desFils)]
            + tables.map { suppression($0.0, "correction", $0.1, closes) }
    }()

    /// Candidates of sessions up to `session` none of whose exams × centres still awaits its
    /// clôture (Cyclades).
    private static func candidatsClos(_ s: String, _ session: Int) -> String {
        """
        SELECT id FROM \(s).candidats WHERE session <= \(session) AND session NOT IN (
            SELECT c.session FROM \(s).candidats c JOIN \(s).affectations a ON a.candidat_id = c.id
            WHERE c.session <= \(session) AND NOT EXISTS (SELECT 1 FROM \(s).clotures k
                WHERE k.session = c.session AND k.epreuve = a.epreuve AND k.centre = a.centre))
        """
    }

    private static let inscriptions: [Purge] = [
        suppression(.notes, "inscriptions", "notes_historique") { s, n in "candidat_id IN (\(candidatsClos(s, n)))" },
        suppression(.notes, "inscriptions", "notes") { s, n in "candidat_id IN (\(candidatsClos(s, n)))" },
        // Name, first names and division go; the birth date keeps its year and the number becomes
        // an opaque one: the counts per school, category and age stay true.
        Purge(genre: .candidats, service: "inscriptions", table: "candidats", effet: "anonymised") { s, n, _ in
            """
            UPDATE \(unescaped: s).candidats SET nom = 'anonyme', prenoms = '', division = NULL,
                naissance = date_trunc('year', naissance)::date, numero = 'anonyme-' || left(md5(id::text), 12)
            WHERE id IN (\(unescaped: candidatsClos(s, n))) AND nom <> 'anonyme'
            """
        },
    ]

    /// Sessions up to `session` where no examiner's mission still awaits its commission's clôture
    /// (Imag'In pays from it).
    private static func sessionsCloses(_ s: String, _ session: Int) -> String {
        """
        session <= \(session) AND session NOT IN (SELECT m.session FROM \(s).missions m
            WHERE m.kind = 'examinateur' AND m.active AND m.centre <> '' AND NOT EXISTS (SELECT 1 FROM \(s).clotures k
                WHERE k.session = m.session AND k.epreuve = m.epreuve AND k.centre = m.centre))
        """
    }

    private static let missions: [Purge] = [
        suppression(.messages, "missions", "avis_messages", sessionsCloses),
        courriels("missions"),
        // The convocations stay (the services faits are paid from their missions); the printed
        // activation code, useless once the session is over, is wiped.
        Purge(genre: .documents, service: "missions", table: "convocations", effet: "codes wiped") { s, n, _ in
            """
            UPDATE \(unescaped: s).convocations SET code_activation = ''
            WHERE code_activation <> '' AND mission_id IN (SELECT id FROM \(unescaped: s).missions WHERE \(unescaped: sessionsCloses(s, n)))
            """
        },
    ]

    /// Mails once sent, cancelled or given up (never those still waiting or in flight).
    private static func courriels(_ service: String) -> Purge {
        Purge(genre: .messages, service: service, table: "courriels", effet: "deleted") { s, _, limite in
            "DELETE FROM \(unescaped: s).courriels WHERE statut IN ('envoye', 'annule', 'echec') AND cree_le < \(limite)"
        }
    }

    /// Runs this step on `connection` (inside the caller's transaction): the rows it changed.
    public func executer(_ connection: PostgresConnection, schema: String, au date: Date, logger: Logger) async throws -> Int {
        let session = DureesDeConservation.derniereSessionEchue(genre, au: date)
        let limite = DureesDeConservation.limite(genre, au: date)
        var query = requete(schema, session, limite)
        query.sql = "WITH changees AS (\(query.sql) RETURNING 1) SELECT count(*)::int FROM changees"
        let rows = try await connection.query(query, logger: logger).collect()
        return try rows[0].decode(Int.self)
    }
}
