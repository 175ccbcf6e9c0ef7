import Shared

/// Cyclades' data: reference data, sessions, candidates, registrations, teachers.
let inscriptionsMigrations = [
    Migration(2, "referentiel_et_candidats", [
        "CREATE TABLE {schema}.academies (code text PRIMARY KEY, nom text NOT NULL)",
        """
        CREATE TABLE {schema}.etablissements (
            uai text PRIMARY KEY,
            nom text NOT NULL,
            academie text NOT NULL REFERENCES {schema}.academies(code),
            commune text NOT NULL DEFAULT '',
            -- A non-autonomous school's candidates are assigned by the académie (road map, special cases).
            autonome boolean NOT NULL DEFAULT true,
            -- Position, for the nearest-centre suggestion (geography, not grades: floats are fine).
            latitude double precision,
            longitude double precision
        )
        """,
        """
        CREATE TABLE {schema}.centres (
            uai text PRIMARY KEY REFERENCES {schema}.etablissements(uai),
            capacite_demi_journee int NOT NULL CHECK (capacite_demi_journee > 0)
        )
        """,
        """
        CREATE TABLE {schema}.centre_epreuves (
            uai text NOT NULL REFERENCES {schema}.centres(uai),
            epreuve text NOT NULL,
            PRIMARY KEY (uai, epreuve)
        )
        """,
        """
        CREATE TABLE {schema}.sessions (
            annee int PRIMARY KEY,
            etat text NOT NULL DEFAULT 'ouverte' CHECK (etat IN ('ouverte', 'close'))
        )
        """,
        """
        CREATE TABLE {schema}.candidats (
            id uuid PRIMARY KEY,
            session int NOT NULL REFERENCES {schema}.sessions(annee),
            numero text NOT NULL,
            nom text NOT NULL,
            prenoms text NOT NULL,
            naissance date NOT NULL,
            categorie text NOT NULL CHECK (categorie IN ('scolaire', 'individuel', 'cned', 'morea')),
            uai_origine text REFERENCES {schema}.etablissements(uai),
            academie text NOT NULL REFERENCES {schema}.academies(code),
            division text,
            filiere text NOT NULL CHECK (filiere IN ('BCG', 'BTN')),
            UNIQUE (session, numero)
        )
        """,
        "CREATE INDEX candidats_origine ON {schema}.candidats (session, academie, uai_origine)",
        """
        CREATE TABLE {schema}.inscriptions (
            candidat_id uuid NOT NULL REFERENCES {schema}.candidats(id),
            epreuve text NOT NULL,
            statut text NOT NULL DEFAULT 'inscrit'
                CHECK (statut IN ('inscrit', 'dispense', 'absent_justifie', 'absent_injustifie', 'note')),
            PRIMARY KEY (candidat_id, epreuve)
        )
        """,
        """
        CREATE TABLE {schema}.enseignants (
            id uuid PRIMARY KEY,
            nom text NOT NULL,
            prenom text NOT NULL,
            discipline text NOT NULL,
            uai text NOT NULL REFERENCES {schema}.etablissements(uai),
            divisions text[] NOT NULL DEFAULT '{}'
        )
        """,
    ]),
    Migration(3, "affectations_et_delegations", [
        // A centre takes, per exam, its capacity per half-day over the session's half-days.
        "ALTER TABLE {schema}.centres ADD COLUMN demi_journees int NOT NULL DEFAULT 10 CHECK (demi_journees > 0)",
        """
        CREATE TABLE {schema}.delegations (
            session int NOT NULL REFERENCES {schema}.sessions(annee),
            epreuve text NOT NULL,
            uai text NOT NULL REFERENCES {schema}.etablissements(uai),
            par uuid NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (session, epreuve, uai)
        )
        """,
        """
        CREATE TABLE {schema}.affectations (
            candidat_id uuid NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL REFERENCES {schema}.centres(uai),
            par_role text NOT NULL,
            par uuid NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (candidat_id, epreuve),
            FOREIGN KEY (candidat_id, epreuve) REFERENCES {schema}.inscriptions(candidat_id, epreuve)
        )
        """,
        "CREATE INDEX affectations_centre ON {schema}.affectations (centre, epreuve)",
    ]),
    Migration(4, "notes", [
        // The grade in force per registration (integer half points, never floats) …
        """
        CREATE TABLE {schema}.notes (
            candidat_id uuid NOT NULL,
            epreuve text NOT NULL,
            resultat text NOT NULL CHECK (resultat IN ('note', 'absent_injustifie', 'absent_justifie', 'dispense')),
            demi_points int CHECK (demi_points BETWEEN 0 AND 40),
            closure_id uuid NOT NULL,
            centre text NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (candidat_id, epreuve),
            FOREIGN KEY (candidat_id, epreuve) REFERENCES {schema}.inscriptions(candidat_id, epreuve),
            CHECK ((resultat = 'note') = (demi_points IS NOT NULL))
        )
        """,
        // … and every grade a re-closure replaced, kept.
        """
        CREATE TABLE {schema}.notes_historique (
            candidat_id uuid NOT NULL,
            epreuve text NOT NULL,
            resultat text NOT NULL,
            demi_points int,
            closure_id uuid NOT NULL,
            received_at timestamptz NOT NULL,
            replaced_at timestamptz NOT NULL DEFAULT now(),
            replaced_by uuid NOT NULL
        )
        """,
    ]),
    Migration(5, "designations", [
        """
        CREATE TABLE {schema}.intervenants (
            id uuid PRIMARY KEY,
            login text NOT NULL UNIQUE,
            nom text NOT NULL,
            prenom text NOT NULL,
            email text,
            uai text REFERENCES {schema}.etablissements(uai)
        )
        """,
        "CREATE SEQUENCE {schema}.export_seq",
        """
        CREATE TABLE {schema}.designations (
            id uuid PRIMARY KEY,
            session int NOT NULL REFERENCES {schema}.sessions(annee),
            epreuve text NOT NULL,
            role text NOT NULL CHECK (role IN ('examinateur', 'coordinateur')),
            academie text NOT NULL REFERENCES {schema}.academies(code),
            centre text REFERENCES {schema}.centres(uai),
            intervenant_id uuid NOT NULL REFERENCES {schema}.intervenants(id),
            par uuid NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            CHECK ((role = 'examinateur') = (centre IS NOT NULL))
        )
        """,
        "CREATE UNIQUE INDEX designations_uniques ON {schema}.designations (session, epreuve, role, COALESCE(centre, ''), intervenant_id)",
    ]),
    Migration(6, "divisions_des_enseignants", [
        // The divisions a designated teacher teaches this year (conflicts of interest in Correction).
        "ALTER TABLE {schema}.intervenants ADD COLUMN divisions text[] NOT NULL DEFAULT '{}'",
    ]),
    Migration(7, "enseignants_designes", [
        // Teachers are the designated intervenants (with their divisions and discipline): the
        // separate table of migration 2 was never used.
        "DROP TABLE {schema}.enseignants",
        "ALTER TABLE {schema}.intervenants ADD COLUMN discipline text",
    ]),
    // The newest closure received per exam × centre (its `closureVersion`): a chunk of an older one,
    // late or replayed from the dead-letter queue, is ignored and counted (issue 18).
    Migration(8, "clotures_versionnees", [
        """
        CREATE TABLE {schema}.clotures (
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            closure_version int NOT NULL,
            closure_id uuid NOT NULL,
            chunks_ignores int NOT NULL DEFAULT 0,
            recue_le timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (session, epreuve, centre)
        )
        """,
    ]),
    Migration(9, "intervenants_a_leur_autorite", [
        // A person belongs to the authority that designated them: an académie (its gestionnaire),
        // or a school too (its UAI). Only it (or, for a school's teacher, its académie) may rewrite them.
        "ALTER TABLE {schema}.intervenants ADD COLUMN designe_par_academie text, ADD COLUMN designe_par_uai text",
        // Those designated before: the académie of their first designation; their school too unless
        // they coordinate (only the gestionnaire designates coordinators).
        """
        UPDATE {schema}.intervenants i SET designe_par_academie = d.academie,
            designe_par_uai = CASE WHEN d.coordonne THEN NULL ELSE i.uai END
        FROM (SELECT DISTINCT ON (intervenant_id) intervenant_id, academie,
                     bool_or(role = 'coordinateur') OVER (PARTITION BY intervenant_id) AS coordonne
              FROM {schema}.designations ORDER BY intervenant_id, created_at) d
        WHERE d.intervenant_id = i.id
        """,
    ]),
    Migration(10, "designations_a_leur_autorite", [
        // Each designation keeps the authority that made it (an académie, or a school too): a person
        // belongs to the authorities of their designations, and a school withdraws only its own rows.
        "ALTER TABLE {schema}.designations ADD COLUMN designe_par_academie text, ADD COLUMN designe_par_uai text",
        // Those made before: a coordinator's by the académie (only its gestionnaire designates them),
        // an examiner's by the authority recorded with the person (the only one known).
        """
        UPDATE {schema}.designations d
        SET designe_par_academie = CASE WHEN d.role = 'coordinateur' THEN d.academie ELSE COALESCE(i.designe_par_academie, d.academie) END,
            designe_par_uai = CASE WHEN d.role = 'coordinateur' THEN NULL ELSE i.designe_par_uai END
        FROM {schema}.intervenants i WHERE i.id = d.intervenant_id
        """,
        "ALTER TABLE {schema}.designations ALTER COLUMN designe_par_academie SET NOT NULL",
    ]),
    Migration(11, "absence_injustifiee_zero", [
        // An unjustified absence counts 0 (NoteRetenue); the others without a mark have none.
        "ALTER TABLE {schema}.notes DROP CONSTRAINT notes_check",
        "UPDATE {schema}.notes SET demi_points = 0 WHERE resultat = 'absent_injustifie'",
        "UPDATE {schema}.notes_historique SET demi_points = 0 WHERE resultat = 'absent_injustifie'",
        """
        ALTER TABLE {schema}.notes ADD CONSTRAINT notes_demi_points_du_resultat CHECK (CASE resultat
            WHEN 'note' THEN demi_points IS NOT NULL WHEN 'absent_injustifie' THEN demi_points = 0 ELSE demi_points IS NULL END)
        """,
    ]),
    Migration(12, "annuaire", [
        // The road map treats a « regroupement de centres étrangers » as an académie-level perimeter.
        "ALTER TABLE {schema}.academies ADD COLUMN nature text NOT NULL DEFAULT 'academie' CHECK (nature IN ('academie', 'regroupement'))",
        "ALTER TABLE {schema}.centres ADD COLUMN salles text[] NOT NULL DEFAULT '{}'",
    ]),
    // Re-marking after closing (issue 22 item 3): a candidate's grade gets versions of its own
    // within a closure (`recorrection_version`, 0 as the closure gave it), and the grade it
    // replaces is kept with the reason.
    Migration(13, "recorrections", [
        "ALTER TABLE {schema}.notes ADD COLUMN recorrection_version int NOT NULL DEFAULT 0",
        "ALTER TABLE {schema}.notes_historique ADD COLUMN motif text, ADD COLUMN recorrection_version int NOT NULL DEFAULT 0",
    ]),
    // Every designation reads the authorities of the person's other designations: without an index
    // on the person, a scan of every designation of every session (3.0 ms a designation at the
    // national bench's 12,120, 36 s of the phase's database time, growing with the square of
    // the designations; 0.04–0.08 ms with it).
    Migration(17, "designations_par_intervenant", [
        "CREATE INDEX designations_intervenant ON {schema}.designations (intervenant_id)",
    ]),
    // The groups whose export is asked for (`DesignationRepository.requestExport`), exported after the
    // designation's commit by `ExportsDesignations`: each export no longer waits, inside the
    // designation's transaction, for the previous export of its group (an advisory lock, 35 ms a
    // designation at the national bench's full scale), and designations arriving together in a
    // group are exported once. `centre` is '' for an académie's coordinators.
    Migration(18, "exports_a_faire", [
        """
        CREATE TABLE {schema}.exports_a_faire (
            session int NOT NULL,
            academie text NOT NULL,
            epreuve text NOT NULL,
            role text NOT NULL,
            centre text NOT NULL,
            -- Requests folded into the waiting export, and the last one's correlation id (its event's).
            demandes int NOT NULL DEFAULT 1,
            correlation_id text NOT NULL,
            demande_le timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (session, academie, epreuve, role, centre)
        )
        """,
        """
        CREATE FUNCTION {schema}.exports_a_faire_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{schema}_exports', '');
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER exports_a_faire_notify AFTER INSERT ON {schema}.exports_a_faire FOR EACH STATEMENT EXECUTE FUNCTION {schema}.exports_a_faire_notify()",
    ]),
]
