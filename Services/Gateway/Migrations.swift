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
]
