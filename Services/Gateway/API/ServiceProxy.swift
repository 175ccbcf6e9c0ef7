import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Shared

/// Routes `/api/<service>/…` to the service that owns it, streaming bodies both ways and passing on
/// `Authorization` (each service verifies the token itself) and `X-Correlation-Id`.
/// An unreachable or silent service gives 503 problem+json, not a hang.
struct ServiceProxy: Sendable {
    let client: HTTPClient
    /// Path segment after `/api/` → base URL, e.g. `inscriptions` → `http://127.0.0.1:8081`.
    let upstreams: [String: String]
    let maxBodySize: Int
    var timeout: TimeAmount = .seconds(30)
    /// The signed-in browser's session, for calls that carry the session cookie instead of a token.
    var webSession: (@Sendable (Request, Logger) async -> WebController.Session?)?

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
    /// Connection-level headers that concern one hop only (RFC 9110 §7.6.1).
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
                                        "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "host"]

    func addRoutes(to router: Router<ECERequestContext>) {
        for (name, base) in upstreams.sorted(by: { $0.key < $1.key }) {
            for method in Self.methods {
                router.on("/api/\(name)/**", method: method) { request, context in
                    try await forward(request, context: context, service: name, base: base)
                }
            }
        }
    }

    private func forward(_ request: Request, context: ECERequestContext, service: String,
                         base: String) async throws -> Response {
        var outgoing = HTTPClientRequest(url: base + request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName)
            && field.name != .contentLength && field.name != .correlationId && field.name != .cookie {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        // The web pages' session cookie stands for the bearer token (renewed when it expired, for
        // reads and same-site writes only); cookies never reach the services. A token was verified
        // by `AuthMiddleware` already; without either, every service refuses: so does the gateway,
        // before it reads a byte of the body.
        var renewed: [String] = []
        if request.headers[.authorization] == nil {
            guard let session = await webSession?(request, context.logger) else {
                throw Problem.unauthorized("authentification requise / authentication required")
            }
            outgoing.headers.add(name: "Authorization", value: "Bearer \(session.token)")
            renewed = session.setCookies
        }
        outgoing.headers.replaceOrAdd(name: HTTPField.Name.correlationId.rawName, value: context.correlationId)
        var counted: CountedBody?
        if let declared = request.headers[.contentLength].flatMap(Int.init) {
            guard declared <= maxBodySize else { throw Self.tooLarge(maxBodySize) }
            // The client sends a body again when it retries on a fresh connection: small bodies
            // (every JSON call) are read first so a retry is safe; large uploads stream once.
            outgoing.body = declared <= Self.bufferedBodySize
                ? .bytes(try await request.body.collect(upTo: declared))
                : .stream(SinglePass(request.body), length: .known(Int64(declared)))
        } else if request.method != .get && request.method != .delete {
            // Chunked upload: streamed, and cut off (413) once it passes the limit.
            let body = CountedBody(request.body, limit: maxBodySize)
            outgoing.body = .stream(SinglePass(body), length: .unknown)
            counted = body
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: timeout)
        } catch {
            if counted?.exceeded == true { throw Self.tooLarge(maxBodySize) }
            context.logger.error("upstream unreachable", metadata: ["service": "\(service)", "error": "\(error)"])
            throw Problem.serviceUnavailable("le service \(service) ne répond pas / service \(service) unavailable")
        }
        var headers = HTTPFields()
        for (name, value) in response.headers where !Self.hopByHop.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        WebSession.append(renewed, to: &headers)
        return Response(status: .init(code: Int(response.status.code)), headers: headers,
                        body: ResponseBody(asyncSequence: response.body))
    }

    static let bufferedBodySize = 256 * 1024

    static func tooLarge(_ limit: Int) -> Problem {
        Problem(.contentTooLarge, type: "too-large", title: "Requête trop volumineuse / Request too large",
                detail: "limite \(limit / 1_000_000) Mo / limit \(limit / 1_000_000) MB")
    }
}

/// A streamed request body the HTTP client may iterate once only: a second pass (a retry after
/// the connection was lost) fails the request (503) instead of crashing the gateway, since the
/// server's body can be read only once.
struct SinglePass<Body: AsyncSequence & Sendable>: AsyncSequence, Sendable where Body.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let body: Body
    private let taken = Taken()

    init(_ body: Body) { self.body = body }

    func makeAsyncIterator() -> Iterator {
        Iterator(base: taken.take() ? body.makeAsyncIterator() : nil)
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: Body.AsyncIterator?
        mutating func next() async throws -> ByteBuffer? {
            guard base != nil else { throw SentTwice() }
            return try await base!.next()
        }
    }

    struct SentTwice: Error {}

    private final class Taken: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        /// true the first time only.
        func take() -> Bool { lock.withLock { defer { done = true }; return !done } }
    }
}

/// A request body of unknown length passed on as it comes, which fails once it has carried more
/// than `limit` bytes (and says so, for the 413).
struct CountedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let body: RequestBody
    let limit: Int
    private let state = State()

    init(_ body: RequestBody, limit: Int) {
        self.body = body
        self.limit = limit
    }

    var exceeded: Bool { state.exceeded }

    func makeAsyncIterator() -> Iterator { Iterator(base: body.makeAsyncIterator(), limit: limit, state: state) }

    struct Iterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        let state: State
        var count = 0
        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            count += chunk.readableBytes
            if count > limit {
                state.exceeded = true
                throw TooLarge()
            }
            return chunk
        }
    }

    struct TooLarge: Error {}

    final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var exceeded: Bool {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }
}

/// Shuts the HTTP client down with the application.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
