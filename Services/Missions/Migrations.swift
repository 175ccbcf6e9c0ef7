import Shared

/// Imag'In's data: the regulation, session parameters, the intervenants exported by Cyclades,
/// missions, convocations and services faits.
let missionsMigrations = [
    Migration(2, "missions", [
        """
        CREATE TABLE {schema}.reglementations (
            session int NOT NULL,
            version int NOT NULL,
            contenu jsonb NOT NULL,
            -- Identical content is not a new version: a refresh that changes nothing stays put.
            empreinte text NOT NULL,
            chargee_le timestamptz NOT NULL DEFAULT now(),
            chargee_par uuid NOT NULL,
            PRIMARY KEY (session, version)
        )
        """,
        """
        CREATE TABLE {schema}.parametres (
            session int NOT NULL,
            academie text NOT NULL,
            date_debut date NOT NULL,
            date_fin date NOT NULL CHECK (date_fin >= date_debut),
            observations text NOT NULL DEFAULT '',
            type_mission_examinateur text NOT NULL,
            type_mission_coordinateur text NOT NULL,
            reglementation_version int NOT NULL,
            ouverte_le timestamptz,
            rafraichie_le timestamptz,
            PRIMARY KEY (session, academie)
        )
        """,
        // Cyclades' export, as last received: one row per group (exam × centre, or exam × académie).
        """
        CREATE TABLE {schema}.exports (
            session int NOT NULL,
            academie text NOT NULL,
            epreuve text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('examinateur', 'coordinateur')),
            centre text NOT NULL DEFAULT '',
            export_version bigint NOT NULL,
            intervenants uuid[] NOT NULL,
            recu_le timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (session, academie, epreuve, kind, centre)
        )
        """,
        """
        CREATE TABLE {schema}.intervenants (
            id uuid PRIMARY KEY,
            login text NOT NULL UNIQUE,
            nom text NOT NULL,
            prenom text NOT NULL,
            email text,
            uai text,
            divisions text[] NOT NULL DEFAULT '{}'
        )
        """,
        """
        CREATE TABLE {schema}.missions (
            id uuid PRIMARY KEY,
            session int NOT NULL,
            academie text NOT NULL,
            epreuve text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('examinateur', 'coordinateur')),
            -- The centre d'épreuve; '' for the académie's Santorin centre (coordinators).
            centre text NOT NULL DEFAULT '',
            type_mission text NOT NULL,
            reglementation_version int NOT NULL,
            date_debut date NOT NULL,
            date_fin date NOT NULL,
            observations text NOT NULL DEFAULT '',
            -- false once Cyclades no longer exports anybody for it: flagged, never deleted.
            active boolean NOT NULL DEFAULT true,
            creee_le timestamptz NOT NULL DEFAULT now(),
            UNIQUE (session, academie, epreuve, kind, centre)
        )
        """,
        """
        CREATE TABLE {schema}.convocations (
            id uuid PRIMARY KEY,
            mission_id uuid NOT NULL REFERENCES {schema}.missions(id),
            intervenant_id uuid NOT NULL REFERENCES {schema}.intervenants(id),
            statut text NOT NULL DEFAULT 'emise' CHECK (statut IN ('emise', 'annulee')),
            -- Printed on the convocation; only its SHA-256 leaves Imag'In (the gateway checks it once).
            code_activation text NOT NULL,
            emise_le timestamptz NOT NULL DEFAULT now(),
            emise_par uuid NOT NULL,
            annulee_le timestamptz,
            annulee_par uuid,
            motif_annulation text
        )
        """,
        "CREATE UNIQUE INDEX convocations_une_active ON {schema}.convocations (mission_id, intervenant_id) WHERE statut = 'emise'",
        "CREATE INDEX convocations_intervenant ON {schema}.convocations (intervenant_id)",
        """
        CREATE TABLE {schema}.services_faits (
            mission_id uuid NOT NULL REFERENCES {schema}.missions(id),
            intervenant_id uuid NOT NULL,
            session int NOT NULL,
            academie text NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            candidats_evalues int NOT NULL CHECK (candidats_evalues >= 0),
            type_remuneration text NOT NULL,
            montant_centimes bigint NOT NULL CHECK (montant_centimes >= 0),
            -- A re-closure replaces the work it reports: the closure that set the row.
            closure_id uuid NOT NULL,
            enregistre_le timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (mission_id, intervenant_id)
        )
        """,
        "CREATE INDEX services_faits_session ON {schema}.services_faits (session, academie)",
    ]),
    // Services faits per mission × centre (a coordinator's mission spans the académie's centres),
    // priced when read; the newest closure of a centre wins. The first layout (one priced line per
    // mission) held no real data yet.
    Migration(3, "services_faits_par_centre", [
        "DROP TABLE {schema}.services_faits",
        // The work reported for a mission at one centre's closing. A coordinator's mission covers
        // every centre of the académie: one line per centre, priced together per mission.
        """
        CREATE TABLE {schema}.services_faits (
            mission_id uuid NOT NULL REFERENCES {schema}.missions(id),
            intervenant_id uuid NOT NULL,
            centre text NOT NULL,
            session int NOT NULL,
            academie text NOT NULL,
            epreuve text NOT NULL,
            candidats_evalues int NOT NULL CHECK (candidats_evalues >= 0),
            -- The closure that reported it and when: a late redelivery of an older closure changes nothing.
            closure_id uuid NOT NULL,
            closure_le timestamptz NOT NULL,
            enregistre_le timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (mission_id, intervenant_id, centre)
        )
        """,
        // The closings applied per exam × centre, newest first wins.
        """
        CREATE TABLE {schema}.clotures (
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL,
            closure_id uuid NOT NULL,
            closure_le timestamptz NOT NULL,
            PRIMARY KEY (session, epreuve, centre)
        )
        """,
        "CREATE INDEX services_faits_session ON {schema}.services_faits (session, academie)",
    ]),
    // Who issued each convocation (`academie:<code>` or `uai:<UAI>`): only they see its code and,
    // besides the académie's gestionnaire, may cancel it. Earlier ones are the académie's.
    Migration(4, "convocations_autorite", [
        "ALTER TABLE {schema}.convocations ADD COLUMN autorite text",
        "UPDATE {schema}.convocations c SET autorite = 'academie:' || m.academie FROM {schema}.missions m WHERE m.id = c.mission_id",
        "ALTER TABLE {schema}.convocations ALTER COLUMN autorite SET NOT NULL",
    ]),
    // Who designated each exported person for the group (`academie:<code>` or `uai:<UAI>`, in the
    // order of `intervenants`; NULL for exports received before): a school convokes only on its own.
    Migration(5, "exports_autorites", [
        "ALTER TABLE {schema}.exports ADD COLUMN autorites text[]",
    ]),
    // The mail outbox: convocations mailed to the person (Shared/Mail/Courriels.swift).
    Courriels.migration(6),
    Courriels.notifyWhenDue(7),
    // New messages waiting to be told: one row per message and person, mailed together once the
    // oldest has waited a period (`AvisMessages`); `envoi_id` is the `objet_id` of the mail that told it.
    Migration(8, "avis_messages", [
        """
        CREATE TABLE {schema}.avis_messages (
            id bigserial PRIMARY KEY,
            intervenant_id uuid NOT NULL,
            session int NOT NULL,
            epreuve text NOT NULL,
            centre text NOT NULL DEFAULT '',
            fil_id uuid NOT NULL,
            titre text NOT NULL,
            auteur text NOT NULL,
            role text NOT NULL,
            recu_le timestamptz NOT NULL DEFAULT now(),
            envoi_id uuid
        )
        """,
        "CREATE INDEX avis_messages_en_attente ON {schema}.avis_messages (recu_le) WHERE envoi_id IS NULL",
        "CREATE INDEX avis_messages_personne ON {schema}.avis_messages (intervenant_id) WHERE envoi_id IS NULL",
    ]),
    // A sent convocation's mail keeps neither its activation code nor its PDF.
    Courriels.secrets(9),
    // What the work was (issue 22 item 4): examining or coordinating today, second reading later
    // (`RoleServiceFait`); one line per role, as a second reader may also examine at that centre.
    Migration(10, "services_faits_par_role", [
        "ALTER TABLE {schema}.services_faits ADD COLUMN role text NOT NULL DEFAULT 'examinateur'",
        "UPDATE {schema}.services_faits sf SET role = m.kind FROM {schema}.missions m WHERE m.id = sf.mission_id",
        "ALTER TABLE {schema}.services_faits DROP CONSTRAINT services_faits_pkey, ADD PRIMARY KEY (mission_id, intervenant_id, centre, role)",
    ]),
    // A closing replaces the centre × exam's services faits of an older closing: without an index
    // on the centre, a scan of every service fait of every session, growing with the square of
    // a national session's closings (9.8 ms at the end of the national bench's full scale).
    Migration(20, "services_faits_par_centre", [
        "CREATE INDEX services_faits_centre ON {schema}.services_faits (session, epreuve, centre)",
    ]),
]
