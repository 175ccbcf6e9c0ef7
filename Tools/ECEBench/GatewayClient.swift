import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Shared

/// A user of the platform talking to the gateway: logs in with a demo account, then calls the API
/// with its token (what the web pages and the end-to-end runs do).
struct GatewayClient: Sendable {
    /// The gateway's URL, or its replicas' comma-separated: each call goes to one of them at random,
    /// as a load balancer in front of them would spread it (the cluster chaos run kills one).
    let base: String
    let http: HTTPClient
    var token: String?

    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// The status the platform answered, when it answered.
        var status: UInt? = nil
    }

    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var body: ByteBuffer
        var text: String { String(buffer: body) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder.iso.decode(T.self, from: body)
        }
    }

    func login(_ login: String, password: String) async throws -> GatewayClient {
        let reply = try await call(.POST, "/api/auth/login", json: ["login": login, "password": password])
        guard reply.status == .ok else { throw Failure(description: "login \(login): \(reply.status) \(reply.text)") }
        struct Tokens: Decodable { var accessToken: String }
        var client = self
        client.token = try reply.decode(Tokens.self).accessToken
        return client
    }

    func call(_ method: HTTPMethod, _ path: String, json: some Encodable) async throws -> Reply {
        try await call(method, path, body: ByteBuffer(data: try JSONEncoder.iso.encode(json)), contentType: "application/json")
    }

    func call(_ method: HTTPMethod, _ path: String, body: ByteBuffer? = nil, contentType: String? = nil) async throws -> Reply {
        let root = base.contains(",") ? String(base.split(separator: ",").randomElement()!) : base
        var request = HTTPClientRequest(url: root + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(body) }
        let response = try await http.execute(request, timeout: .seconds(120))
        return Reply(status: response.status, body: try await response.body.collect(upTo: 50_000_000))
    }

    /// The call must answer one of `expected`, else the run stops with what the platform said.
    @discardableResult
    func expect(_ expected: Set<UInt>, _ method: HTTPMethod, _ path: String, json: (some Encodable)? = Optional<String>.none,
                raw: String? = nil, contentType: String? = nil) async throws -> Reply {
        let reply: Reply
        if let json { reply = try await call(method, path, json: json) }
        else { reply = try await call(method, path, body: raw.map { ByteBuffer(string: $0) }, contentType: contentType) }
        guard expected.contains(reply.status.code) else {
            throw Failure(description: "\(method) \(path): \(reply.status) \(reply.text.prefix(600))", status: reply.status.code)
        }
        return reply
    }
}
