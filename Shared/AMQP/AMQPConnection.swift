import CRabbitMQ
import Foundation

/// Where the broker is: parsed from an `amqp://` or `amqps://` URL (credentials come from the
/// environment) — or from several, comma-separated, one per node of a cluster: a connection goes
/// to the first node that answers and, lost, moves on to the next (`AMQPConnection.open`).
public struct AMQPConfiguration: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var host: String
        public var port: Int
    }

    /// The cluster's nodes, in the order given; never empty.
    public var nodes: [Node]
    public var host: String { nodes[0].host }
    public var port: Int { nodes[0].port }
    public var user: String
    public var password: String
    public var vhost: String
    public var tls: Bool
    /// CA bundle for `amqps://` peer verification (`AMQP_CA_FILE`); the system bundle by default.
    public var caFile: String?
    public var heartbeatSeconds: Int32 = 30

    public init(url: String, caFile: String? = nil) throws {
        var nodes: [Node] = []
        var common: (tls: Bool, user: String, password: String, vhost: String)?
        for text in url.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let components = URLComponents(string: text), let scheme = components.scheme,
                scheme == "amqp" || scheme == "amqps"
            else { throw AMQPError.configuration("not an amqp:// or amqps:// URL") }
            let tls = scheme == "amqps"
            nodes.append(Node(host: components.host ?? "127.0.0.1", port: components.port ?? (tls ? 5671 : 5672)))
            let path = components.percentEncodedPath
            let these = (tls, components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "guest",
                         components.percentEncodedPassword.flatMap { $0.removingPercentEncoding } ?? "guest",
                         path.isEmpty || path == "/" ? "/" : String(path.dropFirst()).removingPercentEncoding ?? "/")
            // One cluster: the nodes differ by address only.
            if let common, common != these { throw AMQPError.configuration("the nodes' URLs differ in more than host and port") }
            common = these
        }
        guard let common else { throw AMQPError.configuration("no amqp:// URL") }
        self.nodes = nodes
        (tls, user, password, vhost) = common
        self.caFile = caFile ?? (tls ? "/etc/ssl/certs/ca-certificates.crt" : nil)
    }

    /// The same, on its `index`-th node only.
    func on(_ index: Int) -> AMQPConfiguration {
        var one = self
        one.nodes = [nodes[index]]
        return one
    }
}

public enum AMQPError: Error, CustomStringConvertible, Sendable {
    case configuration(String)
    case connection(String)
    case notConnected
    case confirmTimeout

    public var description: String {
        switch self {
        case .configuration(let m): "AMQP configuration: \(m)"
        case .connection(let m): "AMQP connection: \(m)"
        case .notConnected: "AMQP: not connected to the broker"
        case .confirmTimeout: "AMQP: publisher confirms did not arrive in time"
        }
    }
}

/// A message as read from the broker: body and the properties the platform uses.
public struct AMQPMessage: Sendable {
    public var body: Data
    public var messageId: String?
    public var type: String?
    public var correlationId: String?
    /// The broker user who published it: RabbitMQ refuses a `user_id` other than the
    /// connection's own (unless the user is an `impersonator`), so this one can be trusted.
    public var userId: String?
    public var routingKey: String
    public var exchange: String
    public var redelivered: Bool
    public var deliveryTag: UInt64
    /// Message headers, flattened to text (the broker's `x-death` among them).
    public var headers: [String: AMQPFieldValue]

    /// A message read another way (the management API's view of a queue, for operators).
    public init(body: Data, messageId: String?, type: String?, correlationId: String?, routingKey: String, exchange: String,
                redelivered: Bool, deliveryTag: UInt64, headers: [String: AMQPFieldValue], userId: String? = nil) {
        (self.body, self.messageId, self.type, self.correlationId) = (body, messageId, type, correlationId)
        self.userId = userId
        (self.routingKey, self.exchange, self.redelivered, self.deliveryTag, self.headers) =
            (routingKey, exchange, redelivered, deliveryTag, headers)
    }
}

/// A field-table value, decoded from rabbitmq-c's union into Swift.
public indirect enum AMQPFieldValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case table([String: AMQPFieldValue])
    case array([AMQPFieldValue])
    case other
}

/// One AMQP connection with channel 1 open. rabbitmq-c is blocking and not thread-safe:
/// an instance is created, used and closed by a single owner thread (see `AMQPWorker`),
/// and is never shared — that invariant is why it is `@unchecked Sendable`.
final class AMQPConnection: @unchecked Sendable {
    private let state: amqp_connection_state_t
    let channel: amqp_channel_t = 1
    /// The broker user it logged in as: the `user_id` of what it publishes.
    let user: String
    private var open = true

    /// The index of the node it is connected to, in its configuration's `nodes`.
    private(set) var node = 0

    /// A connection to the first node that answers, trying them in turn from `first`.
    static func open(_ config: AMQPConfiguration, from first: Int = 0) throws -> AMQPConnection {
        var failures: [String] = []
        for step in 0..<config.nodes.count {
            let index = (first + step) % config.nodes.count
            do {
                let connection = try AMQPConnection(config.on(index))
                connection.node = index
                return connection
            } catch {
                failures.append("\(error)")
            }
        }
        throw AMQPError.connection(failures.joined(separator: "; "))
    }

    private init(_ config: AMQPConfiguration) throws {
        guard let state = amqp_new_connection() else { throw AMQPError.connection("cannot allocate a connection") }
        self.state = state
        user = config.user
        do {
            try connect(config)
        } catch {
            amqp_destroy_connection(state)
            open = false
            throw error
        }
    }

    private func connect(_ config: AMQPConfiguration) throws {
        let socket: OpaquePointer?
        if config.tls {
            socket = amqp_ssl_socket_new(state)
            guard let socket else { throw AMQPError.connection("cannot create a TLS socket") }
            amqp_ssl_socket_set_verify_peer(socket, 1)
            amqp_ssl_socket_set_verify_hostname(socket, 1)
            if let ca = config.caFile {
                try check(amqp_ssl_socket_set_cacert(socket, ca), "loading CA \(ca)")
            }
        } else {
            socket = amqp_tcp_socket_new(state)
        }
        guard let socket else { throw AMQPError.connection("cannot create a socket") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        try check(amqp_socket_open_noblock(socket, config.host, Int32(config.port), &timeout),
                  "opening \(config.host):\(config.port)")
        let login = ece_amqp_login_plain(state, config.vhost, 0, 131072, config.heartbeatSeconds,
                                         config.user, config.password)
        try checkReply(login, "login")
        amqp_channel_open(state, channel)
        try checkReply(amqp_get_rpc_reply(state), "channel.open")
    }

    deinit { close() }

    /// Closes politely when possible; always frees the C state.
    func close() {
        guard open else { return }
        open = false
        _ = amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS))
        _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
        amqp_destroy_connection(state)
    }

    // MARK: topology

    /// `passive`: only checks that it exists (needs no configure permission on it).
    func declareExchange(_ name: String, type: String, passive: Bool = false) throws {
        amqp_exchange_declare(state, channel, bytes(name), bytes(type), passive ? 1 : 0, 1, 0, 0, amqp_empty_table)
        try checkReply(amqp_get_rpc_reply(state), "exchange.declare \(name)")
    }

    func declareQuorumQueue(_ name: String, deadLetterExchange: String?, deadLetterRoutingKey: String?,
                            deliveryLimit: Int) throws {
        _ = ece_declare_quorum_queue(state, channel, name, deadLetterExchange, deadLetterRoutingKey ?? name,
                                     Int64(deliveryLimit))
        try checkReply(amqp_get_rpc_reply(state), "queue.declare \(name)")
    }

    func bindQueue(_ queue: String, exchange: String, routingKey: String) throws {
        amqp_queue_bind(state, channel, bytes(queue), bytes(exchange), bytes(routingKey), amqp_empty_table)
        try checkReply(amqp_get_rpc_reply(state), "queue.bind \(queue) \(routingKey)")
    }

    /// Message count of an existing queue (passive declare). Also a cheap synchronous round trip.
    func queueDepth(_ queue: String) throws -> Int {
        Int(try declarePassive(queue)?.pointee.message_count ?? 0)
    }

    /// Consumers of an existing queue: a consumer subscribes only once its bindings are made.
    func queueConsumers(_ queue: String) throws -> Int {
        Int(try declarePassive(queue)?.pointee.consumer_count ?? 0)
    }

    private func declarePassive(_ queue: String) throws -> UnsafeMutablePointer<amqp_queue_declare_ok_t>? {
        let ok = amqp_queue_declare(state, channel, bytes(queue), 1, 0, 0, 0, amqp_empty_table)
        try checkReply(amqp_get_rpc_reply(state), "queue.declare passive \(queue)")
        return ok
    }

    func purgeQueue(_ queue: String) throws {
        amqp_queue_purge(state, channel, bytes(queue))
        try checkReply(amqp_get_rpc_reply(state), "queue.purge \(queue)")
    }

    func deleteQueue(_ queue: String) throws {
        amqp_queue_delete(state, channel, bytes(queue), 0, 0)
        try checkReply(amqp_get_rpc_reply(state), "queue.delete \(queue)")
    }

    // MARK: publishing

    func enableConfirms() throws {
        amqp_confirm_select(state, channel)
        try checkReply(amqp_get_rpc_reply(state), "confirm.select")
    }

    /// Sends one persistent message. `mandatory` makes an unroutable message come back as basic.return.
    /// `userId` is the connection's own user unless given (another one needs the `impersonator` tag).
    func publish(exchange: String, routingKey: String, body: Data, messageId: String, type: String,
                 correlationId: String?, appId: String, mandatory: Bool, headers: [String: String] = [:],
                 userId: String? = nil) throws {
        let strings = CStrings()
        var props = amqp_basic_properties_t()
        props._flags = ECE_BASIC_FLAGS_PUBLISH | ECE_BASIC_USER_ID_FLAG
        props.user_id = strings.bytes(userId ?? user)
        props.content_type = strings.bytes("application/json")
        props.delivery_mode = 2
        props.message_id = strings.bytes(messageId)
        props.type = strings.bytes(type)
        props.correlation_id = strings.bytes(correlationId ?? messageId)
        props.app_id = strings.bytes(appId)
        props.timestamp = UInt64(Date().timeIntervalSince1970)
        let keys = headers.keys.sorted()
        let keyBytes = keys.map { strings.bytes($0) }, valueBytes = keys.map { strings.bytes(headers[$0]!) }
        let entries = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: max(keys.count, 1))
        defer { entries.deallocate() }
        if !keys.isEmpty { ece_set_text_headers(&props, entries, keyBytes, valueBytes, Int32(keys.count)) }
        let exchangeBytes = strings.bytes(exchange), routingKeyBytes = strings.bytes(routingKey)
        let status = withExtendedLifetime(strings) {
            body.withUnsafeBytes { raw in
                amqp_basic_publish(state, channel, exchangeBytes, routingKeyBytes, mandatory ? 1 : 0, 0, &props,
                                   amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress)))
            }
        }
        try check(status, "basic.publish")
    }

    /// What came back on the channel while waiting for confirms.
    enum ConfirmFrame {
        case ack(tag: UInt64, multiple: Bool)
        case nack(tag: UInt64, multiple: Bool)
        case returned(messageId: String?, replyText: String)
        case timeout
    }

    /// Waits up to `timeout` for the next confirm-related frame (0.11 has no confirm helper).
    func nextConfirmFrame(timeout: TimeInterval) throws -> ConfirmFrame {
        var frame = amqp_frame_t()
        var tv = timeval(timeout)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &tv)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return .timeout }
        try check(status, "waiting for confirms")
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return .timeout }
        let method = frame.payload.method
        switch method.id {
        case ECE_BASIC_ACK:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            return .ack(tag: ack.delivery_tag, multiple: ack.multiple != 0)
        case ECE_BASIC_NACK:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            return .nack(tag: nack.delivery_tag, multiple: nack.multiple != 0)
        case ECE_BASIC_RETURN:
            let ret = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let text = string(ret.reply_text)
            var message = amqp_message_t()
            try checkReply(amqp_read_message(state, frame.channel, &message, 0), "reading a returned message")
            defer { amqp_destroy_message(&message) }
            let id = message.properties._flags & ECE_BASIC_MESSAGE_ID_FLAG != 0
                ? string(message.properties.message_id) : nil
            return .returned(messageId: id, replyText: text)
        case ECE_CHANNEL_CLOSE, ECE_CONNECTION_CLOSE:
            throw AMQPError.connection("closed by the broker: \(closeReason(method))")
        default:
            return .timeout
        }
    }

    /// Lets rabbitmq-c read pending frames and send heartbeats while the owner is idle.
    func pump() throws {
        var frame = amqp_frame_t()
        var tv = timeval(tv_sec: 0, tv_usec: 0)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &tv)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return }
        try check(status, "heartbeat")
        if frame.frame_type == UInt8(AMQP_FRAME_METHOD),
            frame.payload.method.id == ECE_CHANNEL_CLOSE || frame.payload.method.id == ECE_CONNECTION_CLOSE {
            throw AMQPError.connection("closed by the broker: \(closeReason(frame.payload.method))")
        }
    }

    // MARK: consuming

    func startConsuming(queue: String, prefetch: UInt16) throws {
        amqp_basic_qos(state, channel, 0, prefetch, 0)
        try checkReply(amqp_get_rpc_reply(state), "basic.qos")
        amqp_basic_consume(state, channel, bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table)
        try checkReply(amqp_get_rpc_reply(state), "basic.consume \(queue)")
    }

    var hasBufferedData: Bool { amqp_data_in_buffer(state) != 0 || amqp_frames_enqueued(state) != 0 }

    /// The next delivery, or nil when none arrived within `timeout`.
    func nextDelivery(timeout: TimeInterval) throws -> AMQPMessage? {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var tv = timeval(timeout)
        let reply = amqp_consume_message(state, &envelope, &tv, 0)
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            defer { amqp_destroy_envelope(&envelope) }
            let props = envelope.message.properties
            let body = envelope.message.body
            return AMQPMessage(
                body: body.len == 0 ? Data() : Data(bytes: body.bytes, count: body.len),
                messageId: props._flags & ECE_BASIC_MESSAGE_ID_FLAG != 0 ? string(props.message_id) : nil,
                type: props._flags & ECE_BASIC_TYPE_FLAG != 0 ? string(props.type) : nil,
                correlationId: props._flags & ECE_BASIC_CORRELATION_ID_FLAG != 0 ? string(props.correlation_id) : nil,
                routingKey: string(envelope.routing_key),
                exchange: string(envelope.exchange),
                redelivered: envelope.redelivered != 0,
                deliveryTag: envelope.delivery_tag,
                headers: props._flags & ECE_BASIC_HEADERS_FLAG != 0 ? decodeTable(props.headers) : [:],
                userId: props._flags & ECE_BASIC_USER_ID_FLAG != 0 ? string(props.user_id) : nil)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_TIMEOUT.rawValue:
            return nil
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue:
            // A frame other than a delivery: a heartbeat-era close, a cancel, or an ack from elsewhere.
            var frame = amqp_frame_t()
            var zero = timeval(tv_sec: 0, tv_usec: 0)
            let status = amqp_simple_wait_frame_noblock(state, &frame, &zero)
            if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            try check(status, "reading a frame")
            if frame.frame_type == UInt8(AMQP_FRAME_METHOD) {
                let id = frame.payload.method.id
                if id == ECE_CHANNEL_CLOSE || id == ECE_CONNECTION_CLOSE {
                    throw AMQPError.connection("closed by the broker: \(closeReason(frame.payload.method))")
                }
                if id == ECE_BASIC_CANCEL { throw AMQPError.connection("consumer cancelled by the broker") }
            }
            return nil
        default:
            try checkReply(reply, "basic.consume")
            return nil
        }
    }

    /// `multiple`: every unsettled delivery up to `tag` included.
    func ack(_ tag: UInt64, multiple: Bool = false) throws {
        try check(amqp_basic_ack(state, channel, tag, multiple ? 1 : 0), "basic.ack")
    }

    func reject(_ tag: UInt64, requeue: Bool) throws {
        try check(amqp_basic_reject(state, channel, tag, requeue ? 1 : 0), "basic.reject")
    }

    // MARK: helpers

    /// Names for topology RPCs, interned for the process (see `InternedCStrings`).
    private func bytes(_ s: String) -> amqp_bytes_t { CStrings.shared.bytes(s) }

    private func check(_ status: Int32, _ what: String) throws {
        guard status >= 0 else {
            throw AMQPError.connection("\(what): \(String(cString: amqp_error_string2(status)))")
        }
    }

    private func checkReply(_ reply: amqp_rpc_reply_t, _ what: String) throws {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw AMQPError.connection("\(what): \(String(cString: amqp_error_string2(reply.library_error)))")
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            throw AMQPError.connection("\(what): \(closeReason(reply.reply))")
        default:
            throw AMQPError.connection("\(what): no reply")
        }
    }

    private func closeReason(_ method: amqp_method_t) -> String {
        switch method.id {
        case ECE_CONNECTION_CLOSE:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            return "connection \(close.reply_code) \(string(close.reply_text))"
        case ECE_CHANNEL_CLOSE:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            return "channel \(close.reply_code) \(string(close.reply_text))"
        default:
            return "method \(method.id)"
        }
    }
}

private func string(_ bytes: amqp_bytes_t) -> String {
    guard bytes.len > 0, let base = bytes.bytes else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
}

private func decodeTable(_ table: amqp_table_t) -> [String: AMQPFieldValue] {
    var result: [String: AMQPFieldValue] = [:]
    for i in 0..<Int(table.num_entries) {
        let entry = table.entries[i]
        result[string(entry.key)] = decodeField(entry.value)
    }
    return result
}

private func decodeField(_ field: amqp_field_value_t) -> AMQPFieldValue {
    switch Character(UnicodeScalar(field.kind)) {
    case "S", "x": return .string(string(field.value.bytes))
    case "t": return .bool(field.value.boolean != 0)
    case "b": return .int(Int64(field.value.i8))
    case "B": return .int(Int64(field.value.u8))
    case "s": return .int(Int64(field.value.i16))
    case "u": return .int(Int64(field.value.u16))
    case "I": return .int(Int64(field.value.i32))
    case "i": return .int(Int64(field.value.u32))
    case "l": return .int(field.value.i64)
    case "L", "T": return .int(Int64(bitPattern: field.value.u64))
    case "F": return .table(decodeTable(field.value.table))
    case "A":
        let array = field.value.array
        return .array((0..<Int(array.num_entries)).map { decodeField(array.entries[$0]) })
    default: return .other
    }
}

extension timeval {
    init(_ seconds: TimeInterval) {
        let whole = Int(seconds)
        self.init(tv_sec: whole, tv_usec: Int((seconds - Double(whole)) * 1_000_000))
    }
}

/// C copies of Swift strings that live as long as this object: `amqp_cstring_bytes` on a Swift
/// String would point into a temporary buffer that is gone after the call.
final class CStrings: @unchecked Sendable {
    private var pointers: [UnsafeMutablePointer<CChar>] = []
    /// Strings reused across calls on owner threads (exchange and queue names, bounded in number).
    static let shared = InternedCStrings()

    func bytes(_ s: String) -> amqp_bytes_t {
        let p = strdup(s)!
        pointers.append(p)
        return amqp_bytes_t(len: strlen(p), bytes: UnsafeMutableRawPointer(p))
    }

    deinit { pointers.forEach { free($0) } }
}

/// Names used in topology RPCs: interned once for the process so their C copies never dangle.
final class InternedCStrings: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [String: UnsafeMutablePointer<CChar>] = [:]

    func bytes(_ s: String) -> amqp_bytes_t {
        lock.lock()
        defer { lock.unlock() }
        let p = table[s] ?? strdup(s)!
        table[s] = p
        return amqp_bytes_t(len: strlen(p), bytes: UnsafeMutableRawPointer(p))
    }
}
