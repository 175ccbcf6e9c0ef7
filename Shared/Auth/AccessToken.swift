import Crypto
import Foundation
import JWTKit
import Synchronization

/// The claims of an access token: who (`sub`, `login`), as what (`role`, `scope`), until when (`exp`, ≤ 15 min).
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var login: String
    public var role: String
    public var scope: String
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    public var iss: IssuerClaim

    public static let issuer = "ece-gateway"
    public static let maximumLifetime: TimeInterval = 15 * 60

    public init(identity: Identity, issuedAt: Date = Date(), lifetime: TimeInterval = maximumLifetime) {
        sub = SubjectClaim(value: identity.userId.uuidString)
        login = identity.login
        role = identity.role.rawValue
        scope = identity.scope.description
        iat = IssuedAtClaim(value: issuedAt)
        exp = ExpirationClaim(value: issuedAt.addingTimeInterval(min(lifetime, Self.maximumLifetime)))
        iss = IssuerClaim(value: Self.issuer)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == Self.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer") }
        guard exp.value.timeIntervalSince(iat.value) <= Self.maximumLifetime + 1 else {
            throw JWTError.claimVerificationFailure(failedClaim: exp, reason: "lifetime over 15 minutes")
        }
    }

    var identity: Identity? {
        guard let id = UUID(uuidString: sub.value), let role = Role(rawValue: role), let scope = Scope(scope),
            scope.fits(role)
        else { return nil }
        return Identity(userId: id, login: login, role: role, scope: scope)
    }
}

/// Loads the EdDSA keys distributed by configuration: every service has the public key
/// (`JWT_PUBLIC_KEY`, PEM, or `JWT_PUBLIC_KEY_FILE`); only the gateway has the private one.
public enum TokenKeys {
    public static func publicKey(environment: [String: String]) throws -> EdDSA.PublicKey {
        try EdDSA.PublicKey(pem: try pem("JWT_PUBLIC_KEY", environment))
    }

    public static func privateKey(environment: [String: String]) throws -> EdDSA.PrivateKey {
        try EdDSA.PrivateKey(pem: try pem("JWT_PRIVATE_KEY", environment))
    }

    private static func pem(_ name: String, _ environment: [String: String]) throws -> String {
        guard let pem = ServiceConfiguration.secret(name, in: environment) else { throw TokenKeyMissing(variable: name) }
        return pem
    }
}

public struct TokenKeyMissing: Error, CustomStringConvertible {
    public var variable: String
    public var description: String { "\(variable) (PEM) or \(variable)_FILE must be set" }
}

/// Checks access tokens' signature and expiry with the public key.
public struct TokenVerifier: Sendable {
    private let keys: JWTKeyCollection
    private let verified: VerifiedTokens

    public init(publicKey: EdDSA.PublicKey, remembering capacity: Int = VerifiedTokens.defaultCapacity) async {
        keys = JWTKeyCollection()
        await keys.add(eddsa: publicKey)
        verified = VerifiedTokens(capacity: capacity)
    }

    /// The caller's identity, or nil when the token is invalid, expired, tampered or signed by another key.
    public func identity(from token: String) async -> Identity? {
        if let identity = verified.identity(token, at: Date()) { return identity }
        guard let claims = try? await keys.verify(token, as: AccessTokenClaims.self), let identity = claims.identity else { return nil }
        verified.remember(token, identity, until: claims.exp.value)
        return identity
    }
}

/// Tokens whose signature was already checked, with the identity they carry, until their own
/// expiry. An examiner sends a token many times in its 15 minutes; the Ed25519 check cost a tenth
/// of the gateway's and of Correction's CPU under load (perf, `ece-bench national`). The key is the
/// SHA-256 of the whole token (kept whole, 12,000 examiners' tokens raised Correction's peak by
/// about 12 MB), so a token differing by one byte is a miss and is verified in full.
public final class VerifiedTokens: Sendable {
    /// About 150 bytes an entry: 20,000 callers within 15 minutes cost a service some 3 MB.
    public static let defaultCapacity = 20_000
    private let capacity: Int
    private let entries = Mutex<[SHA256Digest: (identity: Identity, expiry: Date)]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func identity(_ token: String, at now: Date) -> Identity? {
        let key = SHA256.hash(data: Data(token.utf8))
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.expiry else {
                entries[key] = nil
                return nil
            }
            return entry.identity
        }
    }

    func remember(_ token: String, _ identity: Identity, until expiry: Date) {
        let key = SHA256.hash(data: Data(token.utf8))
        entries.withLock { entries in
            // The expired go first; when most entries are still valid, start over (they are verified again).
            let now = Date()
            entries.makeRoom(capacity: capacity) { now < $0.expiry }
            entries[key] = (identity, expiry)
        }
    }
}

/// Signs access tokens (the gateway only).
public struct TokenSigner: Sendable {
    private let keys: JWTKeyCollection

    public init(privateKey: EdDSA.PrivateKey) async {
        keys = JWTKeyCollection()
        await keys.add(eddsa: privateKey)
    }

    public func sign(_ identity: Identity, lifetime: TimeInterval = AccessTokenClaims.maximumLifetime) async throws -> String {
        try await keys.sign(AccessTokenClaims(identity: identity, lifetime: lifetime))
    }

    public func sign(_ claims: AccessTokenClaims) async throws -> String {
        try await keys.sign(claims)
    }
}
