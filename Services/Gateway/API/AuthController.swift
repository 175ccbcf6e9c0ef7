import Foundation
import Hummingbird
import Logging
import Shared

/// `/api/auth/…`: login, refresh, logout, account activation, and who the caller is.
struct AuthController: Sendable {
    struct Policy: Sendable {
        /// Consecutive failures that lock a login, and for how long.
        var lockThreshold = 5
        var lockDuration: Duration = .seconds(15 * 60)
        /// Each failure answers later than the previous one (step × failures, at most 2 s).
        var failureDelayStep: Duration = .milliseconds(200)
        var accessTokenLifetime: TimeInterval = AccessTokenClaims.maximumLifetime
        var refreshTokenLifetime: Duration = .seconds(12 * 3600)
    }

    let accounts: AccountRepository
    let passwords: Passwords
    let signer: TokenSigner
    let policy: Policy

    func addRoutes(to group: RouterGroup<ECERequestContext>) {
        group.post("login", use: login)
        group.post("refresh", use: refresh)
        group.post("logout", use: logout)
        group.post("activate", use: activate)
        group.get("me", use: me)
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
    }

    static let invalidCredentials = Problem.unauthorized(
        "identifiants invalides ou compte verrouillé / invalid credentials or locked account")

    @Sendable func login(_ request: Request, context: ECERequestContext) async throws -> TokenResponse {
        try await authenticate(try await request.decode(as: LoginRequest.self, context: context), logger: context.logger)
    }

    /// Checks a login and password (slowed and locked after failures) and opens a session: the API's
    /// login and the web pages' sign-in form.
    func authenticate(_ body: LoginRequest, logger: Logger) async throws -> TokenResponse {
        guard (1...128).contains(body.login.count), body.password.count <= 128 else {
            throw Problem.validation([.init(field: "login", reason: "1 à 128 caractères / 1 to 128 characters")])
        }
        let locked = try await accounts.lockRemaining(login: body.login) > 0
        let account = try await accounts.find(login: body.login)
        // Always run bcrypt, for unknown and locked logins too: the timing tells nothing.
        let passwordOK = try await passwords.verify(body.password, hash: account?.passwordHash)
        guard let account, passwordOK, !locked, !account.disabled else {
            let failures = try await accounts.recordFailure(login: body.login, threshold: policy.lockThreshold,
                                                            lockFor: policy.lockDuration)
            logger.notice("login failed", metadata: ["login": "\(body.login)", "failures": "\(failures)"])
            try await Task.sleep(for: min(.seconds(2), policy.failureDelayStep * failures))
            throw Self.invalidCredentials
        }
        try await accounts.clearFailures(login: body.login)
        return try await issueTokens(for: account, family: UUID())
    }

    struct RefreshRequest: Decodable {
        var refreshToken: String
    }

    @Sendable func refresh(_ request: Request, context: ECERequestContext) async throws -> TokenResponse {
        try await renew(try await request.decode(as: RefreshRequest.self, context: context).refreshToken, logger: context.logger)
    }

    /// Rotates a refresh token (a spent one presented again revokes its whole family).
    func renew(_ refreshToken: String, logger: Logger) async throws -> TokenResponse {
        let body = RefreshRequest(refreshToken: refreshToken)
        let invalid = Problem.unauthorized("jeton de rafraîchissement invalide / invalid refresh token")
        switch try await accounts.useRefreshToken(sha256: Secrets.sha256(body.refreshToken)) {
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

    @Sendable func logout(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        try await end(try await request.decode(as: RefreshRequest.self, context: context).refreshToken)
        return .noContent
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

    @Sendable func activate(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        try await activate(try await request.decode(as: ActivateRequest.self, context: context))
        return .noContent
    }

    /// Sets the first password of a convoked person's account with their one-time code.
    func activate(_ body: ActivateRequest) async throws {
        if let problem = Passwords.problems(body.password) {
            throw Problem.validation([.init(field: "password", reason: problem)])
        }
        guard body.login.count <= 128, body.activationCode.count <= 128 else { throw Self.invalidCredentials }
        let hash = try await passwords.hash(body.password)
        guard try await accounts.activate(login: body.login, codeSHA256: ActivationCode.sha256(body.activationCode),
                                          passwordHash: hash)
        else {
            _ = try await accounts.recordFailure(login: body.login, threshold: policy.lockThreshold,
                                                 lockFor: policy.lockDuration)
            throw Problem.unauthorized("code d'activation invalide ou déjà utilisé / invalid or used activation code")
        }
    }

    @Sendable func me(_ request: Request, context: ECERequestContext) async throws -> UserView {
        let identity = try context.authenticated()
        guard let account = try await accounts.find(id: identity.userId) else { throw Problem.notFound() }
        return UserView(id: account.id, login: account.login, displayName: account.displayName, role: account.role,
                        scope: account.scope)
    }

    private func issueTokens(for account: Account, family: UUID) async throws -> TokenResponse {
        let access = try await signer.sign(account.identity, lifetime: policy.accessTokenLifetime)
        let refresh = Secrets.token()
        try await accounts.storeRefreshToken(sha256: Secrets.sha256(refresh), account: account.id, family: family,
                                             expiresIn: policy.refreshTokenLifetime)
        return TokenResponse(accessToken: access, expiresIn: Int(policy.accessTokenLifetime), refreshToken: refresh,
                             user: UserView(id: account.id, login: account.login, displayName: account.displayName,
                                            role: account.role, scope: account.scope))
    }
}
