import Foundation

/// One-off broker operations on a short-lived connection of their own (tools, tests, operators,
/// `/metrics`). The blocking C calls run on a thread of their own, never on Swift's cooperative
/// pool: a broker that is slow to answer must not stall the service's requests.
public enum BrokerAdmin {
    /// Runs blocking work on a new thread and resumes the caller with its result.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Messages ready in the queue, or nil when it does not exist.
    public static func queueDepth(_ configuration: AMQPConfiguration, queue: String) async -> Int? {
        await reading(configuration) { try $0.queueDepth(queue) }
    }

    /// Consumers subscribed to `queue`, nil when it does not exist.
    public static func queueConsumers(_ configuration: AMQPConfiguration, queue: String) async -> Int? {
        await reading(configuration) { try $0.queueConsumers(queue) }
    }

    /// `read` on a connection of its own; nil when the broker cannot be reached or `read` fails.
    private static func reading(_ configuration: AMQPConfiguration,
                                _ read: @escaping @Sendable (AMQPConnection) throws -> Int) async -> Int? {
        try? await onThread {
            guard let connection = try? AMQPConnection.open(configuration) else { return nil }
            defer { connection.close() }
            return try? read(connection)
        }
    }

    /// Empties queues that exist (one connection each: a missing queue closes its channel).
    public static func purgeQueues(_ configuration: AMQPConfiguration, _ names: [String]) async {
        for name in names {
            try? await onThread {
                guard let connection = try? AMQPConnection.open(configuration) else { return }
                defer { connection.close() }
                try? connection.purgeQueue(name)
            }
        }
    }

    public static func deleteQueues(_ configuration: AMQPConfiguration, _ names: [String]) async {
        try? await onThread {
            guard let connection = try? AMQPConnection.open(configuration) else { return }
            defer { connection.close() }
            for name in names { try? connection.deleteQueue(name) }
        }
    }

    /// Takes up to `count` messages out of a queue (acked: they leave it), waiting at most `timeout`.
    /// For dead-letter queues and tools; consumers use `InboxConsumer`.
    public static func take(_ configuration: AMQPConfiguration, queue: String, count: Int,
                            timeout: TimeInterval = 30) async throws -> [AMQPMessage] {
        try await onThread {
            let connection = try AMQPConnection.open(configuration)
            defer { connection.close() }
            try connection.startConsuming(queue: queue, prefetch: UInt16(min(max(count, 1), 1000)))
            var messages: [AMQPMessage] = []
            let deadline = Date(timeIntervalSinceNow: timeout)
            while messages.count < count && Date() < deadline {
                if let message = try connection.nextDelivery(timeout: 0.2) {
                    messages.append(message)
                    try connection.ack(message.deliveryTag)
                }
            }
            // A synchronous round trip so the acks are processed before the channel closes (quorum queues).
            _ = try connection.queueDepth(queue)
            return messages
        }
    }

    /// Takes out of `queue` the messages whose id is in `ids` (acked: they leave it) and puts every
    /// other message back untouched; returns once all were found or `timeout` passed. For tests and
    /// tools that must find their own messages in a shared dead-letter queue.
    public static func takeMatching(_ configuration: AMQPConfiguration, queue: String, ids: Set<String>,
                                    timeout: TimeInterval = 30) async throws -> [AMQPMessage] {
        try await Task.detached {
            var found: [AMQPMessage] = [], missing = ids
            let deadline = Date(timeIntervalSinceNow: timeout)
            while !missing.isEmpty && Date() < deadline {
                // One pass over what the queue holds now; the others go back at the end of the pass.
                let connection = try AMQPConnection.open(configuration)
                defer { connection.close() }
                let depth = try connection.queueDepth(queue)
                guard depth > 0 else {
                    usleep(200_000)  // this detached thread only
                    continue
                }
                try connection.startConsuming(queue: queue, prefetch: UInt16(min(depth, 1000)))
                var kept: [UInt64] = [], seen = 0, taken = 0
                let pass = Date(timeIntervalSinceNow: 10)
                while seen < depth && !missing.isEmpty && Date() < pass {
                    guard let message = try connection.nextDelivery(timeout: 0.2) else { continue }
                    seen += 1
                    if let id = message.messageId, missing.remove(id) != nil {
                        found.append(message)
                        taken += 1
                        try connection.ack(message.deliveryTag)
                    } else {
                        kept.append(message.deliveryTag)
                    }
                }
                for tag in kept { try connection.reject(tag, requeue: true) }
                // A quorum queue applies acks asynchronously, and a channel closed before it has
                // returns the messages (a round trip is not enough, measured): give it time.
                _ = try connection.queueDepth(queue)
                if taken > 0 { usleep(500_000) }
                _ = try connection.queueDepth(queue)
            }
            return found
        }.value
    }
}
