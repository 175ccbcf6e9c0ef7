import Foundation

/// An event payload type: the contract between services (DESIGN.md §2). The routing key is `eventType`.
/// Adding a field is compatible; removing or renaming one means a new `eventVersion`.
public protocol EventPayload: Codable, Sendable {
    static var eventType: String { get }
    static var eventVersion: Int { get }
    /// Why this payload must not be used (`EventChecks`), or nil: checked by `IncomingEvent.payload(as:)`
    /// before any handler sees it. Every payload a service consumes says what it checks.
    var invalidity: String? { get }
}

extension EventPayload {
    public var invalidity: String? { nil }
}

/// The JSON body of every message on `ece.events`.
public struct EventEnvelope<Payload: Codable & Sendable>: Codable, Sendable {
    /// Also the AMQP `message_id`; fixed when the outbox row is written and reused on every resend.
    public var id: UUID
    public var type: String
    public var version: Int
    public var occurredAt: Date
    public var producer: String
    public var correlationId: String
    public var payload: Payload

    public init(id: UUID = UUID(), type: String, version: Int, occurredAt: Date = Date(), producer: String,
                correlationId: String, payload: Payload) {
        self.id = id
        self.type = type
        self.version = version
        self.occurredAt = occurredAt
        self.producer = producer
        self.correlationId = correlationId
        self.payload = payload
    }
}

extension EventEnvelope where Payload: EventPayload {
    public init(producer: String, correlationId: String, payload: Payload) {
        self.init(type: Payload.eventType, version: Payload.eventVersion, producer: producer,
                  correlationId: correlationId, payload: payload)
    }
}

/// The envelope fields without the payload: enough to route and deduplicate before decoding it.
struct EnvelopeHeader: Decodable {
    var id: UUID
    var type: String
    var version: Int
    var occurredAt: Date
    var producer: String
    var correlationId: String
}

/// An event as a consumer receives it: the header, decoded, and the raw body for the payload.
public struct IncomingEvent: Sendable {
    public let id: UUID
    public let type: String
    public let version: Int
    public let occurredAt: Date
    public let producer: String
    public let correlationId: String
    public let redelivered: Bool
    /// Why an operator put it back from a dead-letter queue (`ece-ops dlq replay`), if they did.
    public let replayReason: String?
    public let body: Data

    /// The largest body a consumer reads (the largest legitimate event, 10,000 people exported, is ~3 MB).
    public static let maximumBody = 16 << 20

    /// Decodes and checks the envelope; an undecodable or invalid one is an `EventRejected` (parked, never retried).
    init(message: AMQPMessage) throws {
        guard message.body.count <= Self.maximumBody else {
            throw EventRejected("body of \(message.body.count) bytes (at most \(Self.maximumBody))")
        }
        // Postgres text cannot hold NUL: such an event would fail in the handler on every delivery.
        guard !Self.containsEscapedNUL(message.body) else { throw EventRejected("body contains a NUL character") }
        let header: EnvelopeHeader
        do {
            header = try EventCoding.decoder.decode(EnvelopeHeader.self, from: message.body)
        } catch {
            throw EventRejected("undecodable envelope: \(error)")
        }
        guard message.messageId == nil || message.messageId == header.id.uuidString else {
            throw EventRejected("message_id \(message.messageId ?? "") differs from envelope id \(header.id)")
        }
        if let problem = EventChecks.first(
            (1...100).contains(header.type.count) ? nil : "envelope type empty or too long",
            message.type == nil || message.type == header.type ? nil : "AMQP type \(message.type ?? "") differs from envelope type",
            header.version >= 1 ? nil : "envelope version \(header.version)",
            EventChecks.text(header.producer, "producer", maximum: 64),
            EventChecks.text(header.correlationId, "correlationId", maximum: 200)) {
            throw EventRejected("invalid envelope: \(problem)")
        }
        id = header.id
        type = header.type
        version = header.version
        occurredAt = header.occurredAt
        producer = header.producer
        correlationId = header.correlationId
        redelivered = message.redelivered
        replayReason = DeadLetter(message).replayReason
        body = message.body
    }

    /// The payload as `P`; a mismatch is an `EventRejected`.
    public func payload<P: Codable & Sendable>(as type: P.Type = P.self) throws -> P {
        do {
            return try EventCoding.decoder.decode(EventEnvelope<P>.self, from: body).payload
        } catch {
            throw EventRejected("payload of \(self.type) v\(version) does not decode: \(error)")
        }
    }

    /// The payload of a contract event: of its type and version, decoded, and valid (`invalidity`);
    /// anything else is an `EventRejected`.
    public func payload<P: EventPayload>(as type: P.Type = P.self) throws -> P {
        guard self.type == P.eventType else { throw EventRejected("\(self.type) is not \(P.eventType)") }
        guard version == P.eventVersion else { throw EventRejected("\(P.eventType) v\(version) is not understood") }
        let payload: P
        do {
            payload = try EventCoding.decoder.decode(EventEnvelope<P>.self, from: body).payload
        } catch {
            throw EventRejected("payload of \(self.type) v\(version) does not decode: \(error)")
        }
        if let problem = payload.invalidity { throw EventRejected("invalid \(P.eventType): \(problem)") }
        return payload
    }

    /// Whether the JSON text holds `\u0000` (an escape, not an escaped backslash followed by `u0000`).
    static func containsEscapedNUL(_ body: Data) -> Bool {
        let pattern = Array("u0000".utf8)
        return body.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 1
            while i + pattern.count <= bytes.count {
                if bytes[i - 1] == UInt8(ascii: "\\"), bytes[i] == pattern[0],
                    pattern.indices.allSatisfy({ bytes[i + $0] == pattern[$0] }) {
                    var backslashes = 0, j = i - 1
                    while j >= 0, bytes[j] == UInt8(ascii: "\\") { backslashes += 1; j -= 1 }
                    if backslashes % 2 == 1 { return true }
                }
                i += 1
            }
            return false
        }
    }
}

/// Thrown by a handler (or the decoder) for a message that can never succeed: it goes to the DLQ at once.
public struct EventRejected: Error, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "event rejected: \(reason)" }
}

/// The one JSON configuration for events: ISO-8601 UTC dates with milliseconds (plain seconds are
/// accepted on input), sorted keys (stable bodies).
public enum EventCoding {
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
                ?? (try? Date(text, strategy: .iso8601)) {
                return date
            }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO-8601 date: \(text)"))
        }
        return d
    }()
}
