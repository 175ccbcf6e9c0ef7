import Foundation
import Logging
import PostgresNIO
import Shared

struct ParametresSession: Codable, Sendable {
    var session: Int
    var academie: String
    var dateDebut: String
    var dateFin: String
    var observations: String
    var typeMissionExaminateur: String
    var typeMissionCoordinateur: String
    var reglementationVersion: Int
    var ouverteLe: Date?
    var rafraichieLe: Date?
}

struct Mission: Codable, Sendable {
    var id: UUID
    var session: Int
    var academie: String
    var epreuve: String
    var kind: MissionKind
    /// nil: the académie's Santorin centre.
    var centre: String?
    var typeMission: String
    var dateDebut: String
    var dateFin: String
    var observations: String
    var active: Bool
    var reglementationVersion: Int
}

struct FiltreMissions: Sendable {
    var academie: String?
    /// A school: the examiner missions at its centre or open to its teachers.
    var uai: String?
    var epreuve: String?
    var centre: String?
    var kind: MissionKind?
}

struct Convocation: Codable, Sendable {
    var id: UUID
    var statut: String
    var mission: Mission
    var intervenant: Intervenant
    var emiseLe: Date
    var annuleeLe: Date?
    var motifAnnulation: String?
    /// Who issued it (`academie:<code>` or `uai:<UAI>`): the only one shown its code.
    var autorite: String
}

/// Imag'In's store: the regulation, session parameters, the opening (mission import), convocations
/// and services faits. Every change that others must learn about commits with its event (outbox).
struct MissionRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let outbox: Outbox
    let logger: Logger

    private var s: String { schema.name }
    private var courriels: Courriels { Courriels(schema: schema) }

    // MARK: regulation

    struct ReglementationVersion: Codable, Sendable {
        var session: Int
        var version: Int
        var chargeeLe: Date
        var reglementation: Reglementation
    }

    /// The session's regulation: the given version, or the current one.
    func reglementation(session: Int, version: Int? = nil) async throws -> ReglementationVersion? {
        let rows = try await client.query("""
            SELECT version, chargee_le, contenu::text FROM \(unescaped: s).reglementations
            WHERE session = \(session) AND (\(version)::int IS NULL OR version = \(version)) ORDER BY version DESC LIMIT 1
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (version, chargeeLe, contenu) = try row.decode((Int, Date, String).self)
        return ReglementationVersion(session: session, version: version, chargeeLe: chargeeLe,
                                     reglementation: try JSONDecoder().decode(Reglementation.self, from: Data(contenu.utf8)))
    }

    /// Loads the regulation as the session's next version, unless it is the current one already.
    func refresh(session: Int, _ reglementation: Reglementation, by: UUID) async throws -> (version: Int, nouvelle: Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let contenu = String(decoding: try encoder.encode(reglementation), as: UTF8.self)
        let empreinte = sha256Hex(Data(contenu.utf8))
        return try await client.withTransaction(logger: logger) { connection in
            // One refresh of a session at a time: versions are numbered without gaps or races.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('missions.reglementation'), \(session)::int)", logger: logger)
            let current = try await connection.query("""
                SELECT version, empreinte FROM \(unescaped: s).reglementations WHERE session = \(session) ORDER BY version DESC LIMIT 1
                """, logger: logger).collect().first?.decode((Int, String).self)
            if let current, current.1 == empreinte { return (current.0, false) }
            let version = (current?.0 ?? 0) + 1
            try await connection.query("""
                INSERT INTO \(unescaped: s).reglementations (session, version, contenu, empreinte, chargee_par)
                VALUES (\(session), \(version), \(contenu)::jsonb, \(empreinte), \(by))
                """, logger: logger)
            return (version, true)
        }
    }

    /// The label of the mission's type in the regulation it was opened under.
    func typeMission(_ mission: Mission) async throws -> String? {
        try await reglementation(session: mission.session, version: mission.reglementationVersion)?
            .reglementation.typeMission(mission.typeMission)?.libelle
    }

    // MARK: session parameters and opening

    struct Parametres: Codable, Sendable {
        var dateDebut: String
        var dateFin: String
        var observations: String?
        var typeMissionExaminateur: String?
        var typeMissionCoordinateur: String?
    }

    func parametres(session: Int, academie: String) async throws -> ParametresSession? {
        let rows = try await client.query("""
            SELECT date_debut::text, date_fin::text, observations, type_mission_examinateur, type_mission_coordinateur,
                   reglementation_version, ouverte_le, rafraichie_le
            FROM \(unescaped: s).parametres WHERE session = \(session) AND academie = \(academie)
            """, logger: logger)
        for try await r in rows.decode((String, String, String, String, String, Int, Date?, Date?).self) {
            return ParametresSession(session: session, academie: academie, dateDebut: r.0, dateFin: r.1, observations: r.2,
                                     typeMissionExaminateur: r.3, typeMissionCoordinateur: r.4, reglementationVersion: r.5,
                                     ouverteLe: r.6, rafraichieLe: r.7)
        }
        return nil
    }

    /// Stores the dates and observations of the académie's ECE missions (checked by the controller).
    func setParametres(_ p: ParametresSession) async throws {
        try await client.query("""
            INSERT INTO \(unescaped: s).parametres (session, academie, date_debut, date_fin, observations,
                type_mission_examinateur, type_mission_coordinateur, reglementation_version)
            VALUES (\(p.session), \(p.academie), \(p.dateDebut)::date, \(p.dateFin)::date, \(p.observations),
                    \(p.typeMissionExaminateur), \(p.typeMissionCoordinateur), \(p.reglementationVersion))
            ON CONFLICT (session, academie) DO UPDATE SET date_debut = EXCLUDED.date_debut, date_fin = EXCLUDED.date_fin,
                observations = EXCLUDED.observations, type_mission_examinateur = EXCLUDED.type_mission_examinateur,
                type_mission_coordinateur = EXCLUDED.type_mission_coordinateur,
                reglementation_version = EXCLUDED.reglementation_version
            """, logger: logger)
    }

    struct Ouverture: Codable, Sendable {
        var creees: Int
        var reactivees: Int
        var retirees: Int
        var actives: Int
    }

    /// Opens or refreshes the académie's session: one examiner mission per exam × centre d'épreuve and
    /// one coordinator mission per exam (Santorin centre) among Cyclades' exports. Idempotent: adds
    /// what is missing, updates dates and observations, flags (never deletes) missions nobody is
    /// exported for any more. Emits the resulting snapshot as `missions.imported`.
    func open(session: Int, academie: String, parametres p: ParametresSession, correlationId: String) async throws -> Ouverture {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('missions.ouverture.' || \(academie)), \(session)::int)", logger: logger)
            let created = try await connection.query("""
                INSERT INTO \(unescaped: s).missions AS m (id, session, academie, epreuve, kind, centre, type_mission,
                    reglementation_version, date_debut, date_fin, observations)
                SELECT gen_random_uuid(), e.session, e.academie, e.epreuve, e.kind, e.centre,
                       CASE e.kind WHEN 'examinateur' THEN \(p.typeMissionExaminateur) ELSE \(p.typeMissionCoordinateur) END,
                       \(p.reglementationVersion), \(p.dateDebut)::date, \(p.dateFin)::date, \(p.observations)
                FROM \(unescaped: s).exports e
                WHERE e.session = \(session) AND e.academie = \(academie) AND cardinality(e.intervenants) > 0
                ON CONFLICT (session, academie, epreuve, kind, centre) DO NOTHING
                RETURNING 1
                """, logger: logger).collect().count
            let reactivated = try await connection.query("""
                UPDATE \(unescaped: s).missions m SET active = true
                FROM \(unescaped: s).exports e
                WHERE m.session = \(session) AND m.academie = \(academie) AND NOT m.active
                  AND (e.session, e.academie, e.epreuve, e.kind, e.centre) = (m.session, m.academie, m.epreuve, m.kind, m.centre)
                  AND cardinality(e.intervenants) > 0
                RETURNING 1
                """, logger: logger).collect().count
            let retired = try await connection.query("""
                UPDATE \(unescaped: s).missions m SET active = false
                WHERE m.session = \(session) AND m.academie = \(academie) AND m.active
                  AND NOT EXISTS (SELECT 1 FROM \(unescaped: s).exports e
                                  WHERE (e.session, e.academie, e.epreuve, e.kind, e.centre) = (m.session, m.academie, m.epreuve, m.kind, m.centre)
                                    AND cardinality(e.intervenants) > 0)
                RETURNING 1
                """, logger: logger).collect().count
            // Dates and observations follow the parameters; the type and regulation of a mission
            // already convoked stay as they were (its people were convoked under them).
            try await connection.query("""
                UPDATE \(unescaped: s).missions m SET date_debut = \(p.dateDebut)::date, date_fin = \(p.dateFin)::date,
                    observations = \(p.observations)
                WHERE m.session = \(session) AND m.academie = \(academie)
                """, logger: logger)
            try await connection.query("""
                UPDATE \(unescaped: s).parametres SET ouverte_le = COALESCE(ouverte_le, now()), rafraichie_le = now()
                WHERE session = \(session) AND academie = \(academie)
                """, logger: logger)
            var missions: [MissionImportee] = []
            let rows = try await connection.query("""
                SELECT id, kind, epreuve, centre, type_mission, active FROM \(unescaped: s).missions
                WHERE session = \(session) AND academie = \(academie) ORDER BY epreuve, kind, centre
                """, logger: logger)
            for try await (id, kind, epreuve, centre, type, active) in rows.decode((UUID, String, String, String, String, Bool).self) {
                missions.append(MissionImportee(missionId: id, kind: MissionKind(rawValue: kind) ?? .examinateur, epreuve: epreuve,
                                                centreUAI: centre.isEmpty ? nil : centre, typeMission: type, active: active))
            }
            let importId = UUID()
            let chunks = missions.chunks(of: MissionsImported.maximumChunk)
            try await outbox.enqueue(chunks.enumerated().map { i, chunk in
                EventEnvelope(producer: outbox.producer, correlationId: correlationId, payload: MissionsImported(
                    importId: importId, session: session, academie: academie, chunk: i + 1, chunks: chunks.count, missions: chunk))
            }, on: connection, logger: logger)
            return Ouverture(creees: created, reactivees: reactivated, retirees: retired,
                             actives: missions.filter(\.active).count)
        }
    }

    // MARK: missions

    private static let missionColumns = """
        m.id, m.session, m.academie, m.epreuve, m.kind, m.centre, m.type_mission, m.date_debut::text, m.date_fin::text, \
        m.observations, m.active, m.reglementation_version
        """

    private static func mission(_ r: (UUID, Int, String, String, String, String, String, String, String, String, Bool, Int)) -> Mission {
        Mission(id: r.0, session: r.1, academie: r.2, epreuve: r.3, kind: MissionKind(rawValue: r.4) ?? .examinateur,
                centre: r.5.isEmpty ? nil : r.5, typeMission: r.6, dateDebut: r.7, dateFin: r.8, observations: r.9, active: r.10,
                reglementationVersion: r.11)
    }

    func mission(_ id: UUID) async throws -> Mission? {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.missionColumns) FROM \(unescaped: s).missions m WHERE m.id = \(id)
            """, logger: logger)
        for try await r in rows.decode((UUID, Int, String, String, String, String, String, String, String, String, Bool, Int).self) {
            return Self.mission(r)
        }
        return nil
    }

    /// A mission with who may be convoked to it (Cyclades' export) and who is.
    struct MissionDetail: Codable, Sendable {
        var mission: Mission
        var intervenants: [Eligible]
        struct Eligible: Codable, Sendable {
            var id: UUID
            var login: String
            var nom: String
            var prenom: String
            var uai: String?
            /// The active convocation, if convoked.
            var convocationId: UUID?
            /// In Cyclades' export for the mission (only they may be convoked).
            var exporte: Bool
            /// Who designated them for this mission (`academie:<code>` or `uai:<UAI>`), as Cyclades
            /// last exported it; nil when they are not in the export any more or it predates the authorities.
            var designePar: String?
            /// Who issued the active convocation.
            var convoquePar: String?
            /// Not convoked, and a convocation of theirs for this mission was cancelled: convoked
            /// again one by one only, never by « Convoquer tout le monde ».
            var annulee = false
            /// What the caller may do (the write routes' own rules, set by the controller): convoke
            /// them (one by one, or with everyone), read their convocation, cancel it.
            var convocable = false
            /// Convocable, and designated by the caller's own authority: what « Convoquer tout le monde » convokes.
            var convocableEnBloc = false
            var lisible = false
            var annulable = false
        }
    }

    func missions(session: Int, _ filtre: FiltreMissions) async throws -> [MissionDetail] {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.missionColumns),
                   COALESCE(array_agg(i.id ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}'),
                   COALESCE(array_agg(i.login ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}'),
                   COALESCE(array_agg(i.nom ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}'),
                   COALESCE(array_agg(i.prenom ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}'),
                   COALESCE(array_agg(COALESCE(i.uai, '') ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}'),
                   COALESCE(array_agg(COALESCE(c.id::text, '') ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}'),
                   COALESCE(array_agg(CASE WHEN i.id = ANY(e.intervenants) THEN COALESCE(e.autorites[array_position(e.intervenants, i.id)], '*')
                                           ELSE '' END ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}'),
                   COALESCE(array_agg(COALESCE(c.autorite, '') ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}'),
                   COALESCE(array_agg(c.id IS NULL AND EXISTS (SELECT 1 FROM \(unescaped: s).convocations ca
                       WHERE ca.mission_id = m.id AND ca.intervenant_id = i.id AND ca.statut = 'annulee')
                       ORDER BY i.nom, i.prenom) FILTER (WHERE i.id IS NOT NULL), '{}')
            FROM \(unescaped: s).missions m
            LEFT JOIN \(unescaped: s).exports e
                ON (e.session, e.academie, e.epreuve, e.kind, e.centre) = (m.session, m.academie, m.epreuve, m.kind, m.centre)
            LEFT JOIN LATERAL (
                -- Who may be convoked (the export) and who is: a union, not an OR in the join, which
                -- compared every mission with every person (2.8 s an académie at national scale).
                SELECT unnest(e.intervenants) AS id
                UNION SELECT intervenant_id FROM \(unescaped: s).convocations WHERE mission_id = m.id AND statut = 'emise'
            ) p ON true
            LEFT JOIN \(unescaped: s).intervenants i ON i.id = p.id
            LEFT JOIN \(unescaped: s).convocations c ON c.mission_id = m.id AND c.intervenant_id = i.id AND c.statut = 'emise'
            WHERE m.session = \(session)
              AND (\(filtre.academie)::text IS NULL OR m.academie = \(filtre.academie))
              AND (\(filtre.epreuve)::text IS NULL OR m.epreuve = \(filtre.epreuve))
              AND (\(filtre.centre)::text IS NULL OR m.centre = \(filtre.centre))
              AND (\(filtre.kind?.rawValue)::text IS NULL OR m.kind = \(filtre.kind?.rawValue))
              AND (\(filtre.uai)::text IS NULL OR m.centre = \(filtre.uai) OR EXISTS (
                    SELECT 1 FROM \(unescaped: s).intervenants i2 WHERE i2.id = ANY(e.intervenants) AND i2.uai = \(filtre.uai)))
            GROUP BY m.id
            ORDER BY m.academie, m.epreuve, m.kind DESC, m.centre
            """, logger: logger)
        var result: [MissionDetail] = []
        for try await r in rows.decode((UUID, Int, String, String, String, String, String, String, String, String, Bool, Int,
                                        [UUID], [String], [String], [String], [String], [String], [String], [String], [Bool]).self) {
            let mission = Self.mission((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11))
            var people = r.12.indices.map { k in
                MissionDetail.Eligible(id: r.12[k], login: r.13[k], nom: r.14[k], prenom: r.15[k],
                                       uai: r.16[k].isEmpty ? nil : r.16[k], convocationId: UUID(uuidString: r.17[k]),
                                       exporte: !r.18[k].isEmpty, designePar: ["", "*"].contains(r.18[k]) ? nil : r.18[k],
                                       convoquePar: r.19[k].isEmpty ? nil : r.19[k], annulee: r.20[k])
            }
            // A school sees everybody at its own centre, and only its own teachers elsewhere.
            if let uai = filtre.uai, mission.centre != uai { people = people.filter { $0.uai == uai } }
            result.append(MissionDetail(mission: mission, intervenants: people))
        }
        return result
    }

    // MARK: convocations

    /// Who designated the person for the mission's group, as Cyclades last exported it (`academie:<code>`
    /// or `uai:<UAI>`); nil when they are not in it, or the export predates the authorities.
    func designePar(_ person: UUID, for mission: UUID) async throws -> String? {
        let rows = try await client.query("""
            SELECT e.autorites[array_position(e.intervenants, \(person))] FROM \(unescaped: s).missions m
            JOIN \(unescaped: s).exports e
                ON (e.session, e.academie, e.epreuve, e.kind, e.centre) = (m.session, m.academie, m.epreuve, m.kind, m.centre)
            WHERE m.id = \(mission)
            """, logger: logger)
        for try await autorite in rows.decode(String?.self) { return autorite }
        return nil
    }

    func intervenant(_ id: UUID) async throws -> Intervenant? {
        try await intervenants([id]).first
    }

    func intervenants(_ ids: [UUID]) async throws -> [Intervenant] {
        let rows = try await client.query("""
            SELECT id, login, nom, prenom, email, uai, divisions FROM \(unescaped: s).intervenants WHERE id = ANY(\(ids))
            """, logger: logger)
        var result: [Intervenant] = []
        for try await r in rows.decode((UUID, String, String, String, String?, String?, [String]).self) {
            result.append(Intervenant(id: r.0, login: r.1, nom: r.2, prenom: r.3, email: r.4, uai: r.5, divisions: r.6))
        }
        return result
    }

    /// A convocation ready before its transaction: its number, its code and, for a person with an
    /// address, their mail (the PDF built outside any transaction, which stays short).
    struct Preparee: Sendable {
        var person: Intervenant
        var id = UUID()
        var code = ActivationCode.generate()
        var courriel: Courriel?
    }

    /// Prepares a person's convocation to a mission (`typeMission`: the mission type's wording).
    func prepare(_ person: Intervenant, to mission: Mission, autorite: String, typeMission: String?) async throws -> Preparee {
        var preparee = Preparee(person: person)
        if let adresse = person.email?.trimmingCharacters(in: .whitespaces), !adresse.isEmpty {
            let convocation = Convocation(id: preparee.id, statut: "emise", mission: mission, intervenant: person, emiseLe: Date(),
                                          autorite: autorite)
            let document = ConvocationDocument.exemplaire(convocation, code: preparee.code, issuer: false, personne: true,
                                                          typeMission: typeMission)
            preparee.courriel = try await PDF.build { try document.courriel(to: adresse) }
        }
        return preparee
    }

    /// Convokes a person to a mission and emits `convocation.issued` with the code's hash. Convoking
    /// someone already convoked returns the existing convocation (`created` false) and emits nothing.
    /// With an address for the person, their mail (the convocation's PDF and the code) commits with
    /// it (`courriel`: where it goes); without one, nobody is mailed (`courriel` nil).
    func convoke(_ person: Intervenant, to mission: Mission, by: UUID, autorite: String,
                 correlationId: String) async throws -> (id: UUID, created: Bool, courriel: String?) {
        let preparee = try await prepare(person, to: mission, autorite: autorite, typeMission: try await typeMission(mission))
        return try await client.withTransaction(logger: logger) { connection in
            // Checked again under the mission's row lock: an opening or an export may have changed them.
            let current = try await connection.query("""
                SELECT m.active, EXISTS (SELECT 1 FROM \(unescaped: s).exports e
                    WHERE (e.session, e.academie, e.epreuve, e.kind, e.centre) = (m.session, m.academie, m.epreuve, m.kind, m.centre)
                      AND \(person.id) = ANY(e.intervenants))
                FROM \(unescaped: s).missions m WHERE m.id = \(mission.id) FOR SHARE
                """, logger: logger).collect().first?.decode((Bool, Bool).self)
            guard let (active, exported) = current, active else {
                throw Problem.conflict(.etat, "mission retirée : plus personne n'est désigné / withdrawn mission: nobody designated any more")
            }
            guard exported else {
                throw Problem.validation([.init(field: "intervenantId", reason:
                    "\(person.login) n'est pas désigné(e) pour cette mission par Cyclades / not designated for this mission")])
            }
            let inserted = try await connection.query("""
                INSERT INTO \(unescaped: s).convocations (id, mission_id, intervenant_id, code_activation, emise_par, autorite)
                VALUES (\(preparee.id), \(mission.id), \(person.id), \(preparee.code), \(by), \(autorite))
                ON CONFLICT (mission_id, intervenant_id) WHERE statut = 'emise' DO NOTHING
                RETURNING id
                """, logger: logger).collect()
            guard inserted.isEmpty else {
                try await issued(preparee, to: mission, autorite: autorite, correlationId: correlationId, on: connection)
                return (preparee.id, true, preparee.courriel?.destinataire)
            }
            let existing = try await connection.query("""
                SELECT id FROM \(unescaped: s).convocations
                WHERE mission_id = \(mission.id) AND intervenant_id = \(person.id) AND statut = 'emise'
                """, logger: logger).collect()
            // Cancelled meanwhile by someone else: say so rather than guess.
            guard let first = existing.first else { throw Problem.conflict(.modifieEntreTemps, "convocation modifiée à l'instant / changed meanwhile") }
            return (try first.decode(UUID.self), false, nil)
        }
    }

    /// « Convoquer tout le monde » for one mission: in one transaction under the mission's share lock,
    /// convokes each person prepared who is still in its export, whom `garder` keeps by who
    /// designated them there (as exported now), and who was neither convoked nor cancelled for it
    /// (a cancelled convocation is issued again one by one only). A concurrent change leaves people
    /// out, nothing is refused. Returns who was convoked.
    func convokeAll(_ preparees: [Preparee], to mission: Mission, by: UUID, autorite: String,
                    garder: (Intervenant, _ designePar: String?) -> Bool, correlationId: String) async throws -> [Preparee] {
        try await client.withTransaction(logger: logger) { connection in
            let current = try await connection.query("""
                SELECT m.active, COALESCE(e.intervenants, '{}'), array_replace(COALESCE(e.autorites, '{}'), NULL, '')
                FROM \(unescaped: s).missions m
                LEFT JOIN \(unescaped: s).exports e
                    ON (e.session, e.academie, e.epreuve, e.kind, e.centre) = (m.session, m.academie, m.epreuve, m.kind, m.centre)
                WHERE m.id = \(mission.id) FOR SHARE OF m
                """, logger: logger).collect().first?.decode((Bool, [UUID], [String]).self)
            guard let (active, exported, autorites) = current, active else { return [] }
            // As `missions` reads them: an export from before the authorities were recorded names none.
            let designePar = Dictionary(exported.indices.map { k in (exported[k], autorites.indices.contains(k) && !autorites[k].isEmpty ? autorites[k] : nil) },
                                        uniquingKeysWith: { a, _ in a })
            let eligible = preparees.filter { p in designePar[p.person.id].map { garder(p.person, $0) } ?? false }
            let inserted = try await connection.query("""
                INSERT INTO \(unescaped: s).convocations (id, mission_id, intervenant_id, code_activation, emise_par, autorite)
                SELECT p.id, \(mission.id), p.intervenant, p.code, \(by), \(autorite)
                FROM unnest(\(eligible.map(\.id))::uuid[], \(eligible.map(\.person.id))::uuid[], \(eligible.map(\.code))::text[])
                    AS p(id, intervenant, code)
                WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: s).convocations c
                                  WHERE c.mission_id = \(mission.id) AND c.intervenant_id = p.intervenant AND c.statut = 'annulee')
                ORDER BY p.intervenant
                ON CONFLICT (mission_id, intervenant_id) WHERE statut = 'emise' DO NOTHING
                RETURNING id
                """, logger: logger).collect()
            let ids = Set(try inserted.map { try $0.decode(UUID.self) })
            let convoquees = eligible.filter { ids.contains($0.id) }
            for preparee in convoquees {
                try await issued(preparee, to: mission, autorite: autorite, correlationId: correlationId, on: connection)
            }
            return convoquees
        }
    }

    /// What follows a convocation's insert, in its transaction: the person's mail (the PDF and the
    /// code) when they have an address, and `convocation.issued`.
    private func issued(_ preparee: Preparee, to mission: Mission, autorite: String, correlationId: String,
                        on connection: PostgresConnection) async throws {
        if let courriel = preparee.courriel {
            try await courriels.enqueue(courriel, about: preparee.id, secret: true, on: connection, logger: logger)
        }
        try await outbox.enqueue(ConvocationIssued(
            convocationId: preparee.id, missionId: mission.id, kind: mission.kind, session: mission.session,
            epreuve: mission.epreuve, academie: mission.academie, centreUAI: mission.centre, intervenant: preparee.person,
            activationCodeSHA256: ActivationCode.sha256(preparee.code), autorite: autorite), correlationId: correlationId,
            on: connection, logger: logger)
    }

    /// Cancels an issued convocation (`convocation.cancelled`); false when it is not issued any more.
    func cancel(_ id: UUID, motif: String, by: UUID, correlationId: String) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                UPDATE \(unescaped: s).convocations SET statut = 'annulee', annulee_le = now(), annulee_par = \(by),
                    motif_annulation = \(motif)
                WHERE id = \(id) AND statut = 'emise'
                RETURNING mission_id, intervenant_id
                """, logger: logger).collect()
            guard let (missionId, intervenantId) = try rows.first?.decode((UUID, UUID).self) else { return false }
            // Its mail, if it has not left yet, goes no more.
            try await courriels.withdraw(about: id, on: connection, logger: logger)
            try await outbox.enqueue(ConvocationCancelled(convocationId: id, missionId: missionId, intervenantId: intervenantId),
                                     correlationId: correlationId, on: connection, logger: logger)
            return true
        }
    }

    /// A convocation with its activation code (for printing).
    func convocation(_ id: UUID) async throws -> (Convocation, code: String)? {
        try await convocations(id: id).first
    }

    /// Convocations matching every criterion given: a session, an académie, a person's login, a status.
    func convocations(id: UUID? = nil, session: Int? = nil, academie: String? = nil, uai: String? = nil, login: String? = nil,
                      statut: String? = nil) async throws -> [(Convocation, code: String)] {
        let rows = try await client.query("""
            SELECT c.id, c.statut, c.emise_le, c.annulee_le, c.motif_annulation, c.code_activation, c.autorite,
                   \(unescaped: Self.missionColumns), i.id, i.login, i.nom, i.prenom, i.email, i.uai, i.divisions
            FROM \(unescaped: s).convocations c
            JOIN \(unescaped: s).missions m ON m.id = c.mission_id
            JOIN \(unescaped: s).intervenants i ON i.id = c.intervenant_id
            WHERE (\(id)::uuid IS NULL OR c.id = \(id)) AND (\(session)::int IS NULL OR m.session = \(session))
              AND (\(academie)::text IS NULL OR m.academie = \(academie)) AND (\(login)::text IS NULL OR i.login = \(login))
              AND (\(statut)::text IS NULL OR c.statut = \(statut))
              AND (\(uai)::text IS NULL OR (m.kind = 'examinateur' AND (m.centre = \(uai) OR i.uai = \(uai))))
            ORDER BY m.session, m.epreuve, m.centre, i.nom, i.prenom, c.emise_le
            """, logger: logger)
        var result: [(Convocation, code: String)] = []
        for try await r in rows.decode((UUID, String, Date, Date?, String?, String, String,
                                        UUID, Int, String, String, String, String, String, String, String, String, Bool, Int,
                                        UUID, String, String, String, String?, String?, [String]).self) {
            let mission = Self.mission((r.7, r.8, r.9, r.10, r.11, r.12, r.13, r.14, r.15, r.16, r.17, r.18))
            let person = Intervenant(id: r.19, login: r.20, nom: r.21, prenom: r.22, email: r.23, uai: r.24, divisions: r.25)
            result.append((Convocation(id: r.0, statut: r.1, mission: mission, intervenant: person, emiseLe: r.2,
                                       annuleeLe: r.3, motifAnnulation: r.4, autorite: r.6), r.5))
        }
        return result
    }

    // MARK: services faits

    /// What one person is paid for one mission: the candidates evaluated at every centre reported,
    /// priced by the mission's pay type in the regulation version it was opened under.
    struct ServiceFaitLigne: Codable, Sendable {
        var missionId: UUID
        var epreuve: String
        var kind: MissionKind
        /// The work paid: `examinateur`, `coordinateur` (`RoleServiceFait`).
        var role: String
        var centres: [String]
        var intervenantId: UUID
        var login: String?
        var nom: String?
        var prenom: String?
        var candidatsEvalues: Int
        var typeRemuneration: String
        var montantCentimes: Int
    }

    func servicesFaits(session: Int, academie: String, epreuve: String?, centre: String?) async throws -> [ServiceFaitLigne] {
        let rows = try await client.query("""
            SELECT sf.mission_id, m.epreuve, m.kind, array_agg(sf.centre ORDER BY sf.centre), sf.intervenant_id, i.login, i.nom,
                   i.prenom, sum(sf.candidats_evalues)::int, m.type_mission, r.contenu::text, sf.role
            FROM \(unescaped: s).services_faits sf
            JOIN \(unescaped: s).missions m ON m.id = sf.mission_id
            JOIN \(unescaped: s).reglementations r ON r.session = m.session AND r.version = m.reglementation_version
            LEFT JOIN \(unescaped: s).intervenants i ON i.id = sf.intervenant_id
            WHERE m.session = \(session) AND m.academie = \(academie) AND (\(epreuve)::text IS NULL OR m.epreuve = \(epreuve))
            GROUP BY sf.mission_id, m.epreuve, m.kind, sf.role, sf.intervenant_id, i.login, i.nom, i.prenom, m.type_mission, r.contenu::text
            HAVING \(centre)::text IS NULL OR \(centre) = ANY(array_agg(sf.centre))
            ORDER BY m.epreuve, m.kind DESC, i.nom, i.prenom, sf.intervenant_id
            """, logger: logger)
        var result: [ServiceFaitLigne] = []
        var reglementations: [String: Reglementation] = [:]
        for try await r in rows.decode((UUID, String, String, [String], UUID, String?, String?, String?, Int, String, String, String).self) {
            let regles = try reglementations[r.10] ?? JSONDecoder().decode(Reglementation.self, from: Data(r.10.utf8))
            reglementations[r.10] = regles
            // Opened under a regulation that agreed with itself: a type without its pay type cannot happen.
            guard let type = regles.typeMission(r.9), let pay = regles.typeRemuneration(type.remuneration) else { continue }
            result.append(ServiceFaitLigne(missionId: r.0, epreuve: r.1, kind: MissionKind(rawValue: r.2) ?? .examinateur,
                                           role: r.11, centres: r.3, intervenantId: r.4, login: r.5, nom: r.6, prenom: r.7, candidatsEvalues: r.8,
                                           typeRemuneration: pay.code, montantCentimes: pay.montant(candidats: r.8, role: r.11)))
        }
        return result
    }
}
