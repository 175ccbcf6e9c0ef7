import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Shared

/// Where the platform's broker and databases are, from the environment (the local defaults).
enum Environment {
    static var values: [String: String] { ProcessInfo.processInfo.environment }
    static var vhost: String { values["ECE_VHOST"] ?? "" }

    static func amqp() throws -> AMQPConfiguration {
        try AMQPConfiguration(url: values["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5673/\(vhost)")
    }

    static var management: URL {
        URL(string: values["RABBITMQ_MANAGEMENT_URL"] ?? "http://guest:guest@127.0.0.1:15673")!
    }
}

/// RabbitMQ's management API: queue figures, and a look at messages that leaves them in place.
struct Management {
    struct Queue: Sendable {
        var name: String
        var ready: Int
        var unacked: Int
        var consumers: Int
        var publishRate: Double?
        var deliverRate: Double?
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// `/` is the default vhost; the API wants it percent-encoded.
    private var vhostPath: String {
        let name = Environment.vhost.isEmpty ? "/" : Environment.vhost
        return name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
    }

    func queues() async throws -> [Queue] {
        struct Raw: Decodable {
            var name: String
            var messages_ready: Int?
            var messages_unacknowledged: Int?
            var consumers: Int?
            var message_stats: Stats?
            struct Stats: Decodable { var publish_details: Rate?; var deliver_get_details: Rate? }
            struct Rate: Decodable { var rate: Double }
        }
        let raw = try JSONDecoder().decode([Raw].self, from: try await call(.GET, "/api/queues/\(vhostPath)"))
        return raw.map { q in
            Queue(name: q.name, ready: q.messages_ready ?? 0, unacked: q.messages_unacknowledged ?? 0, consumers: q.consumers ?? 0,
                  publishRate: q.message_stats?.publish_details?.rate, deliverRate: q.message_stats?.deliver_get_details?.rate)
        }.sorted { $0.name < $1.name }
    }

    /// Up to `count` messages of a queue, put back at once (`reject_requeue_true`): reading them
    /// removes nothing.
    func peek(_ queue: String, count: Int) async throws -> [DeadLetter] {
        struct Raw: Decodable {
            var payload: String
            var payload_encoding: String
            var routing_key: String
            var properties: Properties
            struct Properties: Decodable {
                var message_id: String?
                var type: String?
                var correlation_id: String?
                var headers: [String: JSONValue]?
            }
        }
        let request = ["count": "\(count)", "ackmode": "reject_requeue_true", "encoding": "auto", "truncate": "100000"]
        let body = try JSONSerialization.data(withJSONObject: request.mapValues { Int($0).map { $0 as Any } ?? $0 })
        let path = "/api/queues/\(vhostPath)/\(queue.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? queue)/get"
        let raw = try JSONDecoder().decode([Raw].self, from: try await call(.POST, path, body: body))
        return raw.map { m in
            let bytes = m.payload_encoding == "base64" ? Data(base64Encoded: m.payload) ?? Data() : Data(m.payload.utf8)
            let message = AMQPMessage(body: bytes, messageId: m.properties.message_id, type: m.properties.type,
                                      correlationId: m.properties.correlation_id, routingKey: m.routing_key, exchange: "",
                                      redelivered: true, deliveryTag: 0,
                                      headers: (m.properties.headers ?? [:]).mapValues(\.field))
            return DeadLetter(message)
        }
    }

    private func call(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws -> Data {
        let base = Environment.management
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        let credentials = "\(components.user ?? "guest"):\(components.password ?? "guest")"
        (components.user, components.password) = (nil, nil)
        var request = HTTPClientRequest(url: components.string! + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Basic \(Data(credentials.utf8).base64EncodedString())")
        // Uncompressed: the client's decompression refuses JSON that compresses as well as queue lists do.
        request.headers.add(name: "Accept-Encoding", value: "identity")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        guard response.status == .ok else {
            throw Failure(description: "RabbitMQ management \(method) \(path): \(response.status) \(String(buffer: bytes))")
        }
        return Data(buffer: bytes)
    }
}

/// A header value as the management API gives it (JSON), turned into the AMQP field the
/// platform's `DeadLetter` reads (x-death is an array of tables; its time is in seconds).
enum JSONValue: Decodable {
    case string(String), number(Double), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var field: AMQPFieldValue {
        switch self {
        case .string(let s): .string(s)
        case .number(let n): .int(Int64(n))
        case .bool(let b): .bool(b)
        case .array(let a): .array(a.map(\.field))
        case .object(let o): .table(o.mapValues(\.field))
        case .null: .other
        }
    }
}
