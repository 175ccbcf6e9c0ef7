import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The request context of every service: the correlation id that follows a request through
/// logs, events (`correlationId`) and the `X-Correlation-Id` header.
public struct ECERequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var correlationId: String = ""
    /// Set by `AuthMiddleware` from a verified token only.
    public var identity: Identity?
    /// The peer of the connection (the client, or a reverse proxy in front).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

extension HTTPField.Name {
    public static let correlationId = Self("X-Correlation-Id")!
}

/// Adopts the caller's `X-Correlation-Id` (or makes one), puts it in the logger and echoes it back.
public struct CorrelationMiddleware: RouterMiddleware {
    public typealias Context = ECERequestContext
    let metrics: ServiceMetrics?

    public init(metrics: ServiceMetrics? = nil) { self.metrics = metrics }

    public func handle(_ request: Request, context: ECERequestContext,
                       next: (Request, ECERequestContext) async throws -> Response) async throws -> Response {
        var context = context
        context.correlationId = Self.correlationId(of: request)
        context.logger[metadataKey: "correlationId"] = "\(context.correlationId)"
        metrics?.httpRequests.increment()
        var response = try await next(request, context)
        response.headers[.correlationId] = context.correlationId
        return response
    }

    /// The caller's `X-Correlation-Id` when usable, else a new one.
    public static func correlationId(of request: Request) -> String {
        request.headers[.correlationId].flatMap { $0.count <= 128 && !$0.isEmpty ? $0 : nil } ?? UUID().uuidString
    }
}

extension ECERequestContext {
    /// The session years the platform keeps.
    public static let annees = 2020...2100

    /// The `:annee` path parameter: a session year, or 404.
    public func session() throws -> Int {
        guard let text = parameters.get("annee"), let annee = Int(text), Self.annees.contains(annee) else {
            throw Problem.notFound("session")
        }
        return annee
    }

    /// A UUID path parameter, or 404 naming what was looked for.
    public func uuid(_ name: String = "id", of what: String? = nil) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw Problem.notFound(what) }
        return id
    }
}
