import Foundation

/// An event payload type: the contract between services (DESIGN.md §2). The routing key is `eventType`.
/// Adding a field is compatible; removing or renaming one means a new `eventVersion`.
public protocol EventPayload: Codable, Sendable {
    static var eventType: String { get }
    static var eventVersion: Int { get }
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

    /// Decodes the envelope; an undecodable body is an `EventRejected` (parked, never retried).
    init(message: AMQPMessage) throws {
        let header: EnvelopeHeader
        do {
            header = try EventCoding.decoder.decode(EnvelopeHeader.self, from: message.body)
        } catch {
            throw EventRejected("undecodable envelope: \(error)")
        }
        guard message.messageId == nil || message.messageId == header.id.uuidString else {
            throw EventRejected("message_id \(message.messageId ?? "") differs from envelope id \(header.id)")
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
