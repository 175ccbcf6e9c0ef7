import Shared

/// The gateway's schema: accounts, refresh tokens, failed-login tracking.
let gatewayMigrations = [
    Migration(2, "accounts", [
        """
        CREATE TABLE {schema}.accounts (
            id uuid PRIMARY KEY,
            login text NOT NULL UNIQUE,
            display_name text NOT NULL,
            role text NOT NULL,
            scope text NOT NULL,
            password_hash text,
            activation_code_sha256 text,
            activation_expires_at timestamptz,
            disabled boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // Failures are counted per login string, known or not, so the response never tells which logins exist.
        """
        CREATE TABLE {schema}.login_failures (
            login text PRIMARY KEY,
            failures int NOT NULL,
            locked_until timestamptz,
            last_failure_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE {schema}.refresh_tokens (
            token_sha256 text PRIMARY KEY,
            account_id uuid NOT NULL REFERENCES {schema}.accounts(id),
            family uuid NOT NULL,
            expires_at timestamptz NOT NULL,
            used_at timestamptz,
            revoked_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX refresh_tokens_family ON {schema}.refresh_tokens (family)",
    ]),
    // Activation codes per convocation: each printed code stays valid until the account is activated
    // or its convocation cancelled (a second convocation no longer replaces the first code), and a
    // code counts only from the authority that created the account (`accounts.autorite`, a scope) or
    // from the account's académie.
    Migration(3, "codes_par_convocation", [
        "ALTER TABLE {schema}.accounts ADD COLUMN autorite text",
        "UPDATE {schema}.accounts SET autorite = scope WHERE role IN ('examinateur', 'coordinateur')",
        // A row per convocation; a cancelled one keeps its row (no code) so that its issue arriving
        // late cannot bring the code back.
        """
        CREATE TABLE {schema}.activation_codes (
            convocation_id uuid PRIMARY KEY,
            account_id uuid REFERENCES {schema}.accounts(id),
            code_sha256 text,
            autorite text,
            expires_at timestamptz,
            annulee_le timestamptz,
            CHECK ((annulee_le IS NULL) = (code_sha256 IS NOT NULL AND account_id IS NOT NULL AND expires_at IS NOT NULL))
        )
        """,
        "CREATE INDEX activation_codes_account ON {schema}.activation_codes (account_id)",
        """
        INSERT INTO {schema}.activation_codes (convocation_id, account_id, code_sha256, autorite, expires_at)
        SELECT gen_random_uuid(), id, activation_code_sha256, autorite, COALESCE(activation_expires_at, now()) FROM {schema}.accounts
        WHERE activation_code_sha256 IS NOT NULL AND password_hash IS NULL
        """,
        "UPDATE {schema}.accounts SET activation_code_sha256 = NULL, activation_expires_at = NULL",
    ]),
    // The grace of a just-rotated refresh token serves one page's concurrent requests, a few times:
    // never an unlimited supply of sessions to whoever replays it within the window.
    Migration(4, "renouvellements_de_grace", [
        "ALTER TABLE {schema}.refresh_tokens ADD COLUMN grace_uses int NOT NULL DEFAULT 0",
    ]),
    // Accounts managed from the pages (issue 21): the académie whose gestionnaire keeps the account,
    // where its mail goes, when it last signed in; single-use links to choose a password (a new
    // account's first, or a forgotten one), only their hash kept.
    Migration(5, "comptes_geres", [
        "ALTER TABLE {schema}.accounts ADD COLUMN email text, ADD COLUMN academie text, ADD COLUMN last_sign_in_at timestamptz",
        "UPDATE {schema}.accounts SET academie = substr(scope, 10) WHERE scope LIKE 'academie:%'",
        "CREATE INDEX accounts_academie ON {schema}.accounts (academie, login)",
        "CREATE INDEX accounts_email ON {schema}.accounts (lower(email))",
        """
        CREATE TABLE {schema}.password_links (
            token_sha256 text PRIMARY KEY,
            account_id uuid NOT NULL REFERENCES {schema}.accounts(id),
            expires_at timestamptz NOT NULL,
            used_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        "CREATE INDEX password_links_account ON {schema}.password_links (account_id, created_at)",
    ]),
    // The gateway's own mail: password links and re-issued activation codes.
    Courriels.migration(6),
    Courriels.notifyWhenDue(7),
    // A sent link or code is erased from its mail's row.
    Courriels.secrets(8),
    // A re-issued activation code is a row of its own beside the printed one, standing for the same
    // convocation (`origine`): cancelling the convocation cancels both.
    Migration(9, "codes_reemis", [
        "ALTER TABLE {schema}.activation_codes ADD COLUMN origine uuid",
        "CREATE INDEX activation_codes_origine ON {schema}.activation_codes (origine) WHERE origine IS NOT NULL",
    ]),
    // Who disabled an account (a role): a lower authority never enables what a higher one disabled.
    Migration(10, "desactive_par", [
        "ALTER TABLE {schema}.accounts ADD COLUMN disabled_by text",
        "UPDATE {schema}.accounts SET disabled_by = 'admin' WHERE disabled",
    ]),
]
