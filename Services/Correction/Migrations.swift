import Shared

/// Santorin's data: projections of the other systems (candidates of each exam × centre, convoked
/// examiners, published subjects), then groups and their lots, half-day slots, one evaluation
/// sheet (fiche) per candidate × exam, and the append-only audit log.
let correctionMigrations = [
    Migration(2, "projections", [
        // One commission per exam × centre d'épreuve: where candidates are graded and closed.
        """
        CREATE TABLE {schema}.commissions (
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            academie text NOT NULL,
            etat text NOT NULL DEFAULT 'ouverte' CHECK (etat IN ('ouverte', 'close')),
            closure_id uuid,
            close_le timestamptz,
            PRIMARY KEY (session, epreuve, centre)
        )
        """,
        // Chunks received of each affectations publication: the stale candidates of a centre × exam
        // are dropped only once its newest publication is complete.
        """
        CREATE TABLE {schema}.publications (
            id uuid PRIMARY KEY,
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            chunks int NOT NULL,
            recus int NOT NULL DEFAULT 0,
            recue_le timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE {schema}.examinateurs (
            convocation_id uuid PRIMARY KEY,
            mission_id uuid NOT NULL,
            intervenant_id uuid NOT NULL,
            login text NOT NULL,
            nom text NOT NULL,
            prenom text NOT NULL,
            uai text,
            divisions text[] NOT NULL DEFAULT '{}',
            kind text NOT NULL CHECK (kind IN ('examinateur', 'coordinateur')),
            session int NOT NULL,
            academie text NOT NULL,
            epreuve text NOT NULL,
            -- '' for a coordinator (académie level).
            centre text NOT NULL DEFAULT '',
            active boolean NOT NULL DEFAULT true
        )
        """,
        "CREATE TABLE {schema}.annulations (convocation_id uuid PRIMARY KEY)",
        "CREATE INDEX examinateurs_commission ON {schema}.examinateurs (session, epreuve, centre) WHERE active",
        "CREATE INDEX examinateurs_intervenant ON {schema}.examinateurs (intervenant_id) WHERE active",
        """
        CREATE TABLE {schema}.sujets (
            id uuid PRIMARY KEY,
            session int NOT NULL,
            epreuve text NOT NULL,
            code text NOT NULL,
            titre text NOT NULL,
            dominante text,
            bareme_version int NOT NULL,
            bareme jsonb NOT NULL,
            document jsonb NOT NULL,
            visible_from timestamptz NOT NULL,
            retire boolean NOT NULL DEFAULT false
        )
        """,
    ]),
    Migration(3, "correction", [
        """
        CREATE TABLE {schema}.groupes (
            id uuid PRIMARY KEY,
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            nom text NOT NULL,
            -- Intervenant ids of the examiners (convoked on this exam × centre).
            membres uuid[] NOT NULL,
            -- The group's candidates form its lot, locked when the work is done.
            verrouille boolean NOT NULL DEFAULT false,
            verrouille_le timestamptz,
            verrouille_par uuid,
            cree_le timestamptz NOT NULL DEFAULT now(),
            FOREIGN KEY (session, epreuve, centre) REFERENCES {schema}.commissions,
            UNIQUE (session, epreuve, centre, nom)
        )
        """,
        """
        CREATE TABLE {schema}.creneaux (
            id uuid PRIMARY KEY,
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            jour date NOT NULL,
            demi_journee text NOT NULL CHECK (demi_journee IN ('matin', 'apres-midi')),
            -- The subjects offered this half-day (the draw picks among them).
            sujets uuid[] NOT NULL,
            -- Whether the examiner may choose the subject instead of drawing it.
            choix boolean NOT NULL DEFAULT false,
            FOREIGN KEY (session, epreuve, centre) REFERENCES {schema}.commissions,
            UNIQUE (session, epreuve, centre, jour, demi_journee)
        )
        """,
        // The candidate's evaluation sheet: who (projected from Cyclades), where in the
        // distribution, the subject, the grid as the examiner filled it, and the mark.
        """
        CREATE TABLE {schema}.fiches (
            id uuid PRIMARY KEY,
            session int NOT NULL,
            epreuve text NOT NULL,
            candidat_id uuid NOT NULL,
            centre text NOT NULL,
            numero text NOT NULL,
            nom text NOT NULL,
            prenoms text NOT NULL,
            categorie text NOT NULL,
            uai_origine text,
            division text,
            publication_id uuid NOT NULL,
            groupe_id uuid REFERENCES {schema}.groupes(id),
            creneau_id uuid REFERENCES {schema}.creneaux(id),
            sujet_id uuid REFERENCES {schema}.sujets(id),
            sujet_mode text CHECK (sujet_mode IN ('tirage', 'choix')),
            statut text NOT NULL DEFAULT 'a_noter' CHECK (statut IN ('a_noter', 'brouillon', 'notee', 'absent')),
            absence text CHECK (absence IN ('injustifiee', 'justifiee')),
            grille jsonb NOT NULL DEFAULT '{}',
            -- Half points out of 20: never floats.
            note_suggeree int CHECK (note_suggeree BETWEEN 0 AND 40),
            note_finale int CHECK (note_finale BETWEEN 0 AND 40),
            motif_ajustement text,
            saisie_differee boolean NOT NULL DEFAULT false,
            examinateur_id uuid,
            version int NOT NULL DEFAULT 0,
            modifiee_le timestamptz NOT NULL DEFAULT now(),
            UNIQUE (session, epreuve, candidat_id),
            FOREIGN KEY (session, epreuve, centre) REFERENCES {schema}.commissions
        )
        """,
        "CREATE INDEX fiches_commission ON {schema}.fiches (session, epreuve, centre)",
        "CREATE INDEX fiches_groupe ON {schema}.fiches (groupe_id)",
        """
        CREATE TABLE {schema}.audit (
            id bigserial PRIMARY KEY,
            le timestamptz NOT NULL DEFAULT now(),
            acteur uuid NOT NULL,
            acteur_login text NOT NULL,
            action text NOT NULL,
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            fiche_id uuid,
            groupe_id uuid,
            avant jsonb,
            apres jsonb,
            motif text
        )
        """,
        "CREATE INDEX audit_fiche ON {schema}.audit (fiche_id)",
        "CREATE INDEX audit_commission ON {schema}.audit (session, epreuve, centre)",
        // Append-only: the service's role may add to the log, never rewrite it.
        "CREATE FUNCTION {schema}.audit_immuable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$",
        "CREATE TRIGGER audit_immuable BEFORE UPDATE OR DELETE ON {schema}.audit FOR EACH ROW EXECUTE FUNCTION {schema}.audit_immuable()",
    ]),
    // Review mends: events applied in the order they happened, the barème a sheet was graded with,
    // withdrawals that overtake their publication, and the indexes the hot paths need.
    Migration(4, "ordre_et_index", [
        "ALTER TABLE {schema}.publications ADD COLUMN publiee_le timestamptz NOT NULL DEFAULT '-infinity'",
        "ALTER TABLE {schema}.fiches ADD COLUMN publie_le timestamptz NOT NULL DEFAULT '-infinity'",
        // Copied at the draw: grades refer to that version, whatever is republished later.
        "ALTER TABLE {schema}.fiches ADD COLUMN bareme jsonb",
        "ALTER TABLE {schema}.fiches ADD COLUMN bareme_version int",
        "CREATE TABLE {schema}.retraits (sujet_id uuid PRIMARY KEY)",
        "CREATE INDEX fiches_creneau ON {schema}.fiches (creneau_id)",
        "CREATE INDEX groupes_membres ON {schema}.groupes USING gin (membres)",
        "CREATE INDEX examinateurs_login ON {schema}.examinateurs (login) WHERE active",
    ]),
    Migration(5, "suivi_statistiques_messagerie", [
        // Each graded sheet's levels, kept at every save: the statistics read them without opening grids.
        """
        CREATE TABLE {schema}.evaluations (
            fiche_id uuid NOT NULL REFERENCES {schema}.fiches(id) ON DELETE CASCADE,
            session int NOT NULL,
            epreuve text NOT NULL,
            sujet_id uuid NOT NULL,
            critere text NOT NULL,
            niveau text CHECK (niveau IN ('A', 'B', 'C', 'D')),
            demi_points int,
            PRIMARY KEY (fiche_id, critere)
        )
        """,
        "CREATE INDEX evaluations_sujet ON {schema}.evaluations (session, epreuve, sujet_id)",
        "CREATE INDEX fiches_examinateur ON {schema}.fiches (examinateur_id) WHERE statut = 'notee'",
        // Threads of a commission (centre set) or of the académie's exam (centre '').
        """
        CREATE TABLE {schema}.fils (
            id uuid PRIMARY KEY,
            session int NOT NULL,
            epreuve text NOT NULL,
            academie text NOT NULL,
            centre text NOT NULL DEFAULT '',
            titre text NOT NULL,
            cree_par text NOT NULL,
            cree_le timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX fils_commission ON {schema}.fils (session, epreuve, academie, centre)",
        """
        CREATE TABLE {schema}.messages (
            id bigserial PRIMARY KEY,
            fil_id uuid NOT NULL REFERENCES {schema}.fils(id),
            auteur text NOT NULL,
            role text NOT NULL,
            texte text NOT NULL,
            le timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX messages_fil ON {schema}.messages (fil_id, id)",
        // Messages are immutable: no update, no delete.
        "CREATE TRIGGER messages_immuables BEFORE UPDATE OR DELETE ON {schema}.messages FOR EACH ROW EXECUTE FUNCTION {schema}.audit_immuable()",
        // How far each reader has read each thread (the unread counts).
        """
        CREATE TABLE {schema}.lectures (
            fil_id uuid NOT NULL REFERENCES {schema}.fils(id),
            lecteur text NOT NULL,
            dernier_lu bigint NOT NULL,
            PRIMARY KEY (fil_id, lecteur)
        )
        """,
    ]),
    // A publication brings a centre's sheets by the thousand and the distribution follows: with
    // statistics from a smaller table the planner scanned every sheet for one commission (36 ms
    // instead of 0.5). Analyse after 2 % of changes rather than 10 %.
    Migration(6, "statistiques_a_jour", [
        "ALTER TABLE {schema}.fiches SET (autovacuum_analyze_scale_factor = 0.02)",
        "ALTER TABLE {schema}.groupes SET (autovacuum_analyze_scale_factor = 0.02)",
    ]),
    // Grading at a steady pace, found by ece-bench national --rythme. (1) A draw and a save
    // rewrite the sheet's row; when no indexed column changes and its page has room, PostgreSQL
    // writes the new version beside the old without touching the six indexes (a HOT update).
    // The save set `statut` and `examinateur_id`, both in fiches_examinateur, and full pages left
    // no room: 11 % of updates were HOT. An examiner's statistics now go through their
    // commissions, and a quarter of each new page is left free. (2) With migration 6, autovacuum
    // analyses the sheets every few seconds while examiners grade, and sorting the sampled JSON
    // grids and barèmes cost 1–3 s of CPU each time (0.2 s without): no query filters on these
    // columns, nor on the audit's snapshots.
    Migration(7, "correction_a_rythme_soutenu", [
        "DROP INDEX {schema}.fiches_examinateur",
        "ALTER TABLE {schema}.fiches SET (fillfactor = 75)",
        "ALTER TABLE {schema}.fiches ALTER COLUMN grille SET STATISTICS 0, ALTER COLUMN bareme SET STATISTICS 0",
        "ALTER TABLE {schema}.audit ALTER COLUMN avant SET STATISTICS 0, ALTER COLUMN apres SET STATISTICS 0",
    ]),
    // Each closure of an exam × centre is numbered (`epreuve.closed` carries it): Cyclades keeps the
    // grades of the newest and ignores chunks of an older one (issue 18).
    Migration(8, "closures_numerotees", [
        "ALTER TABLE {schema}.commissions ADD COLUMN closure_version int NOT NULL DEFAULT 0",
    ]),
    // Harmonisation before closing (issue 22 item 2): a graded sheet read again, blind, by another
    // examiner of the commission; the gap flagged; the mark settled with its reason. The first
    // examiner's row in `fiches` is never written by the second reader.
    Migration(9, "secondes_lectures", [
        """
        CREATE TABLE {schema}.secondes_lectures (
            id uuid PRIMARY KEY,
            fiche_id uuid NOT NULL REFERENCES {schema}.fiches(id) ON DELETE CASCADE,
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            origine text NOT NULL CHECK (origine IN ('choix', 'echantillon')),
            demandee_par text NOT NULL,
            demandee_le timestamptz NOT NULL DEFAULT now(),
            premier_examinateur uuid NOT NULL,
            note_premiere int NOT NULL,
            lecteur_id uuid NOT NULL CHECK (lecteur_id <> premier_examinateur),
            lecteur_login text NOT NULL,
            statut text NOT NULL DEFAULT 'demandee' CHECK (statut IN ('demandee', 'lue', 'tranchee')),
            grille jsonb NOT NULL DEFAULT '{}',
            note_seconde int,
            lue_le timestamptz,
            ecart int,
            signalee boolean NOT NULL DEFAULT false,
            choix text CHECK (choix IN ('premiere', 'seconde', 'autre')),
            note_retenue int,
            motif text,
            tranchee_par text,
            tranchee_le timestamptz,
            version int NOT NULL DEFAULT 0
        )
        """,
        // One look at a time on a sheet: a settled one may be followed by another.
        "CREATE UNIQUE INDEX secondes_lectures_ouverte ON {schema}.secondes_lectures (fiche_id) WHERE statut <> 'tranchee'",
        "CREATE INDEX secondes_lectures_commission ON {schema}.secondes_lectures (session, epreuve, centre)",
        "CREATE INDEX secondes_lectures_fiche ON {schema}.secondes_lectures (fiche_id)",
        "CREATE INDEX secondes_lectures_lecteur ON {schema}.secondes_lectures (lecteur_login)",
    ]),
    // Re-marking after closing (issue 22 item 3): the gestionnaire's request for one sheet of a
    // closed commission, with its reason; the exam's coordinator re-marks it. One open request per
    // sheet; `version` numbers the sheet's re-markings done (the per-candidate closure's version).
    Migration(10, "recorrections", [
        """
        CREATE TABLE {schema}.recorrections (
            id uuid PRIMARY KEY,
            fiche_id uuid NOT NULL REFERENCES {schema}.fiches(id),
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            academie text NOT NULL,
            motif text NOT NULL CHECK (length(motif) BETWEEN 1 AND 1000),
            demandee_par text NOT NULL,
            demandee_le timestamptz NOT NULL DEFAULT now(),
            etat text NOT NULL DEFAULT 'ouverte' CHECK (etat IN ('ouverte', 'faite')),
            faite_par text,
            faite_le timestamptz,
            note_avant int,
            note_apres int,
            version int
        )
        """,
        "CREATE UNIQUE INDEX recorrections_une_ouverte ON {schema}.recorrections (fiche_id) WHERE etat = 'ouverte'",
        "CREATE INDEX recorrections_epreuve ON {schema}.recorrections (session, academie, epreuve, etat)",
    ]),
    // Retention (issue 22 item 6): the audit and the messages stay append-only, but a session's
    // rows may be deleted once their retention is over (DureesDeConservation: one year after the
    // school year of the session ends on 31 August) — and only then, whoever asks.
    Migration(12, "audit_et_messages_echus", [
        "CREATE FUNCTION {schema}.conservation_echue(session int) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT now() >= make_date(session + 1, 9, 1) $$",
        """
        CREATE OR REPLACE FUNCTION {schema}.audit_immuable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF TG_OP = 'DELETE' AND {schema}.conservation_echue(OLD.session) THEN RETURN OLD; END IF;
            RAISE EXCEPTION 'audit is append-only';
        END $$
        """,
        """
        CREATE FUNCTION {schema}.messages_immuables() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF TG_OP = 'DELETE' AND {schema}.conservation_echue((SELECT session FROM {schema}.fils WHERE id = OLD.fil_id)) THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'messages are append-only';
        END $$
        """,
        "DROP TRIGGER messages_immuables ON {schema}.messages",
        "CREATE TRIGGER messages_immuables BEFORE UPDATE OR DELETE ON {schema}.messages FOR EACH ROW EXECUTE FUNCTION {schema}.messages_immuables()",
    ]),
    // The convocations say where and when (issue 22 item 5): the centre's name and town, from
    // Cyclades' publication, and the time the centre sets for each slot (HH:MM, optional).
    Migration(14, "lieu_et_heure_des_convocations", [
        "ALTER TABLE {schema}.commissions ADD COLUMN centre_nom text, ADD COLUMN centre_commune text",
        "ALTER TABLE {schema}.creneaux ADD COLUMN heure text CHECK (heure ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')",
    ]),
    // A sheet's frozen barème stored once per (subject, version) instead of copied into its row at
    // the draw (issue 24 item 2): the row no longer grows by the barème (about 700 bytes), so
    // the draw's and the saves' updates can stay on their page (HOT), and the editor's reads no
    // longer send it (Correction has it in memory, `BaremesFiges`). A trigger keeps every version
    // a subject ever had, whoever writes `sujets`. `fiches.bareme` is no longer written; it stays
    // for an older replica reading it during a rolling upgrade, and goes in a later migration.
    Migration(15, "baremes_figes", [
        """
        CREATE TABLE {schema}.baremes_figes (
            sujet_id uuid NOT NULL REFERENCES {schema}.sujets(id) ON DELETE CASCADE,
            version int NOT NULL,
            bareme jsonb NOT NULL,
            PRIMARY KEY (sujet_id, version)
        )
        """,
        """
        CREATE FUNCTION {schema}.bareme_fige() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {schema}.baremes_figes (sujet_id, version, bareme)
            VALUES (NEW.id, NEW.bareme_version, NEW.bareme) ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER bareme_fige AFTER INSERT OR UPDATE OF bareme, bareme_version ON {schema}.sujets
        FOR EACH ROW EXECUTE FUNCTION {schema}.bareme_fige()
        """,
        // The versions sheets were drawn under, then each subject's current one.
        """
        INSERT INTO {schema}.baremes_figes (sujet_id, version, bareme)
        SELECT DISTINCT ON (sujet_id, bareme_version) sujet_id, bareme_version, bareme FROM {schema}.fiches
        WHERE sujet_id IS NOT NULL AND bareme_version IS NOT NULL AND bareme IS NOT NULL
        ORDER BY sujet_id, bareme_version
        """,
        "INSERT INTO {schema}.baremes_figes (sujet_id, version, bareme) SELECT id, bareme_version, bareme FROM {schema}.sujets ON CONFLICT DO NOTHING",
        // Sheets drawn before barèmes were frozen (migration 4) followed the subject's current version: now frozen to it.
        """
        UPDATE {schema}.fiches f SET bareme_version = su.bareme_version FROM {schema}.sujets su
        WHERE f.sujet_id = su.id AND f.bareme_version IS NULL
        """,
    ]),
    // The distribution without rewriting every index (issue 24 item 4). Placing a candidate in a
    // slot and in a lot rewrote the sheet's row and, since `creneau_id` and `groupe_id` were
    // indexed, added an entry to all five indexes (0.2 ms a sheet). Worse, with statistics from
    // before the placements, the planner read the capacity check's `creneau_id IS NOT NULL` through
    // fiches_creneau: every placed sheet of the session, for one commission. Every query reaching
    // sheets by their slot or lot now names the commission too, read through fiches_commission.
    Migration(16, "distribution_sans_reecrire_les_index", [
        "DROP INDEX {schema}.fiches_groupe",
        "DROP INDEX {schema}.fiches_creneau",
    ]),
    // The closing reads each examiner's mission at the centre, a convocation since withdrawn
    // included (`ORDER BY active DESC`), and the académie's coordinators of the exam: the partial
    // indexes (`WHERE active`) could serve neither, so each closing scanned every person of the
    // session, at the national bench's full scale 3.9 ms per examiner and 2.2 ms for the
    // coordinators (EXPLAIN ANALYZE on its data), 695 s of the database's time in all.
    Migration(19, "cloture_par_index", [
        "CREATE INDEX examinateurs_personne ON {schema}.examinateurs (intervenant_id, session, epreuve)",
        "CREATE INDEX examinateurs_coordination ON {schema}.examinateurs (session, epreuve, academie) WHERE kind = 'coordinateur' AND active",
    ]),
    // Each graded sheet's levels (about four rows a save) went into two B-trees: the key, which the
    // scoped statistics and a regrade read, and evaluations_sujet, which only the national levels
    // count used: for an exam with a large share of the rows the planner scans the table anyway,
    // for a small one (STL, NSI) it read 57 ms instead of 131 (a million rows). That count is a few
    // requests an hour; the entry was four a save. A BRIN on the session still skips last year's
    // rows while they are kept (two sessions: 275 ms, 205 with the B-tree, 306 with neither) and
    // costs a save nothing: the rows it adds land in page ranges not yet summarised.
    Migration(21, "niveaux_sans_second_index", [
        "DROP INDEX {schema}.evaluations_sujet",
        "CREATE INDEX evaluations_session ON {schema}.evaluations USING brin (session)",
    ]),
    // Every draw and save adds an audit row, and each row went into audit_commission too, which
    // only the commission's own journal reads (its rows without a sheet): a save's index entry
    // for nothing. Partial, it holds those rows alone.
    Migration(22, "journal_de_commission_seul", [
        "DROP INDEX {schema}.audit_commission",
        "CREATE INDEX audit_commission ON {schema}.audit (session, epreuve, centre) WHERE fiche_id IS NULL",
    ]),
]
