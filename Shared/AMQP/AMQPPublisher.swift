import Foundation
import Logging
import ServiceLifecycle

/// A message to publish on `ece.events`.
public struct OutgoingMessage: Sendable {
    public var routingKey: String
    public var body: Data
    public var messageId: String
    public var type: String
    public var correlationId: String?
    /// Publish as this broker user rather than the connection's own (tests and operators standing
    /// in for a service: the connection's user needs RabbitMQ's `impersonator` tag).
    public var userId: String?

    public init(routingKey: String, body: Data, messageId: String, type: String, correlationId: String?,
                userId: String? = nil) {
        self.userId = userId
        self.routingKey = routingKey
        self.body = body
        self.messageId = messageId
        self.type = type
        self.correlationId = correlationId
    }
}

/// Publishes batches with publisher confirms on its own connection and thread: every message is
/// persistent and mandatory, and each batch returns each message's outcome (acked, nacked or returned).
/// A lifecycle `Service`: it connects when run and closes on graceful shutdown.
public final class AMQPPublisher: AMQPWorker, Service, @unchecked Sendable {
    private struct Request {
        var messages: [OutgoingMessage]
        var continuation: CheckedContinuation<[PublishOutcome], Error>
    }

    private let appId: String
    private let exchange: String
    private let confirmTimeout: TimeInterval
    private var requests: [Request] = []  // guarded by `condition`
    private var nextTag: UInt64 = 1  // worker thread only

    public init(configuration: AMQPConfiguration, appId: String, logger: Logger,
                exchange: String = EventTopology.exchange, confirmTimeout: TimeInterval = 10) {
        self.appId = appId
        self.exchange = exchange
        self.confirmTimeout = confirmTimeout
        super.init(configuration: configuration, logger: logger, threadName: "amqp-publisher")
    }

    public var connected: Bool { isConnected }

    public func run() async throws {
        start()
        try? await gracefulShutdown()
        await stop()
    }

    /// Publishes the batch and waits for the broker's verdict on every message.
    /// Throws when not connected or when the connection fails mid-batch (then nothing is known: retry).
    public func publish(_ messages: [OutgoingMessage]) async throws -> [PublishOutcome] {
        guard !messages.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let accepted = condition.withLock {
                guard isConnectedUnlocked, !isStoppingUnlocked else { return false }
                requests.append(Request(messages: messages, continuation: continuation))
                condition.broadcast()
                return true
            }
            if !accepted { continuation.resume(throwing: AMQPError.notConnected) }
        }
    }

    override func setUp(_ connection: AMQPConnection) throws {
        try connection.declareExchanges()
        try connection.enableConfirms()
        nextTag = 1
    }

    override func run(_ connection: AMQPConnection) throws {
        while true {
            let request: Request? = condition.withLock {
                if requests.isEmpty && !isStoppingUnlocked { _ = condition.wait(until: Date(timeIntervalSinceNow: 0.2)) }
                return requests.isEmpty ? nil : requests.removeFirst()
            }
            guard let request else {
                if isStopping { return }
                try connection.pump()  // idle: keep heartbeats flowing
                continue
            }
            let outcomes: [PublishOutcome]
            do {
                outcomes = try publish(request.messages, on: connection)
            } catch {
                request.continuation.resume(throwing: error)
                throw error
            }
            request.continuation.resume(returning: outcomes)
            // After a cluster node's loss, a channel that routed to queues led from that node
            // nacks every later publish to them, their new leaders elected or not (RabbitMQ 3.10):
            // a nack reopens the connection, on the next node (BrokerClusterTests).
            if outcomes.contains(.nacked) { throw AMQPError.connection("a publish was nacked: reopening the channel") }
        }
    }

    override func connectionFailed(_ error: Error) {
        let failed = condition.withLock {
            defer { requests = [] }
            return requests
        }
        failed.forEach { $0.continuation.resume(throwing: error) }
    }

    private func publish(_ messages: [OutgoingMessage], on connection: AMQPConnection) throws -> [PublishOutcome] {
        var tracker = ConfirmTracker()
        for message in messages {
            try connection.publish(exchange: exchange, routingKey: message.routingKey, body: message.body,
                                   messageId: message.messageId, type: message.type,
                                   correlationId: message.correlationId, appId: appId, mandatory: true,
                                   userId: message.userId)
            tracker.published(tag: nextTag, messageId: message.messageId)
            nextTag += 1
        }
        let deadline = Date(timeIntervalSinceNow: confirmTimeout)
        while !tracker.isSettled {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw AMQPError.confirmTimeout }
            switch try connection.nextConfirmFrame(timeout: min(left, 0.5)) {
            case .ack(let tag, let multiple): tracker.ack(tag: tag, multiple: multiple)
            case .nack(let tag, let multiple): tracker.nack(tag: tag, multiple: multiple)
            case .returned(let id, let text): tracker.returned(messageId: id, replyText: text)
            case .timeout: continue
            }
        }
        return messages.map { tracker.outcomes[$0.messageId] ?? .nacked }
    }
}
