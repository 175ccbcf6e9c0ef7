import Shared

/// The subject bank: the five exams, subjects, their documents and barème versions.
let referentielMigrations = [
    Migration(2, "sujets", [
        """
        CREATE TABLE {schema}.epreuves (
            code text PRIMARY KEY,
            libelle text NOT NULL,
            filiere text NOT NULL CHECK (filiere IN ('BCG', 'BTN')),
            duree_minutes int NOT NULL,
            -- Dominants a subject of this exam may have (the physique-chimie draw rule needs them).
            dominantes text[] NOT NULL DEFAULT '{}'
        )
        """,
        """
        INSERT INTO {schema}.epreuves VALUES
            ('T011B', 'Physique-chimie pratique (ECE)', 'BCG', 60, '{physique,chimie}'),
            ('T012B', 'Sciences de la vie et de la Terre pratique (ECE)', 'BCG', 60, '{}'),
            ('T010B', 'Numérique et sciences informatiques pratique', 'BCG', 60, '{}'),
            ('T029B', 'STL biochimie-biologie-biotechnologies pratique', 'BTN', 180, '{}'),
            ('T030B', 'STL sciences physiques et chimiques en laboratoire pratique', 'BTN', 180, '{physique,chimie}')
        """,
        """
        CREATE TABLE {schema}.sujets (
            id uuid PRIMARY KEY,
            epreuve text NOT NULL REFERENCES {schema}.epreuves(code),
            session int NOT NULL,
            code text NOT NULL,
            titre text NOT NULL,
            dominante text,
            materiel text[] NOT NULL DEFAULT '{}',
            statut text NOT NULL DEFAULT 'brouillon' CHECK (statut IN ('brouillon', 'valide', 'publie', 'retire')),
            visible_from timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (epreuve, session, code)
        )
        """,
        "CREATE INDEX sujets_filtres ON {schema}.sujets (epreuve, session, statut)",
        """
        CREATE TABLE {schema}.documents (
            sujet_id uuid NOT NULL REFERENCES {schema}.sujets(id),
            nature text NOT NULL CHECK (nature IN ('sujet', 'examinateur')),
            nom text NOT NULL,
            contenu bytea NOT NULL,
            taille int NOT NULL,
            sha256 text NOT NULL,
            uploaded_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sujet_id, nature)
        )
        """,
        """
        CREATE TABLE {schema}.baremes (
            sujet_id uuid NOT NULL REFERENCES {schema}.sujets(id),
            version int NOT NULL,
            contenu text NOT NULL,
            valide boolean NOT NULL DEFAULT false,
            validated_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (sujet_id, version)
        )
        """,
    ]),
]
