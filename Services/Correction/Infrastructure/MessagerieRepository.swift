import Foundation
import Logging
import PostgresNIO
import Shared

/// Messaging between the examiners of a commission, the centre's référent de correction and the
/// académie's coordinator: threads per commission (exam × centre) and per académie (exam).
/// Messages are immutable (a trigger refuses updates and deletes); each reader's position gives the
/// unread counts. Each message emits `message.posted` naming the examiners and coordinators who may
/// read it (Missions mails them a notice).
struct MessagerieRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let outbox: Outbox
    let logger: Logger

    private var s: String { schema.name }

    /// Who may read a thread: as the SQL sees the caller. One condition serves listing and checking.
    private static let visible = """
        CASE $2::text
          WHEN 'gestionnaire' THEN fi.academie = $4
          WHEN 'coordinateur' THEN EXISTS (SELECT 1 FROM {s}.examinateurs x WHERE x.login = $3 AND x.active
               AND x.kind = 'coordinateur' AND x.session = fi.session AND x.epreuve = fi.epreuve AND x.academie = fi.academie)
          WHEN 'examinateur' THEN EXISTS (SELECT 1 FROM {s}.examinateurs x WHERE x.login = $3 AND x.active
               AND x.kind = 'examinateur' AND x.session = fi.session AND x.epreuve = fi.epreuve AND x.academie = fi.academie
               AND (fi.centre = '' OR x.centre = fi.centre))
          WHEN 'centre' THEN fi.centre = $5 OR (fi.centre = '' AND EXISTS (SELECT 1 FROM {s}.commissions c
               WHERE c.session = fi.session AND c.epreuve = fi.epreuve AND c.academie = fi.academie AND c.centre = $5))
          WHEN 'referent' THEN fi.centre = $5 OR (fi.centre = '' AND EXISTS (SELECT 1 FROM {s}.commissions c
               WHERE c.session = fi.session AND c.epreuve = fi.epreuve AND c.academie = fi.academie AND c.centre = $5))
          ELSE false
        END
        """

    private func binds(_ first: some PostgresNonThrowingEncodable, _ caller: Identity) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(first)
        b.append(caller.role.rawValue)
        b.append(caller.login)
        var academie: String?, uai: String?
        switch caller.scope {
        case .academie(let code): academie = code
        case .etablissement(let own): uai = own
        case .national: break
        }
        b.append(academie)
        b.append(uai)
        return b
    }

    private var condition: String { Self.visible.replacingOccurrences(of: "{s}", with: s) }

    private func fils(where filter: String, _ b: PostgresBindings) async throws -> [Fil] {
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            SELECT fi.id, fi.session, fi.epreuve, fi.academie, fi.centre, fi.titre, fi.cree_par, fi.cree_le,
                   (SELECT count(*) FROM \(s).messages m WHERE m.fil_id = fi.id)::int,
                   (SELECT count(*) FROM \(s).messages m WHERE m.fil_id = fi.id AND m.id > COALESCE(
                       (SELECT l.dernier_lu FROM \(s).lectures l WHERE l.fil_id = fi.id AND l.lecteur = $3), 0))::int
            FROM \(s).fils fi WHERE \(filter) AND (\(condition))
            ORDER BY fi.cree_le DESC
            """, binds: b), logger: logger)
        var result: [Fil] = []
        for try await r in rows.decode((UUID, Int, String, String, String, String, String, Date, Int, Int).self) {
            result.append(Fil(id: r.0, session: r.1, epreuve: r.2, academie: r.3, centre: r.4.isEmpty ? nil : r.4, titre: r.5,
                              creePar: r.6, creeLe: r.7, messages: r.8, nonLus: r.9))
        }
        return result
    }

    /// The threads the caller may read in a session, with their unread counts.
    func fils(session: Int, caller: Identity) async throws -> [Fil] {
        try await fils(where: "fi.session = $1", binds(session, caller))
    }

    /// One thread, if the caller may read it.
    func fil(_ id: UUID, caller: Identity) async throws -> Fil? {
        try await fils(where: "fi.id = $1", binds(id, caller)).first
    }

    struct Message: Codable, Sendable {
        var id: Int
        var auteur: String
        var role: String
        var texte: String
        var le: Date
    }

    /// The thread's messages; the caller has now read them all.
    func messages(_ fil: UUID, lecteur: String) async throws -> [Message] {
        let rows = try await client.query("""
            SELECT id, auteur, role, texte, le FROM \(unescaped: s).messages WHERE fil_id = \(fil) ORDER BY id
            """, logger: logger)
        var result: [Message] = []
        for try await r in rows.decode((Int, String, String, String, Date).self) {
            result.append(Message(id: r.0, auteur: r.1, role: r.2, texte: r.3, le: r.4))
        }
        if let last = result.last?.id {
            try await client.query("""
                INSERT INTO \(unescaped: s).lectures (fil_id, lecteur, dernier_lu) VALUES (\(fil), \(lecteur), \(last))
                ON CONFLICT (fil_id, lecteur) DO UPDATE SET dernier_lu = GREATEST(\(unescaped: s).lectures.dernier_lu, EXCLUDED.dernier_lu)
                """, logger: logger)
        }
        return result
    }

    /// Opens a thread with its first message; the caller must be allowed to read it (checked in the
    /// same transaction, on the new row).
    func ouvrir(session: Int, epreuve: String, academie: String, centre: String?, titre: String, texte: String,
                caller: Identity, correlationId: String) async throws -> UUID? {
        try await client.withTransaction(logger: logger) { connection in
            let id = UUID()
            try await connection.query("""
                INSERT INTO \(unescaped: s).fils (id, session, epreuve, academie, centre, titre, cree_par)
                VALUES (\(id), \(session), \(epreuve), \(academie), \(centre ?? ""), \(titre), \(caller.login))
                """, logger: logger)
            let allowed = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT 1 FROM \(s).fils fi WHERE fi.id = $1 AND (\(condition))
                """, binds: binds(id, caller)), logger: logger).collect()
            guard !allowed.isEmpty else { throw Problem.forbidden("fil hors de votre périmètre / thread outside your scope") }
            try await poster(id, texte: texte, caller: caller, correlationId: correlationId, connection)
            return id
        }
    }

    func poster(_ fil: UUID, texte: String, caller: Identity, correlationId: String) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await poster(fil, texte: texte, caller: caller, correlationId: correlationId, connection)
        }
    }

    private func poster(_ fil: UUID, texte: String, caller: Identity, correlationId: String,
                        _ connection: PostgresConnection) async throws {
        let id = try await connection.query("""
            INSERT INTO \(unescaped: s).messages (fil_id, auteur, role, texte) VALUES (\(fil), \(caller.login), \(caller.role.rawValue), \(texte))
            RETURNING id
            """, logger: logger).collect()[0].decode(Int.self)
        // One's own message is read.
        try await connection.query("""
            INSERT INTO \(unescaped: s).lectures (fil_id, lecteur, dernier_lu) VALUES (\(fil), \(caller.login), \(id))
            ON CONFLICT (fil_id, lecteur) DO UPDATE SET dernier_lu = GREATEST(\(unescaped: s).lectures.dernier_lu, EXCLUDED.dernier_lu)
            """, logger: logger)
        // Who reads it besides its author, as `visible` has it for examiners and coordinators: the
        // coordinators of the exam in the académie, its examiners (at the thread's centre, or anywhere
        // on an académie thread).
        let rows = try await connection.query("""
            SELECT fi.session, fi.academie, fi.epreuve, fi.centre, fi.titre,
                   COALESCE((SELECT a.prenom || ' ' || a.nom FROM \(unescaped: s).examinateurs a WHERE a.login = \(caller.login) AND a.active LIMIT 1),
                            \(caller.login)),
                   ARRAY(SELECT DISTINCT x.intervenant_id FROM \(unescaped: s).examinateurs x
                         WHERE x.active AND x.session = fi.session AND x.epreuve = fi.epreuve AND x.academie = fi.academie
                           AND (x.kind = 'coordinateur' OR fi.centre = '' OR x.centre = fi.centre) AND x.login <> \(caller.login))
            FROM \(unescaped: s).fils fi WHERE fi.id = \(fil)
            """, logger: logger).collect()
        guard let (session, academie, epreuve, centre, titre, auteur, destinataires) =
                try rows.first?.decode((Int, String, String, String, String, String, [UUID]).self), !destinataires.isEmpty
        else { return }
        try await outbox.enqueue(MessagePosted(filId: fil, session: session, academie: academie, epreuve: epreuve,
                                               centreUAI: centre.isEmpty ? nil : centre, titre: Self.ligne(titre), auteur: Self.ligne(auteur),
                                               role: caller.role.rawValue, destinataires: destinataires),
                                 correlationId: correlationId, on: connection, logger: logger)
    }

    /// A title or a name as the event carries it: one line of at most 200 characters.
    static func ligne(_ text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(200))
    }

    /// The académie a thread belongs to when the caller does not say: the commission's, or the
    /// caller's own (académie scope, or the académie of their convocation for the exam).
    func academie(session: Int, epreuve: String, centre: String?, caller: Identity) async throws -> String? {
        if let centre {
            let rows = try await client.query("""
                SELECT academie FROM \(unescaped: s).commissions WHERE session = \(session) AND epreuve = \(epreuve) AND centre = \(centre)
                """, logger: logger).collect()
            return try rows.first?.decode(String.self)
        }
        switch caller.scope {
        case .academie(let code): return code
        case .etablissement(let uai):
            let rows = try await client.query("""
                SELECT academie FROM \(unescaped: s).commissions WHERE session = \(session) AND epreuve = \(epreuve) AND centre = \(uai)
                """, logger: logger).collect()
            return try rows.first?.decode(String.self)
        case .national: return nil
        }
    }
}


struct Fil: Codable, Sendable {
    var id: UUID
    var session: Int
    var epreuve: String
    var academie: String
    /// nil: the académie's thread for the exam.
    var centre: String?
    var titre: String
    var creePar: String
    var creeLe: Date
    var messages: Int
    var nonLus: Int
}
