import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Shared

/// A user of the platform.
struct Account: Sendable, Equatable {
    var id: UUID
    var login: String
    var displayName: String
    var role: Role
    var scope: Scope
    var passwordHash: String?
    var disabled: Bool
    /// Where its mail goes (password links, codes); from the convocation for examiners.
    var email: String? = nil
    /// The académie whose gestionnaire keeps the account: the scope's, or the school's for a UAI.
    var academie: String? = nil
    var lastSignInAt: Date? = nil
    /// The role that disabled it (`admin` for the operators' command line).
    var disabledBy: Role? = nil

    var identity: Identity { Identity(userId: id, login: login, role: role, scope: scope) }
}

extension Scope {
    /// The académie of an académie's scope (a school's is in the directory, not in its scope).
    var codeAcademie: String? { if case .academie(let code) = self { code } else { nil } }
}

/// Accounts, failed logins and refresh tokens in the `gateway` schema.
struct AccountRepository: Sendable {
    let client: PostgresClient
    let schema: SQLIdentifier
    let logger: Logger

    var s: String { schema.name }

    func find(login: String) async throws -> Account? {
        try await first(client.query("""
            SELECT \(unescaped: Self.columns) FROM \(unescaped: s).accounts WHERE login = \(login)
            """, logger: logger))
    }

    func find(id: UUID) async throws -> Account? {
        try await first(client.query("""
            SELECT \(unescaped: Self.columns) FROM \(unescaped: s).accounts WHERE id = \(id)
            """, logger: logger))
    }

    func list() async throws -> [Account] {
        var accounts: [Account] = []
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM \(unescaped: s).accounts ORDER BY login
            """, logger: logger)
        for try await row in rows.decode(Self.Row.self) {
            if let account = Self.account(row) { accounts.append(account) }
        }
        return accounts
    }

    /// Creates an account; false when the login is taken.
    func create(_ account: Account) async throws -> Bool {
        let inserted = try await client.query("""
            INSERT INTO \(unescaped: s).accounts (id, login, display_name, role, scope, password_hash, email, academie)
            VALUES (\(account.id), \(account.login), \(account.displayName), \(account.role.rawValue),
                    \(account.scope.description), \(account.passwordHash), \(account.email), \(account.academie ?? account.scope.codeAcademie))
            ON CONFLICT (login) DO NOTHING RETURNING 1
            """, logger: logger).collect()
        return !inserted.isEmpty
    }

    func setDisabled(login: String, _ disabled: Bool) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE \(unescaped: s).accounts SET disabled = \(disabled), disabled_by = \(disabled ? Role.admin.rawValue : nil), updated_at = now()
            WHERE login = \(login) RETURNING id
            """, logger: logger).collect()
        if disabled, let row = rows.first {
            let id = try row.decode(UUID.self)
            try await client.query("""
                UPDATE \(unescaped: s).refresh_tokens SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL
                """, logger: logger)
        }
        return !rows.isEmpty
    }

    // MARK: failed logins

    /// Counts an attempt on a login before its password (or activation code) is checked, in one
    /// statement under the row's lock, and returns its rank among the consecutive failed attempts:
    /// the caller checks the secret only when the rank is at most `threshold`, so a parallel burst
    /// checks no more guesses than the threshold allows. The rank reaching the threshold locks the
    /// login for `lockFor`; a success forgets the count (`clearFailures`). Attempts older than the
    /// lock window, or made before an expired lock, are forgotten.
    func attempt(login: String, threshold: Int, lockFor: Duration) async throws -> Int {
        let seconds = Double(lockFor.components.seconds)
        // The new rank, as both SET clauses see the row before the update (a number, not input).
        let rank = """
            CASE WHEN f.locked_until <= now() OR f.last_failure_at < now() - \(seconds) * interval '1 second'
                 THEN 1 ELSE f.failures + 1 END
            """
        let rows = try await client.query("""
            INSERT INTO \(unescaped: s).login_failures AS f (login, failures, locked_until)
            VALUES (\(login), 1, CASE WHEN 1 >= \(threshold) THEN now() + \(seconds) * interval '1 second' END)
            ON CONFLICT (login) DO UPDATE SET
                failures = \(unescaped: rank),
                last_failure_at = now(),
                locked_until = CASE WHEN f.locked_until > now() THEN f.locked_until
                                    WHEN \(unescaped: rank) >= \(threshold) THEN now() + \(seconds) * interval '1 second'
                                    END
            RETURNING failures
            """, logger: logger)
        for try await n in rows.decode(Int.self) { return n }
        return threshold + 1
    }

    func clearFailures(login: String) async throws {
        try await client.query("DELETE FROM \(unescaped: s).login_failures WHERE login = \(login)", logger: logger)
    }

    // MARK: refresh tokens

    func storeRefreshToken(sha256: String, account: UUID, family: UUID, expiresIn: Duration) async throws {
        let seconds = Double(expiresIn.components.seconds)
        try await client.query("""
            INSERT INTO \(unescaped: s).refresh_tokens (token_sha256, account_id, family, expires_at)
            VALUES (\(sha256), \(account), \(family), now() + \(seconds) * interval '1 second')
            """, logger: logger)
    }

    enum RefreshUse { case valid(account: UUID, family: UUID), reused(family: UUID), invalid }

    /// Concurrent requests of one page that a just-rotated refresh token may still renew.
    static let graceUses = 4

    /// Marks the token used (once). A token used twice means it leaked: the caller revokes its family;
    /// except within `grace` of its first use, when it is the same browser's concurrent requests
    /// (each renewing the expired access cookie with the same refresh token): those get a new pair
    /// too, `graceUses` times at most — one more is a replay, and revokes the family.
    func useRefreshToken(sha256: String, grace: Duration = .zero) async throws -> RefreshUse {
        let graceSeconds = Double(grace.components.seconds)
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT account_id, family, used_at IS NOT NULL OR revoked_at IS NOT NULL, expires_at < now(),
                       revoked_at IS NULL AND used_at > now() - \(graceSeconds) * interval '1 second'
                           AND grace_uses < \(Self.graceUses)
                FROM \(unescaped: s).refresh_tokens WHERE token_sha256 = \(sha256) FOR UPDATE
                """, logger: logger)
            for try await (account, family, spent, expired, inGrace) in rows.decode((UUID, UUID, Bool, Bool, Bool?).self) {
                if inGrace == true, !expired {
                    try await connection.query("""
                        UPDATE \(unescaped: s).refresh_tokens SET grace_uses = grace_uses + 1 WHERE token_sha256 = \(sha256)
                        """, logger: logger)
                    return .valid(account: account, family: family)
                }
                if spent { return .reused(family: family) }
                if expired { return .invalid }
                try await connection.query("""
                    UPDATE \(unescaped: s).refresh_tokens SET used_at = now() WHERE token_sha256 = \(sha256)
                    """, logger: logger)
                return .valid(account: account, family: family)
            }
            return .invalid
        }
    }

    func revokeFamily(_ family: UUID) async throws {
        try await client.query("""
            UPDATE \(unescaped: s).refresh_tokens SET revoked_at = now() WHERE family = \(family) AND revoked_at IS NULL
            """, logger: logger)
    }

    func family(ofRefreshToken sha256: String) async throws -> UUID? {
        let rows = try await client.query("""
            SELECT family FROM \(unescaped: s).refresh_tokens WHERE token_sha256 = \(sha256)
            """, logger: logger)
        for try await family in rows.decode(UUID.self) { return family }
        return nil
    }

    // MARK: activation (examiners and coordinators created from convocations)

    /// Creates the account of a convoked person (`autorite`, the issuer, owns it) and records the
    /// convocation's code. An existing account gets the code only while it is not activated and
    /// only from its own authority or its académie (`scope`): a school's convocation never opens the
    /// académie's coordinator, nor changes anyone's name, role or scope. Earlier codes stay valid.
    /// Returns whether the code was recorded.
    func prepareConvoked(convocationId: UUID, id: UUID, login: String, displayName: String, email: String?, role: Role, scope: Scope,
                         autorite: String?, activationCodeSHA256: String, on connection: PostgresConnection) async throws -> Bool {
        let created = try await connection.query("""
            INSERT INTO \(unescaped: s).accounts (id, login, display_name, role, scope, autorite, email, academie)
            VALUES (\(id), \(login), \(displayName), \(role.rawValue), \(scope.description), \(autorite ?? scope.description),
                    \(email), \(scope.codeAcademie))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger).collect()
        let rows = try await connection.query("""
            SELECT id, autorite, scope, password_hash IS NULL, role FROM \(unescaped: s).accounts WHERE login = \(login) FOR UPDATE
            """, logger: logger).collect()
        guard let (account, owner, accountScope, pending, existingRole) = try rows.first?.decode((UUID, String?, String, Bool, String).self) else {
            return false  // the id belongs to another login: nothing is given to it
        }
        // Only an examiner's or coordinator's account made by a convocation: never one created by hand
        // under a teacher's login (its creator may hold its password link).
        let convoque = existingRole == Role.examinateur.rawValue || existingRole == Role.coordinateur.rawValue
        let trusted = !created.isEmpty || (autorite != nil && convoque && (autorite == owner || autorite == accountScope))
        guard pending, trusted else { return false }
        if created.isEmpty {
            try await connection.query("""
                UPDATE \(unescaped: s).accounts SET display_name = \(displayName), email = coalesce(\(email), email), updated_at = now()
                WHERE id = \(account)
                """, logger: logger)
        }
        // A cancellation that overtook its issue keeps its row: the code does not come back.
        try await connection.query("""
            INSERT INTO \(unescaped: s).activation_codes (convocation_id, account_id, code_sha256, autorite, expires_at)
            VALUES (\(convocationId), \(account), \(activationCodeSHA256), \(autorite), now() + interval '60 days')
            ON CONFLICT (convocation_id) DO NOTHING
            """, logger: logger)
        return true
    }

    /// The cancelled convocation's code no longer activates (recorded even before its issue arrives).
    func cancelCode(convocationId: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO \(unescaped: s).activation_codes (convocation_id, annulee_le) VALUES (\(convocationId), now())
            ON CONFLICT (convocation_id) DO UPDATE SET annulee_le = now(), code_sha256 = NULL, account_id = NULL, expires_at = NULL
            """, logger: logger)
        // The codes re-issued for it, too.
        try await connection.query("""
            UPDATE \(unescaped: s).activation_codes SET annulee_le = now(), code_sha256 = NULL, account_id = NULL, expires_at = NULL
            WHERE origine = \(convocationId)
            """, logger: logger)
    }

    /// Whether the code would activate the account now (a live code of one of its convocations):
    /// checked before the new password is hashed, so a wrong code costs no bcrypt.
    func activationPending(login: String, codeSHA256: String) async throws -> Bool {
        try await client.query("""
            SELECT 1 FROM \(unescaped: s).accounts a JOIN \(unescaped: s).activation_codes c ON c.account_id = a.id
            WHERE a.login = \(login) AND a.password_hash IS NULL AND NOT a.disabled
              AND c.code_sha256 = \(codeSHA256) AND c.expires_at > now()
            """, logger: logger).collect().count > 0
    }

    /// Sets the first password if the code is a live one of the account (any of its convocations'
    /// codes); every code of the account then stops working.
    func activate(login: String, codeSHA256: String, passwordHash: String) async throws -> Bool {
        let rows = try await client.query("""
            WITH activated AS (
                UPDATE \(unescaped: s).accounts a SET password_hash = \(passwordHash), activation_code_sha256 = NULL,
                    activation_expires_at = NULL, updated_at = now()
                WHERE a.login = \(login) AND a.password_hash IS NULL AND NOT a.disabled
                  AND EXISTS (SELECT 1 FROM \(unescaped: s).activation_codes c WHERE c.account_id = a.id
                              AND c.code_sha256 = \(codeSHA256) AND c.expires_at > now())
                RETURNING a.id
            ), spent AS (
                DELETE FROM \(unescaped: s).activation_codes c USING activated WHERE c.account_id = activated.id
            )
            SELECT 1 FROM activated
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    static let columns = "id, login, display_name, role, scope, password_hash, disabled, email, academie, last_sign_in_at, disabled_by"
    typealias Row = (UUID, String, String, String, String, String?, Bool, String?, String?, Date?, String?)

    func first(_ rows: PostgresRowSequence) async throws -> Account? {
        for try await row in rows.decode(Row.self) {
            return Self.account(row)
        }
        return nil
    }

    static func account(_ row: Row) -> Account? {
        guard let role = Role(rawValue: row.3), let scope = Scope(row.4) else { return nil }
        return Account(id: row.0, login: row.1, displayName: row.2, role: role, scope: scope, passwordHash: row.5,
                       disabled: row.6, email: row.7, academie: row.8, lastSignInAt: row.9, disabledBy: row.10.flatMap(Role.init(rawValue:)))
    }

    // MARK: housekeeping

    /// Forgets what no longer matters: refresh tokens a day past their expiry (a replay of an expired
    /// token is refused anyway) and failed-login counters idle for a day and not locked.
    @discardableResult
    func prune() async throws -> (tokens: Int, failures: Int) {
        let tokens = try await client.query("""
            DELETE FROM \(unescaped: s).refresh_tokens WHERE expires_at < now() - interval '1 day' RETURNING 1
            """, logger: logger).collect().count
        try await client.query("""
            DELETE FROM \(unescaped: s).password_links WHERE expires_at < now() - interval '1 day'
            """, logger: logger)
        let failures = try await client.query("""
            DELETE FROM \(unescaped: s).login_failures
            WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now()) RETURNING 1
            """, logger: logger).collect().count
        return (tokens, failures)
    }
}

/// Runs `AccountRepository.prune` every hour while the gateway runs.
struct AccountHousekeeping: Service {
    let accounts: AccountRepository
    let ready: StartupGate

    func run() async throws {
        try await ready.wait()
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let pruned = try await accounts.prune()
                    if pruned.tokens + pruned.failures > 0 {
                        accounts.logger.info("pruned", metadata: ["refreshTokens": "\(pruned.tokens)", "loginFailures": "\(pruned.failures)"])
                    }
                } catch {
                    accounts.logger.warning("account housekeeping failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
