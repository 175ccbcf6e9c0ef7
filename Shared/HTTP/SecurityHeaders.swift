import HTTPTypes
import Hummingbird

/// Headers every response carries: no sniffing, no framing, no referrer, a strict CSP, HTTPS only.
/// No CORS headers are ever sent: cross-origin use is closed by default.
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = ECERequestContext

    public init() {}

    public func handle(_ request: Request, context: ECERequestContext,
                next: (Request, ECERequestContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; object-src 'none'"
        response.headers[.strictTransportSecurity] = "max-age=31536000"
        return response
    }
}

