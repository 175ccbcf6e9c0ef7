import Foundation
import Logging
import PostgresNIO
import Shared

/// Accounts kept from the pages (issue 21): lists by perimeter, changes, sign-ins, the single-use
/// links that set a password, and re-issued activation codes — each mail written in the
/// transaction of the change it tells about (`gateway.courriels`).
extension AccountRepository {
    var courriels: Courriels { Courriels(schema: schema) }

    /// A page of the accounts in `perimetre`, by login; `recherche` in the login, name or address.
    func list(_ perimetre: GestionDesComptes.Perimetre, role: Role?, recherche: String, page: Int, perPage: Int)
        async throws -> (items: [Account], total: Int) {
        let filtre: String = switch perimetre {
        case .tout: "true"
        case .academie: "academie = $1 AND role NOT IN ('admin', 'dsii')"
        case .referents: "role = 'referent' AND scope = 'uai:' || $1"
        }
        let valeur: String = switch perimetre {
        case .tout: ""
        case .academie(let code): code
        case .referents(let uai): uai
        }
        var bindings = PostgresBindings()
        bindings.append(valeur)
        bindings.append(role?.rawValue ?? "")
        bindings.append(recherche.lowercased())
        bindings.append(perPage)
        bindings.append((page - 1) * perPage)
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            SELECT \(Self.columns), count(*) OVER () FROM \(schema.name).accounts
            WHERE (\(filtre)) AND ($2 = '' OR role = $2)
              AND ($3 = '' OR strpos(lower(login || ' ' || display_name || ' ' || scope || ' ' || coalesce(email, '')), $3) > 0)
            ORDER BY login LIMIT $4 OFFSET $5
            """, binds: bindings), logger: logger)
        var items: [Account] = []
        var total = 0
        for try await row in rows {
            let c = try row.decode((UUID, String, String, String, String, String?, Bool, String?, String?, Date?, String?, Int).self)
            total = c.11
            if let account = Self.account((c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7, c.8, c.9, c.10)) { items.append(account) }
        }
        if items.isEmpty, page > 1 {
            total = try await list(perimetre, role: role, recherche: recherche, page: 1, perPage: 1).total
        }
        return (items, total)
    }

    /// Writes the fields given, and nothing else (two people changing one account never undo each
    /// other). A new address, scope or a disabling spends the account's password links (one sent to
    /// a mistyped address, or before the change, no longer opens it); a new scope or a disabling
    /// ends its sessions. Nil when there is no such account.
    func update(_ id: UUID, displayName: String?, email: String?, perimetre: (Scope, String?)?, disabled: Bool?,
                by role: Role = .admin) async throws -> Account? {
        try await client.withTransaction(logger: logger) { connection in
            guard let account = try await first(connection.query("""
                UPDATE \(unescaped: s).accounts SET display_name = coalesce(\(displayName), display_name), email = coalesce(\(email), email),
                    scope = coalesce(\(perimetre?.0.description), scope),
                    academie = CASE WHEN \(perimetre != nil) THEN \(perimetre?.1) ELSE academie END,
                    disabled = coalesce(\(disabled), disabled),
                    disabled_by = CASE WHEN \(disabled)::boolean IS NULL THEN disabled_by WHEN \(disabled)::boolean THEN \(role.rawValue) END,
                    updated_at = now()
                WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                """, logger: logger)) else { return nil }
            if email != nil || perimetre != nil || disabled == true {
                try await connection.query("""
                    UPDATE \(unescaped: s).password_links SET used_at = now() WHERE account_id = \(id) AND used_at IS NULL
                    """, logger: logger)
            }
            if perimetre != nil || disabled == true {
                try await connection.query("""
                    UPDATE \(unescaped: s).refresh_tokens SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL
                    """, logger: logger)
            }
            return account
        }
    }

    func recordSignIn(_ id: UUID) async throws {
        try await client.query("UPDATE \(unescaped: s).accounts SET last_sign_in_at = now() WHERE id = \(id)", logger: logger)
    }

    /// Creates an account without a password and the mail with the link that sets it; false (and
    /// nothing written) when the login is taken.
    func create(_ account: Account, link: String, expiresIn: Duration, mail: Courriel) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            let inserted = try await connection.query("""
                INSERT INTO \(unescaped: s).accounts (id, login, display_name, role, scope, email, academie)
                VALUES (\(account.id), \(account.login), \(account.displayName), \(account.role.rawValue),
                        \(account.scope.description), \(account.email), \(account.academie))
                ON CONFLICT (login) DO NOTHING RETURNING 1
                """, logger: logger).collect()
            guard !inserted.isEmpty else { return false }
            try await storeLink(link, account: account.id, expiresIn: expiresIn, mail: mail, on: connection)
            return true
        }
    }

    // MARK: password links

    /// The accounts a forgotten-password request names: its login, or every account of an address.
    func accountsToMail(identifiant: String) async throws -> [Account] {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM \(unescaped: s).accounts
            WHERE (login = \(identifiant) OR lower(email) = lower(\(identifiant))) AND email IS NOT NULL AND NOT disabled
            ORDER BY login LIMIT 5
            """, logger: logger)
        var accounts: [Account] = []
        for try await row in rows.decode(Row.self) { if let account = Self.account(row) { accounts.append(account) } }
        return accounts
    }

    /// Mails written to the account in the last hour, counted under the account's row lock (taken
    /// here, so parallel requests count one after the other): a limit keeps anyone from flooding a mailbox.
    private func recentMails(account: UUID, on connection: PostgresConnection) async throws -> Int {
        _ = try await connection.query("SELECT 1 FROM \(unescaped: s).accounts WHERE id = \(account) FOR UPDATE", logger: logger).collect()
        let rows = try await connection.query("""
            SELECT count(*) FROM \(unescaped: s).courriels WHERE objet_id = \(account) AND cree_le > now() - interval '1 hour'
            """, logger: logger)
        for try await n in rows.decode(Int.self) { return n }
        return 0
    }

    /// A link for the account and its mail, unless `limit` mails went to it in the last hour (false).
    func storeLink(_ token: String, account: UUID, expiresIn: Duration, mail: Courriel, limit: Int) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            guard try await recentMails(account: account, on: connection) < limit else { return false }
            try await storeLink(token, account: account, expiresIn: expiresIn, mail: mail, on: connection)
            return true
        }
    }

    private func storeLink(_ token: String, account: UUID, expiresIn: Duration, mail: Courriel,
                           on connection: PostgresConnection) async throws {
        let seconds = Double(expiresIn.components.seconds)
        try await connection.query("""
            INSERT INTO \(unescaped: s).password_links (token_sha256, account_id, expires_at)
            VALUES (\(Secrets.sha256(token)), \(account), now() + \(seconds) * interval '1 second')
            """, logger: logger)
        try await courriels.enqueue(mail, about: account, secret: true, on: connection, logger: logger)
    }

    /// The account a live link opens (not used, not expired, account enabled).
    func accountOfLink(_ token: String) async throws -> Account? {
        try await first(client.query("""
            SELECT \(unescaped: Self.columns) FROM \(unescaped: s).accounts
            WHERE NOT disabled AND id = (SELECT account_id FROM \(unescaped: s).password_links
                                         WHERE token_sha256 = \(Secrets.sha256(token)) AND used_at IS NULL AND expires_at > now())
            """, logger: logger))
    }

    /// Sets the password with a live link, once: every link of the account is then spent, its
    /// activation codes void, its sessions ended and its failed sign-ins forgotten. Nil when the
    /// link is unknown, used, expired, or its account disabled.
    func usePasswordLink(_ token: String, passwordHash: String) async throws -> Account? {
        try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                UPDATE \(unescaped: s).password_links l SET used_at = now()
                FROM \(unescaped: s).accounts a
                WHERE l.token_sha256 = \(Secrets.sha256(token)) AND l.used_at IS NULL AND l.expires_at > now()
                  AND a.id = l.account_id AND NOT a.disabled
                RETURNING a.id, a.login
                """, logger: logger).collect()
            guard let (id, login) = try rows.first?.decode((UUID, String).self) else { return nil }
            try await connection.query("""
                UPDATE \(unescaped: s).accounts SET password_hash = \(passwordHash), updated_at = now() WHERE id = \(id)
                """, logger: logger)
            try await connection.query("""
                UPDATE \(unescaped: s).password_links SET used_at = now() WHERE account_id = \(id) AND used_at IS NULL
                """, logger: logger)
            try await connection.query("DELETE FROM \(unescaped: s).activation_codes WHERE account_id = \(id)", logger: logger)
            try await connection.query("""
                UPDATE \(unescaped: s).refresh_tokens SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL
                """, logger: logger)
            try await connection.query("DELETE FROM \(unescaped: s).login_failures WHERE login = \(login)", logger: logger)
            return try await first(connection.query("""
                SELECT \(unescaped: Self.columns) FROM \(unescaped: s).accounts WHERE id = \(id)
                """, logger: logger))
        }
    }

    // MARK: activation codes re-issued

    /// Gives a convoked person's account not yet activated a new code, beside each live code of its
    /// convocations (`origine`: the convocation it stands for, so that cancelling that convocation
    /// cancels it too; the printed code keeps working: nobody can void printed codes by asking),
    /// and writes the mail; false when there is no such account with an address, no live code, or
    /// `limit` mails went to it in the last hour.
    func reissueCode(login: String, codeSHA256: String, limit: Int, mail: (Account) -> Courriel) async throws -> Bool {
        try await client.withTransaction(logger: logger) { connection in
            guard let account = try await first(connection.query("""
                SELECT \(unescaped: Self.columns) FROM \(unescaped: s).accounts
                WHERE login = \(login) AND password_hash IS NULL AND NOT disabled AND email IS NOT NULL
                """, logger: logger)), try await recentMails(account: account.id, on: connection) < limit
            else { return false }
            let added = try await connection.query("""
                INSERT INTO \(unescaped: s).activation_codes (convocation_id, account_id, code_sha256, autorite, expires_at, origine)
                SELECT gen_random_uuid(), account_id, \(codeSHA256), autorite, now() + interval '60 days', convocation_id
                FROM \(unescaped: s).activation_codes
                WHERE account_id = \(account.id) AND code_sha256 IS NOT NULL AND expires_at > now() AND origine IS NULL
                RETURNING 1
                """, logger: logger).collect()
            guard !added.isEmpty else { return false }
            try await courriels.enqueue(mail(account), about: account.id, secret: true, on: connection, logger: logger)
            return true
        }
    }
}
