import AsyncHTTPClient
import HTTPTypes
import Logging
import NIOCore
import Shared

/// One call to a service's API with a caller's token, its answer read whole: how the pages and the
/// accounts' directory checks read the services (`ServiceProxy` streams instead).
struct ServiceCall: Sendable {
    /// Service name → its replicas, as the proxy routes them.
    let upstreams: [String: Upstream]
    let logger: Logger

    struct Reply { var status: HTTPResponse.Status; var body: ByteBuffer }

    func callAsFunction(_ method: HTTPRequest.Method, _ service: String, _ path: String, token: String, json: String? = nil,
                        timeout: TimeAmount = .seconds(60)) async throws -> Reply {
        guard let upstream = upstreams[service] else { throw Problem.notFound() }
        var request = HTTPClientRequest(url: path)
        request.method = .init(rawValue: method.rawValue)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        do {
            let response = try await upstream.execute(request, path: path, replayable: true, timeout: timeout, logger: logger)
            return Reply(status: .init(code: Int(response.status.code)), body: try await response.body.collect(upTo: 20_000_000))
        } catch {
            throw ServiceProxy.unavailable(service)
        }
    }
}
