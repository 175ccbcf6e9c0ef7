import Foundation
import Logging
import PostgresNIO
import Shared

struct FiltresSujets: Sendable {
    var epreuve: String?
    var session: Int?
    var statut: StatutSujet?
    var dominante: String?
    var page = 1
    var parPage = 50
}

/// Subjects, documents and barème versions in the `referentiel` schema.
struct SujetRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let outbox: Outbox
    let logger: Logger

    private var s: String { schema.name }

    func epreuves() async throws -> [String: Epreuve] {
        var result: [String: Epreuve] = [:]
        let rows = try await client.query("SELECT code, libelle, filiere, duree_minutes, dominantes FROM \(unescaped: s).epreuves",
                                          logger: logger)
        for try await (code, libelle, filiere, duree, dominantes) in rows.decode((String, String, String, Int, [String]).self) {
            result[code] = Epreuve(code: code, libelle: libelle, filiere: filiere, dureeMinutes: duree, dominantes: dominantes)
        }
        return result
    }

    /// Creates a draft; nil when (exam, session, code) is taken.
    func create(_ input: SujetInput) async throws -> UUID? {
        let id = UUID()
        let rows = try await client.query("""
            INSERT INTO \(unescaped: s).sujets (id, epreuve, session, code, titre, dominante, materiel)
            VALUES (\(id), \(input.epreuve), \(input.session), \(input.code), \(input.titre), \(input.dominante),
                    \(input.materiel ?? []))
            ON CONFLICT (epreuve, session, code) DO NOTHING RETURNING id
            """, logger: logger).collect()
        return rows.isEmpty ? nil : id
    }

    func update(_ id: UUID, _ input: SujetInput) async throws {
        try await inState(id, [.brouillon]) { connection in
            try await connection.query("""
                UPDATE \(unescaped: s).sujets SET epreuve = \(input.epreuve), session = \(input.session), code = \(input.code),
                    titre = \(input.titre), dominante = \(input.dominante), materiel = \(input.materiel ?? []), updated_at = now()
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    func list(_ f: FiltresSujets) async throws -> (items: [SujetView], total: Int) {
        let rows = try await client.query("""
            SELECT id, count(*) OVER ()::int FROM \(unescaped: s).sujets
            WHERE (\(f.epreuve)::text IS NULL OR epreuve = \(f.epreuve))
              AND (\(f.session)::int IS NULL OR session = \(f.session))
              AND (\(f.statut?.rawValue)::text IS NULL OR statut = \(f.statut?.rawValue))
              AND (\(f.dominante)::text IS NULL OR dominante = \(f.dominante))
            ORDER BY epreuve, session DESC, code
            LIMIT \(f.parPage) OFFSET \((f.page - 1) * f.parPage)
            """, logger: logger)
        var ids: [UUID] = []
        var total = 0
        for try await (id, count) in rows.decode((UUID, Int).self) {
            ids.append(id)
            total = count
        }
        var items: [SujetView] = []
        for id in ids { if let view = try await find(id, withBaremes: false) { items.append(view) } }
        if ids.isEmpty, f.page > 1 { total = try await count(f) }
        return (items, total)
    }

    private func count(_ f: FiltresSujets) async throws -> Int {
        let rows = try await client.query("""
            SELECT count(*)::int FROM \(unescaped: s).sujets
            WHERE (\(f.epreuve)::text IS NULL OR epreuve = \(f.epreuve)) AND (\(f.session)::int IS NULL OR session = \(f.session))
              AND (\(f.statut?.rawValue)::text IS NULL OR statut = \(f.statut?.rawValue))
              AND (\(f.dominante)::text IS NULL OR dominante = \(f.dominante))
            """, logger: logger)
        for try await n in rows.decode(Int.self) { return n }
        return 0
    }

    func find(_ id: UUID, withBaremes: Bool = true) async throws -> SujetView? {
        let rows = try await client.query("""
            SELECT id, epreuve, session, code, titre, dominante, materiel, statut, visible_from
            FROM \(unescaped: s).sujets WHERE id = \(id)
            """, logger: logger)
        var view: SujetView?
        for try await (id, epreuve, session, code, titre, dominante, materiel, statut, visible) in rows.decode(
            (UUID, String, Int, String, String, String?, [String], String, Date?).self) {
            view = SujetView(id: id, epreuve: epreuve, session: session, code: code, titre: titre, dominante: dominante,
                             materiel: materiel, statut: StatutSujet(rawValue: statut) ?? .brouillon, visibleFrom: visible,
                             documents: [], baremes: withBaremes ? [] : nil)
        }
        guard var view else { return nil }
        let documents = try await client.query("""
            SELECT nature, nom, taille, sha256 FROM \(unescaped: s).documents WHERE sujet_id = \(id) ORDER BY nature
            """, logger: logger)
        for try await (nature, nom, taille, sha) in documents.decode((String, String, Int, String).self) {
            view.documents.append(DocumentView(nature: NatureDocument(rawValue: nature) ?? .sujet, nom: nom, taille: taille,
                                               sha256: sha))
        }
        if withBaremes { view.baremes = try await baremes(id) }
        return view
    }

    func baremes(_ id: UUID) async throws -> [BaremeVersion] {
        var versions: [BaremeVersion] = []
        let rows = try await client.query("""
            SELECT version, valide, validated_at, contenu FROM \(unescaped: s).baremes WHERE sujet_id = \(id) ORDER BY version
            """, logger: logger)
        for try await (version, valide, at, contenu) in rows.decode((Int, Bool, Date?, String).self) {
            versions.append(BaremeVersion(version: version, valide: valide, validatedAt: at,
                                          bareme: try EventCoding.decoder.decode(Bareme.self, from: Data(contenu.utf8))))
        }
        return versions
    }

    // MARK: documents

    func putDocument(_ id: UUID, nature: NatureDocument, nom: String, bytes: [UInt8]) async throws {
        let sha = sha256Hex(bytes)
        try await inState(id, [.brouillon]) { connection in
            try await connection.query("""
                INSERT INTO \(unescaped: s).documents (sujet_id, nature, nom, contenu, taille, sha256)
                VALUES (\(id), \(nature.rawValue), \(nom), \(ByteBuffer(bytes: bytes)), \(bytes.count), \(sha))
                ON CONFLICT (sujet_id, nature) DO UPDATE SET nom = EXCLUDED.nom, contenu = EXCLUDED.contenu,
                    taille = EXCLUDED.taille, sha256 = EXCLUDED.sha256, uploaded_at = now()
                """, logger: logger)
        }
    }

    func document(_ id: UUID, nature: NatureDocument) async throws -> (nom: String, bytes: ByteBuffer)? {
        let rows = try await client.query("""
            SELECT nom, contenu FROM \(unescaped: s).documents WHERE sujet_id = \(id) AND nature = \(nature.rawValue)
            """, logger: logger)
        for try await (nom, contenu) in rows.decode((String, ByteBuffer).self) { return (nom, contenu) }
        return nil
    }

    // MARK: barème versions

    /// Saves the draft barème: the open draft version is replaced; a validated version is never
    /// touched, the change becomes the next version.
    func saveBareme(_ id: UUID, _ bareme: Bareme) async throws -> Int {
        let json = String(decoding: try EventCoding.encoder.encode(bareme), as: UTF8.self)
        return try await inState(id, [.brouillon]) { connection in
            let rows = try await connection.query("""
                SELECT version, valide FROM \(unescaped: s).baremes WHERE sujet_id = \(id) ORDER BY version DESC LIMIT 1
                """, logger: logger)
            var latest: (Int, Bool)?
            for try await row in rows.decode((Int, Bool).self) { latest = row }
            if let (version, valide) = latest, !valide {
                try await connection.query("""
                    UPDATE \(unescaped: s).baremes SET contenu = \(json) WHERE sujet_id = \(id) AND version = \(version)
                    """, logger: logger)
                return version
            }
            let next = (latest?.0 ?? 0) + 1
            try await connection.query("""
                INSERT INTO \(unescaped: s).baremes (sujet_id, version, contenu) VALUES (\(id), \(next), \(json))
                """, logger: logger)
            return next
        }
    }

    // MARK: life cycle

    /// Validates the draft: a subject document and a barème without violations are required;
    /// the barème version is frozen. Returns the violations when refused.
    func validate(_ id: UUID) async throws -> [Problem.FieldError] {
        try await inState(id, [.brouillon]) { connection in
            var problems: [Problem.FieldError] = []
            let docs = try await connection.query("""
                SELECT count(*)::int FROM \(unescaped: s).documents WHERE sujet_id = \(id) AND nature = 'sujet'
                """, logger: logger)
            for try await n in docs.decode(Int.self) where n == 0 {
                problems.append(.init(field: "documents.sujet", reason: "document du sujet manquant / subject document missing"))
            }
            let rows = try await connection.query("""
                SELECT version, contenu FROM \(unescaped: s).baremes WHERE sujet_id = \(id) ORDER BY version DESC LIMIT 1
                """, logger: logger)
            var latest: (Int, Bareme)?
            for try await (version, contenu) in rows.decode((Int, String).self) {
                latest = (version, try EventCoding.decoder.decode(Bareme.self, from: Data(contenu.utf8)))
            }
            if let (_, bareme) = latest {
                problems += bareme.validate().map { .init(field: "bareme.\($0.field)", reason: $0.reason) }
            } else {
                problems.append(.init(field: "bareme", reason: "barème manquant / barème missing"))
            }
            guard problems.isEmpty, let (version, _) = latest else { return problems }
            try await connection.query("""
                UPDATE \(unescaped: s).baremes SET valide = true, validated_at = now() WHERE sujet_id = \(id) AND version = \(version)
                """, logger: logger)
            try await setStatut(id, .valide, on: connection)
            return []
        }
    }

    /// Back to draft to change a validated (not yet published) subject; its frozen barème stays as it is.
    func reopen(_ id: UUID) async throws {
        try await inState(id, [.valide]) { connection in try await setStatut(id, .brouillon, on: connection) }
    }

    /// Publishes with the embargo date; `sujet.published` commits in the same transaction.
    func publish(_ id: UUID, visibleFrom: Date, correlationId: String) async throws {
        try await inState(id, [.valide]) { connection in
            try await connection.query("""
                UPDATE \(unescaped: s).sujets SET statut = 'publie', visible_from = \(visibleFrom), updated_at = now() WHERE id = \(id)
                """, logger: logger)
            guard let view = try await findForEvent(id, on: connection) else { throw Problem.notFound() }
            try await outbox.enqueue(view, correlationId: correlationId, on: connection, logger: logger)
        }
    }

    func withdraw(_ id: UUID, correlationId: String) async throws {
        try await inState(id, [.valide, .publie]) { connection in
            try await setStatut(id, .retire, on: connection)
            let rows = try await connection.query("SELECT epreuve, session FROM \(unescaped: s).sujets WHERE id = \(id)",
                                                  logger: logger)
            for try await (epreuve, session) in rows.decode((String, Int).self) {
                try await outbox.enqueue(SujetWithdrawn(sujetId: id, epreuve: epreuve, session: session),
                                         correlationId: correlationId, on: connection, logger: logger)
            }
        }
    }

    private func findForEvent(_ id: UUID, on connection: PostgresConnection) async throws -> SujetPublished? {
        let rows = try await connection.query("""
            SELECT s.epreuve, s.session, s.code, s.titre, s.dominante, s.materiel, s.visible_from,
                   b.version, b.contenu, d.sha256, d.taille
            FROM \(unescaped: s).sujets s
            JOIN LATERAL (SELECT version, contenu FROM \(unescaped: s).baremes
                          WHERE sujet_id = s.id AND valide ORDER BY version DESC LIMIT 1) b ON true
            JOIN \(unescaped: s).documents d ON d.sujet_id = s.id AND d.nature = 'sujet'
            WHERE s.id = \(id)
            """, logger: logger)
        for try await (epreuve, session, code, titre, dominante, materiel, visible, version, contenu, sha, taille) in rows.decode(
            (String, Int, String, String, String?, [String], Date, Int, String, String, Int).self) {
            return SujetPublished(
                sujetId: id, epreuve: epreuve, session: session, code: code, titre: titre, dominante: dominante,
                materiel: materiel, baremeVersion: version,
                bareme: try EventCoding.decoder.decode(Bareme.self, from: Data(contenu.utf8)),
                document: DocumentRef(path: "/api/referentiel/sujets/\(id.uuidString.lowercased())/documents/sujet",
                                      sha256: sha, taille: taille),
                visibleFrom: visible)
        }
        return nil
    }

    private func setStatut(_ id: UUID, _ statut: StatutSujet, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE \(unescaped: s).sujets SET statut = \(statut.rawValue), updated_at = now() WHERE id = \(id)
            """, logger: logger)
    }

    /// Runs `body` in a transaction with the subject locked, if it exists (404) and is in one of `states` (409).
    private func inState<T: Sendable>(_ id: UUID, _ states: [StatutSujet],
                                      _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let rows = try await connection.query("""
                    SELECT statut FROM \(unescaped: s).sujets WHERE id = \(id) FOR UPDATE
                    """, logger: logger)
                var current: StatutSujet?
                for try await statut in rows.decode(String.self) { current = StatutSujet(rawValue: statut) }
                guard let current else { throw Problem.notFound("sujet \(id)") }
                guard states.contains(current) else {
                    throw Problem.conflict(.etat, "sujet \(current.rawValue) : action possible seulement si "
                        + states.map(\.rawValue).joined(separator: " ou ") + " / not allowed in this state")
                }
                return try await body(connection)
            }
        } catch let error as PostgresTransactionError {
            if let psql = error.closureError as? PSQLError, psql.serverInfo?[.sqlState] == "23505" {
                throw Problem.conflict(.doublon, "un sujet de ce code existe déjà pour cette épreuve et cette session / duplicate code")
            }
            throw error
        }
    }
}
