import Foundation
import Logging
import PostgresNIO
import Shared

/// Where a designation's group lives: its académie and, for an examiner, its centre.
struct GroupeDesignation: Sendable, Hashable, Comparable {
    var session: Int
    var academie: String
    var epreuve: String
    var role: MissionKind
    var centre: String?

    /// As a row stores it: the role's name, no centre as `''` or NULL.
    init(session: Int, academie: String, epreuve: String, role: MissionKind, centre: String?) {
        (self.session, self.academie, self.epreuve, self.role, self.centre) = (session, academie, epreuve, role, centre)
    }

    init(session: Int, row: (academie: String, epreuve: String, role: String, centre: String?)) {
        self.init(session: session, academie: row.academie, epreuve: row.epreuve, role: MissionKind(rawValue: row.role) ?? .examinateur,
                  centre: row.centre?.isEmpty == false ? row.centre : nil)
    }

    /// The people one group may have: a centre's examiners of one exam are tens, an académie's
    /// coordinators a few; 2,000 of the longest persons stay well inside one event (16 MB, 10,000 people).
    static let maximum = 2_000

    /// The order every transaction asks for several groups' exports in: no deadlock between two of them.
    static func < (a: Self, b: Self) -> Bool {
        (a.academie, a.epreuve, a.role.rawValue, a.centre ?? "") < (b.academie, b.epreuve, b.role.rawValue, b.centre ?? "")
    }
}

/// One designation to make: what is asked, its group, who asks; for a file's, its line.
struct Designer: Sendable {
    var demande: DemandeDesignation
    var groupe: GroupeDesignation
    var autorite: DesignationRepository.Autorite
    var ligne: Int? = nil
}

/// Examiners designated by schools (per exam × centre) and coordinators by the gestionnaire (per
/// exam × académie). Every change asks, in its own transaction, for its group to be exported again
/// (`exports_a_faire`); `ExportsDesignations` exports it (`intervenants.exported`) once it has
/// committed, so Missions always ends with the current list, and designations arriving together
/// in one group are exported together.
struct DesignationRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let outbox: Outbox
    let logger: Logger

    private var s: String { schema.name }

    /// Notified when a group is first asked for (migration 18's trigger on `exports_a_faire`).
    var exportsChannel: String { "\(s)_exports" }

    struct Designation: Codable, Sendable {
        var id: UUID
        var role: MissionKind
        var epreuve: String
        var centre: String?
        var intervenant: Intervenant
    }

    /// What the perimeter checks read, for all of a request's centres and schools at once.
    struct Perimetres: Sendable {
        /// Each centre d'épreuve's académie and the exams it hosts.
        var centres: [String: (academie: String, epreuves: Set<String>)] = [:]
        /// Each school's académie.
        var ecoles: [String: String] = [:]
    }

    func perimetres(centres: Set<String>, ecoles: Set<String>) async throws -> Perimetres {
        var result = Perimetres()
        for try await (uai, academie, epreuves) in try await client.query("""
            SELECT c.uai, e.academie, ARRAY(SELECT ce.epreuve FROM \(unescaped: s).centre_epreuves ce WHERE ce.uai = c.uai)
            FROM \(unescaped: s).centres c JOIN \(unescaped: s).etablissements e ON e.uai = c.uai WHERE c.uai = ANY(\(Array(centres)))
            """, logger: logger).decode((String, String, [String]).self) {
            result.centres[uai] = (academie, Set(epreuves))
        }
        for try await (uai, academie) in try await client.query("""
            SELECT uai, academie FROM \(unescaped: s).etablissements WHERE uai = ANY(\(Array(ecoles)))
            """, logger: logger).decode((String, String).self) {
            result.ecoles[uai] = academie
        }
        return result
    }

    /// Who designates: a gestionnaire (their académie) or a school (its académie and UAI). Each
    /// designation keeps its own; a person belongs to the authorities of their designations.
    struct Autorite: Sendable, Equatable {
        var academie: String
        var uai: String?

        /// The authority may rewrite a person that `owner` designated: its own, and the académie's
        /// gestionnaire those of its schools. A person designated before owners were kept has none.
        func owns(_ owner: Autorite?) -> Bool {
            guard let owner else { return true }
            return uai == nil ? owner.academie == academie : owner.uai == uai
        }

        /// `owner` as this authority may be told: its own académie by name, another académie's or school's
        /// authority without saying which (a refusal must not map who designated whom elsewhere).
        func nomme(_ owner: Autorite) -> String {
            switch (owner.uai, owner.academie == academie) {
            case (nil, true): "l'académie \(academie)"
            case (nil, false): "une autre académie"
            case (.some, _): "un autre établissement"
            }
        }
    }

    /// Designates and re-exports the groups, in one transaction: all of them or none. Idempotent:
    /// designating the same person twice with the same data asks for nothing. Designating them again
    /// is also how a person is corrected (a name, an e-mail): then every group of theirs this session
    /// is exported again, each export carrying the person, so Imag'In's next convocations go to the
    /// corrected address. What a designation leaves out (an e-mail, a school, divisions) is kept,
    /// never wiped. A login another authority designated is refused (409 naming it, and the file's
    /// line): a school cannot rewrite, and so take over, the académie's coordinator or another
    /// school's teacher. Each group is asked for once, however many of its people are designated.
    func designate(_ designations: [Designer], session: Int, by: UUID, correlationId: String) async throws -> [UUID] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("INSERT INTO \(unescaped: s).sessions (annee) VALUES (\(session)) ON CONFLICT DO NOTHING",
                                       logger: logger)
            // The schools and centres the rows will reference, share-locked first and in order (as the
            // directory and the assignments lock them: schools, then centres), not line by line.
            let ecoles = Set(designations.flatMap { [$0.demande.intervenant.uai, $0.autorite.uai].compactMap { $0 } }).sorted()
            try await connection.query("""
                SELECT 1 FROM \(unescaped: s).etablissements WHERE uai = ANY(\(ecoles)) ORDER BY uai FOR KEY SHARE
                """, logger: logger).collect()
            try await connection.query("""
                SELECT 1 FROM \(unescaped: s).centres WHERE uai = ANY(\(Set(designations.compactMap(\.groupe.centre)).sorted()))
                ORDER BY uai FOR KEY SHARE
                """, logger: logger).collect()
            // People locked in their logins' order, groups last in theirs: no deadlock with another designation.
            var ids = [UUID](repeating: UUID(), count: designations.count)
            var exports = Set<GroupeDesignation>(), grown = Set<GroupeDesignation>()
            let login = { (i: Int) in designations[i].demande.intervenant.login }
            for i in designations.indices.sorted(by: { (login($0), $0) < (login($1), $1) }) {
                do {
                    let (id, groupes, inserted) = try await designate(designations[i], by: by, on: connection)
                    ids[i] = id
                    exports.formUnion(groupes)
                    if inserted { grown.insert(designations[i].groupe) }
                } catch var problem as Problem {
                    if let ligne = designations[i].ligne {
                        let errors = problem.errors ?? [.init(field: "ligne", reason: problem.detail ?? problem.title)]
                        problem.errors = errors.map { var e = $0; e.line = ligne; return e }
                    }
                    throw problem
                }
            }
            for groupe in exports.sorted() { try await requestExport(groupe, on: connection, correlationId: correlationId) }
            // Counted once the group's export row is held (by `requestExport`, until the commit): another
            // transaction growing the group waits there, then counts what this one committed.
            for groupe in grown.sorted() {
                try await checkSize(groupe, ligne: designations.filter { $0.groupe == groupe }.compactMap(\.ligne).min(), on: connection)
            }
            return ids
        }
    }

    func designate(_ demande: DemandeDesignation, groupe: GroupeDesignation, autorite: Autorite, by: UUID, correlationId: String)
        async throws -> UUID {
        try await designate([Designer(demande: demande, groupe: groupe, autorite: autorite)], session: groupe.session, by: by,
                            correlationId: correlationId)[0]
    }

    /// A group is exported whole in one event: it stays far below what one may carry (10,000 people,
    /// 16 MB), or every later export of it — other authorities' changes too — would be refused.
    private func checkSize(_ groupe: GroupeDesignation, ligne: Int?, on connection: PostgresConnection) async throws {
        let size = try await connection.query("""
            SELECT count(*)::int FROM \(unescaped: s).designations WHERE session = \(groupe.session) AND academie = \(groupe.academie)
              AND epreuve = \(groupe.epreuve) AND role = \(groupe.role.rawValue) AND COALESCE(centre, '') = \(groupe.centre ?? "")
            """, logger: logger).collect().first?.decode(Int.self) ?? 0
        guard size <= GroupeDesignation.maximum else {
            let ou = groupe.centre.map { "au centre \($0)" } ?? "dans l'académie"
            throw Problem.validation([.init(field: "centre", reason:
                "plus de \(GroupeDesignation.maximum) personnes pour \(groupe.epreuve) \(ou) / too many people in one group", line: ligne)])
        }
    }

    /// One designation, in the caller's transaction: its id, the groups to export again, whether it is new.
    private func designate(_ designation: Designer, by: UUID, on connection: PostgresConnection) async throws
        -> (UUID, [GroupeDesignation], Bool) {
        let (p, groupe, autorite) = (designation.demande.intervenant, designation.groupe, designation.autorite)
        try await connection.query("""
            INSERT INTO \(unescaped: s).intervenants (id, login, nom, prenom, email, uai, divisions, discipline,
                                                    designe_par_academie, designe_par_uai)
            VALUES (gen_random_uuid(), \(p.login), \(p.nom), \(p.prenom), \(p.email), \(p.uai), \(p.divisions ?? []),
                    \(p.discipline), \(autorite.academie), \(autorite.uai))
            ON CONFLICT (login) DO NOTHING
            """, logger: logger)
        let rows = try await connection.query("""
            SELECT id, designe_par_academie, designe_par_uai FROM \(unescaped: s).intervenants WHERE login = \(p.login) FOR UPDATE
            """, logger: logger).collect()
        guard let (person, academie, uai) = try rows.first?.decode((UUID, String?, String?).self) else {
            throw Problem.conflict(.modifieEntreTemps, "intervenant modifié à l'instant / changed meanwhile")
        }
        // The person belongs to the authorities of their designations (each row keeps its own);
        // one with none left, to the authority recorded with them.
        var owners: [Autorite] = []
        for try await (rowAcademie, rowUAI) in try await connection.query("""
            SELECT DISTINCT designe_par_academie, designe_par_uai FROM \(unescaped: s).designations
            WHERE intervenant_id = \(person) ORDER BY 1, 2
            """, logger: logger).decode((String, String?).self) {
            owners.append(Autorite(academie: rowAcademie, uai: rowUAI))
        }
        if owners.isEmpty, let academie { owners = [Autorite(academie: academie, uai: uai)] }
        if let owner = owners.first(where: { !autorite.owns($0) }) {
            throw Problem(.conflict, type: "designated-by-another-authority",
                          title: "Personne désignée par une autre autorité / Person designated by another authority",
                          detail: "\(p.login) est désigné(e) par \(autorite.nomme(owner)) : seule elle peut modifier cette personne",
                          errors: [.init(field: "intervenant.login",
                                         reason: "désigné(e) par \(autorite.nomme(owner)) / designated by another authority")])
        }
        let owner = academie.map { Autorite(academie: $0, uai: uai) } ?? autorite
        // Whether what an export carries of the person changed (the row is locked: `avant` is it as it stands).
        let corrige = try await connection.query("""
            WITH avant AS (SELECT nom, prenom, email, uai, divisions FROM \(unescaped: s).intervenants WHERE id = \(person))
            UPDATE \(unescaped: s).intervenants i SET nom = \(p.nom), prenom = \(p.prenom), email = COALESCE(\(p.email), i.email),
                discipline = COALESCE(\(p.discipline), i.discipline), uai = COALESCE(\(p.uai), i.uai),
                divisions = COALESCE(\(p.divisions), i.divisions),
                designe_par_academie = \(owner.academie), designe_par_uai = \(owner.uai)
            FROM avant WHERE i.id = \(person)
            RETURNING (avant.nom, avant.prenom, avant.email, avant.uai, avant.divisions)
                IS DISTINCT FROM (i.nom, i.prenom, i.email, i.uai, i.divisions)
            """, logger: logger).collect().first?.decode(Bool.self) ?? false
        let inserted = try await connection.query("""
            INSERT INTO \(unescaped: s).designations (id, session, epreuve, role, academie, centre, intervenant_id, par,
                                                     designe_par_academie, designe_par_uai)
            VALUES (gen_random_uuid(), \(groupe.session), \(groupe.epreuve), \(groupe.role.rawValue), \(groupe.academie),
                    \(groupe.centre), \(person), \(by), \(autorite.academie), \(autorite.uai))
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: logger).collect()
        let id: UUID
        if let new = try inserted.first?.decode(UUID.self) {
            id = new
        } else {
            let existing = try await connection.query("""
                SELECT id FROM \(unescaped: s).designations WHERE session = \(groupe.session) AND epreuve = \(groupe.epreuve)
                  AND role = \(groupe.role.rawValue) AND COALESCE(centre, '') = \(groupe.centre ?? "") AND intervenant_id = \(person)
                """, logger: logger).collect()
            guard let found = try existing.first?.decode(UUID.self) else {
                throw Problem.conflict(.modifieEntreTemps, "désignation modifiée à l'instant / changed meanwhile")
            }
            id = found
        }
        if corrige { return (id, try await groupes(of: person, session: groupe.session, on: connection), !inserted.isEmpty) }
        return (id, inserted.isEmpty ? [] : [groupe], !inserted.isEmpty)
    }

    /// The groups `person` is designated in for `session`.
    private func groupes(of person: UUID, session: Int, on connection: PostgresConnection) async throws -> [GroupeDesignation] {
        var result: [GroupeDesignation] = []
        for try await row in try await connection.query("""
            SELECT DISTINCT academie, epreuve, role, centre FROM \(unescaped: s).designations
            WHERE intervenant_id = \(person) AND session = \(session)
            """, logger: logger).decode((String, String, String, String?).self) {
            result.append(GroupeDesignation(session: session, row: row))
        }
        return result
    }

    /// Removes a designation the caller may see (`visible`), re-exporting its group; false when there is none.
    /// `visible` sees the group, the person's school and the school that made this designation (nil
    /// when an académie did): a school withdraws only what it designated itself.
    func remove(_ id: UUID, session: Int, visible: (GroupeDesignation, String?, String?) -> Bool, correlationId: String) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT d.academie, d.epreuve, d.role, d.centre, i.uai, d.designe_par_uai FROM \(unescaped: s).designations d
                JOIN \(unescaped: s).intervenants i ON i.id = d.intervenant_id
                WHERE d.id = \(id) AND d.session = \(session) FOR UPDATE OF d
                """, logger: logger)
            var found: (GroupeDesignation, String?, String?)?
            for try await (academie, epreuve, role, centre, uai, owner) in rows.decode((String, String, String, String?, String?, String?).self) {
                found = (GroupeDesignation(session: session, row: (academie, epreuve, role, centre)), uai, owner)
            }
            guard let (groupe, uai, owner) = found, visible(groupe, uai, owner) else { return false }
            try await connection.query("DELETE FROM \(unescaped: s).designations WHERE id = \(id)", logger: logger)
            try await requestExport(groupe, on: connection, correlationId: correlationId)
            return true
        }
    }

    func list(session: Int, academie: String?, uai: String?, epreuve: String?) async throws -> [Designation] {
        let rows = try await client.query("""
            SELECT d.id, d.role, d.epreuve, d.centre, i.id, i.login, i.nom, i.prenom, i.email, i.uai, i.divisions
            FROM \(unescaped: s).designations d JOIN \(unescaped: s).intervenants i ON i.id = d.intervenant_id
            WHERE d.session = \(session) AND (\(academie)::text IS NULL OR d.academie = \(academie))
              AND (\(uai)::text IS NULL OR i.uai = \(uai)) AND (\(epreuve)::text IS NULL OR d.epreuve = \(epreuve))
            ORDER BY d.epreuve, d.role, d.centre, i.nom
            """, logger: logger)
        var result: [Designation] = []
        for try await (id, role, epreuve, centre, pid, login, nom, prenom, email, puai, divisions) in rows.decode(
            (UUID, String, String, String?, UUID, String, String, String, String?, String?, [String]).self) {
            result.append(Designation(id: id, role: MissionKind(rawValue: role) ?? .examinateur, epreuve: epreuve, centre: centre,
                                      intervenant: Intervenant(id: pid, login: login, nom: nom, prenom: prenom, email: email,
                                                               uai: puai, divisions: divisions)))
        }
        return result
    }

    /// Asks for the group's export, after the changes of this transaction: a group already waiting
    /// is not asked twice. Last in its transaction, since it locks the group's row until the commit.
    /// An update, not `DO NOTHING`: it must wait for an export running on the row (which may have
    /// read the group before this transaction commits) and, that row deleted, insert a new one.
    private func requestExport(_ groupe: GroupeDesignation, on connection: PostgresConnection, correlationId: String) async throws {
        try await connection.query("""
            INSERT INTO \(unescaped: s).exports_a_faire AS e (session, academie, epreuve, role, centre, correlation_id)
            VALUES (\(groupe.session), \(groupe.academie), \(groupe.epreuve), \(groupe.role.rawValue), \(groupe.centre ?? ""),
                    \(correlationId))
            ON CONFLICT (session, academie, epreuve, role, centre)
                DO UPDATE SET demandes = e.demandes + 1, correlation_id = EXCLUDED.correlation_id
            """, logger: logger)
    }

    /// Exports one waiting group, the oldest asked; false when none waits.
    ///
    /// The group's row stays locked until this transaction commits: a designation committing
    /// meanwhile waits for it at its own request (`requestExport`), then asks anew, so the export
    /// that follows reads it. No group is exported by two instances at once, and each export
    /// takes its version after the previous one of its group has committed, so the newest
    /// version is never the one missing a person.
    func exportOne() async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT session, academie, epreuve, role, centre, correlation_id FROM \(unescaped: s).exports_a_faire
                ORDER BY demande_le LIMIT 1 FOR UPDATE SKIP LOCKED
                """, logger: logger).collect()
            guard let (session, academie, epreuve, role, centre, correlationId) =
                    try rows.first?.decode((Int, String, String, String, String, String).self) else { return false }
            let groupe = GroupeDesignation(session: session, row: (academie, epreuve, role, centre))
            try await export(groupe, on: connection, correlationId: correlationId)
            try await connection.query("""
                DELETE FROM \(unescaped: s).exports_a_faire WHERE session = \(session) AND academie = \(academie)
                  AND epreuve = \(epreuve) AND role = \(role) AND centre = \(centre)
                """, logger: logger)
            return true
        }
    }

    /// The group's full current list, with the next export version.
    private func export(_ groupe: GroupeDesignation, on connection: PostgresConnection, correlationId: String) async throws {
        let version = try await connection.query("SELECT nextval('\(unescaped: s).export_seq')", logger: logger)
            .collect().first!.decode(Int64.self)
        let rows = try await connection.query("""
            SELECT i.id, i.login, i.nom, i.prenom, i.email, i.uai, i.divisions, d.designe_par_academie, d.designe_par_uai
            FROM \(unescaped: s).designations d JOIN \(unescaped: s).intervenants i ON i.id = d.intervenant_id
            WHERE d.session = \(groupe.session) AND d.academie = \(groupe.academie) AND d.epreuve = \(groupe.epreuve)
              AND d.role = \(groupe.role.rawValue) AND COALESCE(d.centre, '') = \(groupe.centre ?? "")
            ORDER BY i.login
            """, logger: logger)
        var people: [Intervenant] = []
        var autorites: [String] = []
        for try await (id, login, nom, prenom, email, uai, divisions, parAcademie, parUAI) in rows.decode(
            (UUID, String, String, String, String?, String?, [String], String, String?).self) {
            people.append(Intervenant(id: id, login: login, nom: nom, prenom: prenom, email: email, uai: uai, divisions: divisions))
            autorites.append((parUAI.map(Scope.etablissement) ?? .academie(parAcademie)).description)
        }
        try await outbox.enqueue(
            IntervenantsExported(session: groupe.session, academie: groupe.academie, epreuve: groupe.epreuve, role: groupe.role,
                                 centreUAI: groupe.centre, exportVersion: version, intervenants: people, autorites: autorites),
            correlationId: correlationId, on: connection, logger: logger)
    }
}

extension DesignationRepository {
    /// In an extension, so the memberwise initialiser (the tests') stays synthesised.
    init(_ runtime: ServiceRuntime) {
        self.init(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox, logger: runtime.logger)
    }
}
