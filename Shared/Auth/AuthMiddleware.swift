import Hummingbird
import HTTPTypes

/// Verifies the bearer token of every request with the public key and puts the caller's identity
/// in the context. A request without a token passes through anonymous (routes that need a caller
/// say so with `require`); a request with a bad token is refused at once.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = ECERequestContext
    let verifier: TokenVerifier

    public init(verifier: TokenVerifier) { self.verifier = verifier }

    public func handle(_ request: Request, context: ECERequestContext,
                       next: (Request, ECERequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.hasPrefix("Bearer "), let identity = await verifier.identity(from: String(header.dropFirst(7)))
        else { throw Problem.unauthorized("jeton invalide ou expiré / invalid or expired token") }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "user"] = "\(identity.login)"
        return try await next(request, context)
    }
}

extension ECERequestContext {
    /// The verified caller, or 401.
    public func authenticated() throws -> Identity {
        guard let identity else { throw Problem.unauthorized("authentification requise / authentication required") }
        return identity
    }

    /// The verified caller if their role is one of `roles`; 401 without a token, 403 otherwise.
    public func require(_ roles: Role...) throws -> Identity {
        let identity = try authenticated()
        guard roles.contains(identity.role) else {
            throw Problem.forbidden("rôle \(identity.role.rawValue) non autorisé / role not allowed")
        }
        return identity
    }
}

extension Problem {
    public static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, type: "unauthorized", title: "Non authentifié / Unauthenticated", detail: detail)
    }
    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, type: "forbidden", title: "Accès refusé / Forbidden", detail: detail)
    }
}
