import Foundation
import PostgresNIO
import Shared

/// The grading editor's statements, prepared once per connection: a draw and a save are the
/// platform's hottest path (240,000 sheets in a few June days), and planning these joins each
/// time cost PostgreSQL more than running them. Their SQL is fixed, so table names are
/// unqualified: the connection's `search_path` is the service's schema (`ServiceRuntime`).
/// Every parameter is cast to the type Swift binds (Int is `int8`), so a first execution with a
/// NULL cannot fix a narrower type for the next ones. Each is named here: the protocol's default
/// name is built by reflection at every execution (about 1 % of Correction's CPU while grading).
enum EditeurStatements {
    /// What `FicheRepository.fiche(row:)` decodes, in this order (`f` the sheet, `g` its group, `su` its subject).
    static let colonnes = """
        f.id, f.session, f.epreuve, f.centre, f.candidat_id, f.numero, f.nom, f.prenoms, f.division, f.groupe_id,
        COALESCE(g.verrouille, false), f.creneau_id, f.sujet_mode, f.grille::text, f.statut, f.absence, f.note_suggeree,
        f.note_finale, f.motif_ajustement, f.saisie_differee, f.version, f.modifiee_le,
        su.id, su.code, su.dominante, su.visible_from, su.titre, su.document::text, COALESCE(f.bareme_version, su.bareme_version)
        """

    /// The transaction that wrote the sheet's row as it stands (PostgreSQL's `xmin`): any change
    /// since, a move to another lot or slot or a republished name included, gives it another.
    static let xmin = "f.xmin::text::int8 AS xmin"

    /// A sheet as the audit keeps it before and after a save: its grading — what a save writes,
    /// and the subject and barème version its grid refers to. Not the whole row: the audit row
    /// names the sheet (which leads to the candidate) with its session, exam and centre, and the
    /// commission's own entries journal the sheet's moves between slots and lots; copying all that
    /// twice into every save's entry cost a quarter of the save's statement's time and an eighth
    /// of its WAL (BENCHMARKS.md, session 28).
    static func instantane(_ alias: String) -> String {
        let colonnes = ["statut", "absence", "grille", "note_suggeree", "note_finale", "motif_ajustement", "saisie_differee",
                        "examinateur_id", "sujet_id", "sujet_mode", "bareme_version", "version", "modifiee_le"]
        return "jsonb_build_object(" + colonnes.map { "'\($0)', \(alias).\($0)" }.joined(separator: ", ") + ")"
    }

    /// One sheet as the editor shows it.
    struct Fiche: PostgresPreparedStatement {
        static let name = "editeur_fiche"
        static let sql = """
            SELECT \(colonnes) FROM fiches f
            LEFT JOIN groupes g ON g.id = f.groupe_id
            LEFT JOIN sujets su ON su.id = f.sujet_id
            WHERE f.id = $1::uuid
            """
        var id: UUID

        func makeBindings() throws -> PostgresBindings {
            var binds = PostgresBindings()
            binds.append(id)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    /// The sheet under lock for a grader, with its commission's state (shared with a closing),
    /// its group (shared with a lock), the grader's intervenant id if they are convoked as an
    /// examiner on its exam × centre and in the group, and whether a second look was asked on it.
    /// The group's members are checked again outside the lateral join too: a read that waited for
    /// the group's lock checks the group's row as committed, but reuses the join's answer.
    struct Editable: PostgresPreparedStatement {
        static let name = "editeur_editable"
        static let sql = """
            SELECT \(colonnes), c.etat, e.intervenant_id,
                EXISTS (SELECT 1 FROM secondes_lectures sl WHERE sl.fiche_id = f.id) AS relue
            FROM fiches f
            JOIN commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
            JOIN groupes g ON g.id = f.groupe_id
            LEFT JOIN sujets su ON su.id = f.sujet_id
            LEFT JOIN LATERAL (
                SELECT e.intervenant_id FROM examinateurs e
                WHERE e.login = $2::text AND e.active AND e.kind = 'examinateur' AND e.session = f.session
                  AND e.epreuve = f.epreuve AND e.centre = f.centre AND e.intervenant_id = ANY(g.membres) LIMIT 1) e ON true
            WHERE f.id = $1::uuid AND e.intervenant_id = ANY(g.membres)
            FOR UPDATE OF f FOR SHARE OF c, g
            """
        var id: UUID
        var login: String

        func makeBindings() throws -> PostgresBindings {
            var binds = PostgresBindings()
            binds.append(id)
            binds.append(login)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    /// The subjects a slot offers (withdrawn ones left out), whether the examiner chooses, and
    /// whether their embargo is over.
    struct Offre: PostgresPreparedStatement {
        static let name = "editeur_offre"
        static let sql = """
            SELECT c.choix, COALESCE(array_agg(su.id ORDER BY su.code) FILTER (WHERE NOT su.retire), '{}'),
                   bool_and(su.visible_from <= now())
            FROM creneaux c JOIN sujets su ON su.id = ANY(c.sujets)
            WHERE c.id = $1::uuid GROUP BY c.id, c.choix
            """
        var creneau: UUID

        func makeBindings() throws -> PostgresBindings {
            var binds = PostgresBindings()
            binds.append(creneau)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> (Bool, [UUID], Bool?) { try row.decode((Bool, [UUID], Bool?).self) }
    }

    /// The subject set on the sheet with its barème's version (the grade refers to that version
    /// for good: `baremes_figes`), and the audit row, in one statement that answers the sheet as it
    /// now stands (`colonnes`): the editor shows it without reading it again. The group is the
    /// sheet's lot, which the caller holds shared (`Editable`).
    struct SujetFixe: PostgresPreparedStatement {
        static let name = "editeur_sujet_fixe"
        static let sql = """
            WITH u AS (
                UPDATE fiches f SET sujet_id = su.id, sujet_mode = $3::text, bareme_version = su.bareme_version, version = f.version + 1, modifiee_le = now()
                FROM sujets su, groupes g WHERE f.id = $1::uuid AND su.id = $2::uuid AND g.id = f.groupe_id
                RETURNING \(colonnes), \(xmin)
            ), a AS (
                INSERT INTO audit (acteur, acteur_login, action, session, epreuve, centre, fiche_id, apres)
                SELECT $4::uuid, $5::text, 'sujet.' || $3::text, u.session, u.epreuve, u.centre, $1::uuid, $6::text::jsonb FROM u
            )
            SELECT * FROM u
            """
        var fiche: UUID
        var sujet: UUID
        var mode: String
        var by: Identity
        var audit: String

        func makeBindings() throws -> PostgresBindings {
            var binds = PostgresBindings()
            binds.append(fiche)
            binds.append(sujet)
            binds.append(mode)
            binds.append(by.userId)
            binds.append(by.login)
            binds.append(audit)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    /// A draw (`sujet` nil: the slot's subjects at random) or a choice (`sujet`, where the slot lets
    /// the examiner record it or offers one subject only) in one statement, without BEGIN nor COMMIT
    /// nor a read before it: its first CTE takes the locks `Editable` takes and checks under them
    /// what the locked way checks — the version, no subject yet, the commission open, the lot
    /// unlocked, no second look, the caller convoked and in the lot — then the slot's offer (its
    /// embargo over) and the pick, then `SujetFixe`'s update and audit row. No row: a check failed,
    /// and the locked way says which. It answers `SujetFixe`'s columns, then the grader's
    /// intervenant id (`examinateur`).
    struct SujetGarde: PostgresPreparedStatement {
        static let name = "editeur_sujet_garde"
        static let sql = """
            WITH v AS (
                SELECT f.id, f.creneau_id, e.intervenant_id FROM fiches f
                JOIN commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
                JOIN groupes g ON g.id = f.groupe_id
                JOIN LATERAL (
                    SELECT e.intervenant_id FROM examinateurs e
                    WHERE e.login = $2::text AND e.active AND e.kind = 'examinateur' AND e.session = f.session
                      AND e.epreuve = f.epreuve AND e.centre = f.centre AND e.intervenant_id = ANY(g.membres) LIMIT 1) e ON true
                WHERE f.id = $1::uuid AND f.version = $3::int8 AND f.sujet_id IS NULL AND c.etat = 'ouverte' AND NOT g.verrouille
                  AND e.intervenant_id = ANY(g.membres) -- again: after a wait for the lot, as it stands (`Editable`)
                  AND NOT EXISTS (SELECT 1 FROM secondes_lectures sl WHERE sl.fiche_id = f.id)
                FOR NO KEY UPDATE OF f FOR SHARE OF c, g
            ), o AS (
                SELECT v.id, v.intervenant_id, cr.choix,
                       COALESCE(array_agg(su.id ORDER BY su.code) FILTER (WHERE NOT su.retire), '{}') AS offerts
                FROM v JOIN creneaux cr ON cr.id = v.creneau_id JOIN sujets su ON su.id = ANY(cr.sujets)
                GROUP BY v.id, v.intervenant_id, cr.choix
                HAVING bool_and(su.visible_from <= now())
            ), p AS (
                SELECT o.id, o.intervenant_id, o.offerts, CASE
                    WHEN $4::uuid IS NULL THEN o.offerts[1 + floor(random() * cardinality(o.offerts))::int]
                    WHEN (o.choix OR cardinality(o.offerts) = 1) AND $4::uuid = ANY(o.offerts) THEN $4::uuid END AS sujet
                FROM o
            ), u AS (
                UPDATE fiches f SET sujet_id = su.id, sujet_mode = CASE WHEN $4::uuid IS NULL THEN 'tirage' ELSE 'choix' END,
                    bareme_version = su.bareme_version, version = f.version + 1, modifiee_le = now()
                FROM p, sujets su, groupes g WHERE f.id = p.id AND su.id = p.sujet AND g.id = f.groupe_id
                RETURNING \(colonnes), \(xmin)
            ), a AS (
                INSERT INTO audit (acteur, acteur_login, action, session, epreuve, centre, fiche_id, apres)
                SELECT $5::uuid, $2::text, 'sujet.' || u.sujet_mode, u.session, u.epreuve, u.centre, $1::uuid,
                       CASE WHEN $4::uuid IS NULL THEN jsonb_build_object('sujet', p.sujet, 'offerts', to_jsonb(p.offerts))
                            ELSE jsonb_build_object('sujet', p.sujet) END
                FROM u, p
            )
            SELECT u.*, p.intervenant_id AS examinateur FROM u, p
            """
        var fiche: UUID
        /// The subject the examiner records; nil, the platform draws one.
        var sujet: UUID?
        var version: Int
        var by: Identity

        func makeBindings() throws -> PostgresBindings {
            var binds = PostgresBindings()
            binds.append(fiche)
            binds.append(by.login)
            binds.append(version)
            binds.append(sujet)
            binds.append(by.userId)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    /// One save: the sheet updated, its audit row (its grading before, the row joined as `o`, and
    /// after), and the levels of a graded sheet for the statistics (none when `codes` is empty).
    /// The grading before is read here rather than passed: the caller holds the row locked, and
    /// sending it to Correction and back cost both a copy and a parse.
    struct Enregistre: PostgresPreparedStatement {
        static let name = "editeur_enregistre"
        static let sql = requete(cible: "FROM fiches o WHERE f.id = $1::uuid AND o.id = f.id", avant: instantane("o"))

        /// `garde` a first CTE, `cible` joins the sheet to its row before, `avant` is that row's
        /// snapshot, `fin` what the statement answers.
        static func requete(garde: String = "", cible: String, avant: String,
                            fin: String = "SELECT version, modifiee_le, saisie_differee, xmin FROM u") -> String {
            """
            WITH \(garde)u AS (
                UPDATE fiches f SET grille = $2::text::jsonb, statut = $3::text, absence = $4::text,
                    note_suggeree = $5::int8, note_finale = $6::int8, motif_ajustement = $7::text,
                    saisie_differee = f.saisie_differee OR $8::bool, examinateur_id = COALESCE($9::uuid, f.examinateur_id),
                    version = f.version + 1, modifiee_le = now()
                \(cible)
                RETURNING f.id, f.session, f.epreuve, f.centre, f.sujet_id, f.version, f.modifiee_le, f.saisie_differee,
                          \(avant) AS avant, \(instantane("f")) AS apres, \(xmin)
            ), a AS (
                INSERT INTO audit (acteur, acteur_login, action, session, epreuve, centre, fiche_id, avant, apres, motif)
                SELECT $10::uuid, $11::text, $12::text, u.session, u.epreuve, u.centre, u.id, u.avant, u.apres, $7::text FROM u
            ), n AS (
                INSERT INTO evaluations (fiche_id, session, epreuve, sujet_id, critere, niveau, demi_points)
                SELECT u.id, u.session, u.epreuve, u.sujet_id, e.c, NULLIF(e.n, ''), NULLIF(e.p, -1)
                FROM u, unnest($13::text[], $14::text[], $15::int8[]) AS e(c, n, p)
            )
            \(fin)
            """
        }

        var id: UUID
        var grille: String
        var statut: String
        var absence: String?
        var suggeree: Int?
        var finale: Int?
        var motif: String?
        var differee: Bool
        /// The grader; nil (the centre recording an absence) keeps the sheet's.
        var examinateur: UUID?
        var by: Identity
        var action: String
        /// The criteria's codes, levels after the aids' caps ("" for points) and points (-1 for levels).
        var codes: [String]
        var niveaux: [String]
        var points: [Int]

        func makeBindings() throws -> PostgresBindings {
            var binds = PostgresBindings()
            binds.append(id)
            binds.append(grille)
            binds.append(statut)
            binds.append(absence)
            binds.append(suggeree)
            binds.append(finale)
            binds.append(motif)
            binds.append(differee)
            binds.append(examinateur)
            binds.append(by.userId)
            binds.append(by.login)
            binds.append(action)
            binds.append(codes)
            binds.append(niveaux)
            binds.append(points)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> (Int, Date, Bool, Int) { try row.decode((Int, Date, Bool, Int).self) }
    }

    /// A save without BEGIN nor COMMIT nor a read before it, of a sheet as this replica last
    /// answered it (`FichesRepondues`): the statement takes the locks `Editable` takes and checks
    /// under them what that answer allowed — the row unchanged since (its `xmin`; a regrade, whose
    /// old levels go first, never comes here), the commission open, the lot unlocked, no second look,
    /// the grader still convoked and in the lot. No row: something moved in between, and the save
    /// goes the locked way, which says what. The sheet is locked as its update would
    /// (`NO KEY UPDATE`: a level's key check is not held up).
    struct EnregistreGarde: PostgresPreparedStatement {
        static let name = "editeur_enregistre_garde"
        static let sql = Enregistre.requete(garde: """
            v AS (
                SELECT f.id, \(instantane("f")) AS avant FROM fiches f
                JOIN commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
                JOIN groupes g ON g.id = f.groupe_id
                WHERE f.id = $1::uuid AND f.version = $16::int8 AND f.xmin::text::int8 = $17::int8 AND f.statut <> 'notee'
                  AND c.etat = 'ouverte' AND NOT g.verrouille
                  AND NOT EXISTS (SELECT 1 FROM secondes_lectures sl WHERE sl.fiche_id = f.id)
                  AND EXISTS (SELECT 1 FROM examinateurs e
                              WHERE e.intervenant_id = $9::uuid AND e.login = $11::text AND e.active AND e.kind = 'examinateur'
                                AND e.session = f.session AND e.epreuve = f.epreuve AND e.centre = f.centre
                                AND e.intervenant_id = ANY(g.membres))
                FOR NO KEY UPDATE OF f FOR SHARE OF c, g
            ),
            """, cible: "FROM v WHERE f.id = v.id", avant: "v.avant", fin: """
            SELECT u.version, u.modifiee_le, u.saisie_differee, u.xmin, su.code, su.dominante, su.visible_from, su.titre, su.document::text
            FROM u LEFT JOIN sujets su ON su.id = u.sujet_id
            """)
        var enregistre: Enregistre
        /// The sheet's version and row (`xmin`) as answered.
        var version: Int
        var xmin: Int

        func makeBindings() throws -> PostgresBindings {
            var binds = try enregistre.makeBindings()
            binds.append(version)
            binds.append(xmin)
            return binds
        }

        /// `Enregistre`'s answer, then the subject as it now stands (a republished title or document
        /// does not change the sheet's row).
        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    /// The groups of an examiner's lots (on the exams × centres they are convoked to): every examiner
    /// asks for them when a session begins, 12,000 in waves; planned each time, this join cost
    /// PostgreSQL far more than running it (`ece-bench cout lots`, BENCHMARKS.md).
    struct MesLots: PostgresPreparedStatement {
        static let name = "editeur_mes_lots"
        static let sql = """
            SELECT g.id, g.nom, g.session, g.epreuve, g.centre, g.verrouille
            FROM groupes g JOIN examinateurs e
                ON g.membres @> ARRAY[e.intervenant_id] AND e.session = g.session AND e.epreuve = g.epreuve AND e.centre = g.centre
            WHERE e.login = $1::text AND e.active AND e.kind = 'examinateur'
            GROUP BY g.id
            ORDER BY g.session DESC, g.epreuve, g.nom
            """
        var login: String

        func makeBindings() throws -> PostgresBindings {
            var binds = PostgresBindings()
            binds.append(login)
            return binds
        }

        struct Groupe: Sendable { var id: UUID; var nom: String; var session: Int; var epreuve: String; var centre: String; var verrouille: Bool }

        func decodeRow(_ row: PostgresRow) throws -> Groupe {
            let r = try row.decode((UUID, String, Int, String, String, Bool).self)
            return Groupe(id: r.0, nom: r.1, session: r.2, epreuve: r.3, centre: r.4, verrouille: r.5)
        }
    }

    /// A lot's sheets, as `CommissionRepository.fiches` lists a commission's.
    struct FichesDuLot: PostgresPreparedStatement {
        static let name = "editeur_fiches_du_lot"
        static let sql = """
            SELECT \(CommissionRepository.FicheResume.colonnes) FROM fiches
            WHERE groupe_id = $1::uuid AND session = $2::int8 AND epreuve = $3::text AND centre = $4::text
            ORDER BY nom, prenoms, numero
            """
        /// The lot's group, and its commission: only the sheets of both.
        var groupe: MesLots.Groupe

        func makeBindings() throws -> PostgresBindings {
            var binds = PostgresBindings()
            binds.append(groupe.id)
            binds.append(groupe.session)
            binds.append(groupe.epreuve)
            binds.append(groupe.centre)
            return binds
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }
}
