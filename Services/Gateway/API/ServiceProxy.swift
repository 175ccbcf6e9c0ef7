import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Shared

/// Routes `/api/<service>/…` to the service that owns it (one of its healthy replicas: `Upstream`),
/// streaming bodies both ways and passing on `Authorization` (each service verifies the token itself)
/// and `X-Correlation-Id`. An unreachable or silent service gives 503 problem+json, not a hang.
struct ServiceProxy: Sendable {
    /// Path segment after `/api/` → the service's replicas, e.g. `inscriptions` → `http://127.0.0.1:8081`.
    let upstreams: [String: Upstream]
    let maxBodySize: Int
    var timeout: TimeAmount = .seconds(30)
    /// The signed-in browser's session, for calls that carry the session cookie instead of a token.
    var webSession: (@Sendable (Request, Logger) async -> WebController.Session?)?

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
    /// Connection-level headers that concern one hop only (RFC 9110 §7.6.1).
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
                                        "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "host"]

    func addRoutes(to router: Router<ECERequestContext>) {
        for (name, upstream) in upstreams.sorted(by: { $0.key < $1.key }) {
            for method in Self.methods {
                router.on("/api/\(name)/**", method: method) { request, context in
                    try await forward(request, context: context, upstream: upstream)
                }
            }
        }
    }

    private func forward(_ request: Request, context: ECERequestContext, upstream: Upstream) async throws -> Response {
        let service = upstream.service
        var outgoing = HTTPClientRequest(url: request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName)
            && field.name != .contentLength && field.name != .correlationId && field.name != .cookie {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        // The web pages' session cookie stands for the bearer token (renewed when it expired, for
        // reads and same-site writes only); cookies never reach the services. A token was verified
        // by `AuthMiddleware` already; without either, every service refuses: so does the gateway,
        // before it reads a byte of the body.
        var renewed: [Cookie] = []
        if request.headers[.authorization] == nil {
            guard let session = await webSession?(request, context.logger) else {
                throw Problem.unauthorized("authentification requise / authentication required")
            }
            outgoing.headers.add(name: "Authorization", value: "Bearer \(session.token)")
            renewed = session.setCookies
        }
        outgoing.headers.replaceOrAdd(name: HTTPField.Name.correlationId.rawName, value: context.correlationId)
        var streamed: ForwardedBody?
        if let declared = request.headers[.contentLength].flatMap(Int.init) {
            guard declared <= maxBodySize else { throw Self.tooLarge(maxBodySize) }
            // The client sends a body again when it retries on a fresh connection: small bodies
            // (every JSON call) are read first so a retry is safe; large uploads stream once.
            if declared <= Self.bufferedBodySize {
                outgoing.body = .bytes(try await request.body.collect(upTo: declared))
            } else {
                streamed = ForwardedBody(request.body, limit: declared)
                outgoing.body = .stream(streamed!, length: .known(Int64(declared)))
            }
        } else if request.method != .get && request.method != .delete {
            // Chunked upload: streamed, and cut off (413) once it passes the limit.
            streamed = ForwardedBody(request.body, limit: maxBodySize)
            outgoing.body = .stream(streamed!, length: .unknown)
        }
        let response: HTTPClientResponse
        let forwarded = streamed
        do {
            // Cancelled (the database-outage responder gives up on the request): the read in flight
            // is the client's task's, out of reach of this cancellation; stop it too.
            response = try await withTaskCancellationHandler {
                try await upstream.execute(outgoing, path: request.uri.description, replayable: forwarded == nil,
                                           timeout: timeout, logger: context.logger)
            } onCancel: {
                forwarded?.abort()
            }
        } catch {
            await forwarded?.settle()
            if forwarded?.exceeded == true { throw Self.tooLarge(maxBodySize) }
            throw Self.unavailable(service)
        }
        var headers = HTTPFields()
        for (name, value) in response.headers where !Self.hopByHop.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        WebSession.append(renewed, to: &headers)
        return Response(status: .init(code: Int(response.status.code)), headers: headers, body: ResponseBody { writer in
            // Settled before the response ends: the server then reads what is left of the request.
            do {
                for try await part in response.body { try await writer.write(part) }
            } catch {
                await forwarded?.settle()
                throw error
            }
            await forwarded?.settle()
            try await writer.finish(nil)
        })
    }

    static let bufferedBodySize = 256 * 1024

    /// No replica answered, or the one that had a write died with it: the write was not sent again
    /// (it may have been applied), the client may try it again in a moment — on another replica.
    static func unavailable(_ service: String) -> Problem {
        var problem = Problem.serviceUnavailable("le service \(service) ne répond pas / service \(service) unavailable")
        problem.retryAfter = 1
        return problem
    }

    static func tooLarge(_ limit: Int) -> Problem {
        Problem(.contentTooLarge, type: "too-large", title: "Requête trop volumineuse / Request too large",
                detail: "limite \(limit / 1_000_000) Mo / limit \(limit / 1_000_000) MB")
    }
}

/// A request body streamed to the service, read by the HTTP client's own task. Once the response
/// is written, the server reads the same body to skip what the service left unread, and two reads
/// at once crash the process (NIO allows one pending `next()`): a service that answers before the
/// end of a slowly sent body did that. So each read runs in a task of its own, which `settle()`
/// cancels and awaits: the body ends there (the server then closes the connection after the
/// response instead of reading on). The client may iterate once only: a second pass (a retry on a
/// fresh connection) fails the request (503), the server's body being readable once. More than
/// `limit` bytes fail it too, and say so (`exceeded`, for the 413).
final class ForwardedBody: AsyncSequence, @unchecked Sendable {
    typealias Element = ByteBuffer
    private let lock = NSLock()
    private var body: RequestBody.AsyncIterator?
    private var passes = 0
    private var count = 0
    private let limit: Int
    private var reading: Task<ByteBuffer?, any Error>?
    private var settled = false
    private var over = false

    init(_ body: RequestBody, limit: Int) {
        self.body = body.makeAsyncIterator()
        self.limit = limit
    }

    var exceeded: Bool { lock.withLock { over } }

    func makeAsyncIterator() -> Iterator {
        Iterator(owner: self, pass: lock.withLock { passes += 1; return passes })
    }

    struct Iterator: AsyncIteratorProtocol {
        let owner: ForwardedBody
        let pass: Int
        func next() async throws -> ByteBuffer? { try await owner.next(pass: pass) }
    }

    struct Stopped: Error {}

    /// The iterator handed to the read's task and back (one reader at a time, by construction).
    private final class Held: @unchecked Sendable {
        var iterator: RequestBody.AsyncIterator
        init(_ iterator: RequestBody.AsyncIterator) { self.iterator = iterator }
    }

    private func next(pass: Int) async throws -> ByteBuffer? {
        let read: Task<ByteBuffer?, any Error>? = lock.withLock {
            guard pass == 1, !settled, !over, let body else { return nil }
            self.body = nil
            let held = Held(body)
            let task = Task {
                let part = try await held.iterator.next()
                lock.withLock {
                    self.body = held.iterator
                    count += part?.readableBytes ?? 0
                    over = count > limit
                }
                return part
            }
            reading = task
            return task
        }
        guard let read else { throw Stopped() }
        let part = await read.result
        guard lock.withLock({ reading = nil; return !over }) else { throw Stopped() }
        return try part.get()
    }

    /// Stops the body: the read in flight is cancelled, none starts afterwards.
    func abort() {
        lock.withLock { settled = true; return reading }?.cancel()
    }

    /// `abort()`, then returns once the read in flight has ended.
    func settle() async {
        let read = lock.withLock { settled = true; return reading }
        read?.cancel()
        _ = await read?.result
    }
}

/// Shuts the HTTP clients down with the application.
struct HTTPClientService: Service {
    let clients: [HTTPClient]

    func run() async throws {
        try? await gracefulShutdown()
        for client in clients { try await client.shutdown() }
    }
}
