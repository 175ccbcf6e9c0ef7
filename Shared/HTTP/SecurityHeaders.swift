import HTTPTypes
import Hummingbird

/// Headers every response carries: no sniffing, no framing (but a PDF's, by this site's own pages:
/// the grading editor shows the subject beside the grid), no referrer, a strict CSP, HTTPS only.
/// No CORS headers are ever sent: cross-origin use is closed by default.
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = ECERequestContext

    public init() {}

    public func handle(_ request: Request, context: ECERequestContext,
                next: (Request, ECERequestContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        Self.apply(to: &response.headers)
        return response
    }

    /// Also for answers made outside the router (the database outage's 503).
    public static func apply(to headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        let pdf = headers[.contentType]?.hasPrefix("application/pdf") == true
        headers[HTTPField.Name("X-Frame-Options")!] = pdf ? "SAMEORIGIN" : "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors \(pdf ? "'self'" : "'none'"); object-src 'none'"
        headers[.strictTransportSecurity] = "max-age=31536000"
    }
}

