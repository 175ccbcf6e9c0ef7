import Foundation
import Hummingbird
import Logging
import Shared

/// Signing in (the API's `GatewayAPI`, Connexion.swift, and the web pages): login, refresh, logout,
/// account activation, forgotten passwords and lost codes.
struct Authentification: Sendable {
    struct Policy: Sendable {
        /// Consecutive failures that lock a login, and for how long.
        var lockThreshold = 5
        var lockDuration: Duration = .seconds(15 * 60)
        /// Each failure answers later than the previous one (step × failures, at most 2 s).
        var failureDelayStep: Duration = .milliseconds(200)
        var accessTokenLifetime: TimeInterval = AccessTokenClaims.maximumLifetime
        var refreshTokenLifetime: Duration = .seconds(12 * 3600)
        /// How long a just-rotated refresh token still renews the session (a browser's concurrent
        /// requests after its access cookie expired all present it) instead of revoking it.
        var refreshReuseGrace: Duration = .seconds(30)
        /// Password checks per client address (`LOGIN_BURST` at once, `LOGIN_RATE_PER_MINUTE` after).
        var loginBurst = 20
        var loginRatePerMinute = 60
        /// How long a mailed link sets a password: a forgotten one, a new account's first one.
        var resetLinkLifetime: Duration = .seconds(3600)
        var creationLinkLifetime: Duration = .seconds(72 * 3600)
        /// Mails (links, codes) one account may be sent in an hour: nobody floods a mailbox.
        var mailsPerHour = 3
    }

    let accounts: AccountRepository
    let passwords: Passwords
    let signer: TokenSigner
    let policy: Policy
    let throttle: ClientThrottle
    let clientAddress: ClientAddress
    /// The site's address, for the links mailed.
    let publicURL: String

    init(accounts: AccountRepository, passwords: Passwords, signer: TokenSigner, policy: Policy,
         clientAddress: ClientAddress = ClientAddress([:]), publicURL: String = "http://127.0.0.1:8080") {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.accounts = accounts
        self.passwords = passwords
        self.signer = signer
        self.policy = policy
        self.clientAddress = clientAddress
        throttle = ClientThrottle(burst: policy.loginBurst, perMinute: policy.loginRatePerMinute)
    }

    struct LoginRequest: Decodable {
        var login: String
        var password: String
    }

    struct TokenResponse: ResponseEncodable {
        var accessToken: String
        var tokenType = "Bearer"
        var expiresIn: Int
        var refreshToken: String
        var user: UserView
    }

    struct UserView: ResponseEncodable {
        var id: UUID
        var login: String
        var displayName: String
        var role: Role
        var scope: Scope

        init(_ account: Account) {
            (id, login, displayName, role, scope) = (account.id, account.login, account.displayName, account.role, account.scope)
        }
    }

    static let invalidCredentials = Problem.unauthorized(
        "identifiants invalides ou compte verrouillé / invalid credentials or locked account")

    /// Checks a login and password (slowed and locked after failures, throttled per client) and opens
    /// a session: the API's login and the web pages' sign-in form.
    func authenticate(_ body: LoginRequest, client: String, logger: Logger) async throws -> TokenResponse {
        guard (1...128).contains(body.login.count), body.password.count <= 128 else {
            throw Problem.validation([.init(field: "login", reason: "1 à 128 caractères / 1 to 128 characters")])
        }
        if let wait = throttle.take(client) {
            logger.notice("login throttled", metadata: ["client": "\(client)"])
            throw ClientThrottle.tooMany(retryAfter: wait)
        }
        // Counted before the check, in one statement: beyond the threshold no password is checked,
        // however many attempts run at once (the right one included).
        let rank = try await accounts.attempt(login: body.login, threshold: policy.lockThreshold, lockFor: policy.lockDuration)
        var account: Account?
        var passwordOK = false
        if rank <= policy.lockThreshold {
            account = try await accounts.find(login: body.login)
            // bcrypt for unknown logins too: the timing does not tell whether a login exists.
            passwordOK = try await passwords.verify(body.password, hash: account?.passwordHash)
        }
        guard let account, passwordOK, !account.disabled else {
            logger.notice("login failed", metadata: ["login": "\(body.login)", "failures": "\(rank)"])
            try await Task.sleep(for: min(.seconds(2), policy.failureDelayStep * rank))
            throw Self.invalidCredentials
        }
        throttle.giveBack(client)
        try await accounts.clearFailures(login: body.login)
        try await accounts.recordSignIn(account.id)
        return try await issueTokens(for: account, family: UUID())
    }

    struct RefreshRequest: Decodable {
        var refreshToken: String
    }

    /// Rotates a refresh token (a spent one presented again revokes its whole family, after the grace).
    func renew(_ refreshToken: String, logger: Logger) async throws -> TokenResponse {
        let body = RefreshRequest(refreshToken: refreshToken)
        let invalid = Problem.unauthorized("jeton de rafraîchissement invalide / invalid refresh token")
        switch try await accounts.useRefreshToken(sha256: Secrets.sha256(body.refreshToken), grace: policy.refreshReuseGrace) {
        case .invalid:
            throw invalid
        case .reused(let family):
            // A spent token presented again has leaked: end every session descended from it.
            try await accounts.revokeFamily(family)
            logger.warning("refresh token reused; session family revoked", metadata: ["family": "\(family)"])
            throw invalid
        case .valid(let accountId, let family):
            guard let account = try await accounts.find(id: accountId), !account.disabled else { throw invalid }
            return try await issueTokens(for: account, family: family)
        }
    }

    /// Ends the session the refresh token belongs to.
    func end(_ refreshToken: String) async throws {
        if let family = try await accounts.family(ofRefreshToken: Secrets.sha256(refreshToken)) {
            try await accounts.revokeFamily(family)
        }
    }

    struct ActivateRequest: Decodable {
        var login: String
        var activationCode: String
        var password: String
    }

    /// Sets the first password of a convoked person's account with their one-time code. Guesses are
    /// throttled per client (the sign-in's buckets), never counted against the login: wrong codes
    /// posted by anyone must not lock the account's owner out.
    func activate(_ body: ActivateRequest, client: String, logger: Logger) async throws {
        if let problem = Passwords.problems(body.password) {
            throw Problem.validation([.init(field: "password", reason: problem)])
        }
        guard body.login.count <= 128, body.activationCode.count <= 128 else { throw Self.invalidCredentials }
        if let wait = throttle.take(client) {
            logger.notice("activation throttled", metadata: ["client": "\(client)"])
            throw ClientThrottle.tooMany(retryAfter: wait)
        }
        let invalid = Problem.unauthorized("code d'activation invalide ou déjà utilisé / invalid or used activation code")
        let code = ActivationCode.sha256(body.activationCode)
        // The code first: a wrong one costs a query, not a bcrypt hash.
        guard try await accounts.activationPending(login: body.login, codeSHA256: code),
              try await accounts.activate(login: body.login, codeSHA256: code, passwordHash: try await passwords.hash(body.password))
        else {
            logger.notice("activation refused", metadata: ["login": "\(body.login)"])
            throw invalid
        }
        throttle.giveBack(client)
    }

    // MARK: forgotten passwords and lost codes

    struct LinkRequest: Decodable {
        /// A login, or an address (every account of it gets its link).
        var login: String
    }

    struct Avis: ResponseEncodable { var avis: String }

    static let avisLien = Avis(avis: "Si un compte actif correspond et qu'une adresse électronique y est associée, un courriel "
                                   + "vient d'y être envoyé avec un lien pour choisir un mot de passe (valable une heure).")
    static let avisCode = Avis(avis: "Si un compte en attente d'activation correspond et qu'une adresse électronique y est "
                                   + "associée, un nouveau code d'activation vient d'y être envoyé.")

    /// Mails a single-use link that sets a new password.
    func requestPasswordLink(_ identifiant: String, client: String, logger: Logger) async throws {
        try demande(identifiant, upTo: 254, client: client, logger: logger) { identifiant in
            for account in try await accounts.accountsToMail(identifiant: identifiant) {
                guard let adresse = account.email else { continue }
                let token = Secrets.token()
                let mail = CourrielsDesComptes.lien(account, adresse: adresse, url: "\(publicURL)/mot-de-passe?jeton=\(token)",
                                                    creation: false, validite: policy.resetLinkLifetime)
                let sent = try await accounts.storeLink(token, account: account.id, expiresIn: policy.resetLinkLifetime, mail: mail,
                                                        limit: policy.mailsPerHour)
                logger.notice(sent ? "password link mailed" : "password link not sent (limit reached)", metadata: ["login": "\(account.login)"])
            }
        }
    }

    /// A request that mails someone: checked and throttled, then answered at once — the same answer
    /// whether or not an account exists, before the work is done, so its time does not tell either.
    private func demande(_ text: String, upTo limit: Int, client: String, logger: Logger,
                         _ work: @escaping @Sendable (String) async throws -> Void) throws {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard (1...limit).contains(text.count) else {
            throw Problem.validation([.init(field: "login", reason: "1 à \(limit) caractères / 1 to \(limit) characters")])
        }
        if let wait = throttle.take(client) { throw ClientThrottle.tooMany(retryAfter: wait) }
        Task {
            do { try await work(text) } catch { logger.error("mail request failed", metadata: ["error": "\(error)"]) }
        }
    }

    struct PasswordRequest: Decodable {
        var token: String
        var password: String
    }

    static let invalidLink = Problem(.badRequest, type: "invalid-link", title: "Lien invalide / Invalid link",
                                     detail: "lien invalide, expiré ou déjà utilisé : demandez-en un nouveau / invalid, expired or used link")

    /// Sets the password with a mailed link, once (checked before the password is hashed: a wrong
    /// link costs no bcrypt). Returns the account.
    func setPassword(_ body: PasswordRequest, client: String, logger: Logger) async throws -> Account {
        if let problem = Passwords.problems(body.password) {
            throw Problem.validation([.init(field: "password", reason: problem)])
        }
        guard body.token.count <= 128 else { throw Self.invalidLink }
        if let wait = throttle.take(client) { throw ClientThrottle.tooMany(retryAfter: wait) }
        guard try await accounts.accountOfLink(body.token) != nil,
              let account = try await accounts.usePasswordLink(body.token, passwordHash: try await passwords.hash(body.password))
        else {
            logger.notice("password link refused")
            throw Self.invalidLink
        }
        throttle.giveBack(client)
        logger.notice("password set with a mailed link", metadata: ["login": "\(account.login)"])
        return account
    }

    /// Mails a convoked person a new activation code (the printed one keeps working).
    func requestActivationCode(_ login: String, client: String, logger: Logger) async throws {
        try demande(login, upTo: 128, client: client, logger: logger) { login in
            let code = ActivationCode.generate()
            let sent = try await accounts.reissueCode(login: login, codeSHA256: ActivationCode.sha256(code), limit: policy.mailsPerHour) { account in
                CourrielsDesComptes.code(account, adresse: account.email ?? "", code: code, connexion: "\(publicURL)/activation")
            }
            if sent { logger.notice("activation code re-issued", metadata: ["login": "\(login)"]) }
        }
    }

    private func issueTokens(for account: Account, family: UUID) async throws -> TokenResponse {
        let access = try await signer.sign(account.identity, lifetime: policy.accessTokenLifetime)
        let refresh = Secrets.token()
        try await accounts.storeRefreshToken(sha256: Secrets.sha256(refresh), account: account.id, family: family,
                                             expiresIn: policy.refreshTokenLifetime)
        return TokenResponse(accessToken: access, expiresIn: Int(policy.accessTokenLifetime), refreshToken: refresh,
                             user: UserView(account))
    }
}
