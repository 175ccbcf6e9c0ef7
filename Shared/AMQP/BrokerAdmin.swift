import Foundation

/// One-off broker operations on a short-lived connection of their own (tools, tests, operators).
/// The blocking C calls run on a detached thread, never on the caller's.
public enum BrokerAdmin {
    /// Messages ready in the queue, or nil when it does not exist.
    public static func queueDepth(_ configuration: AMQPConfiguration, queue: String) async -> Int? {
        await Task.detached {
            guard let connection = try? AMQPConnection(configuration) else { return nil }
            defer { connection.close() }
            return try? connection.queueDepth(queue)
        }.value
    }

    public static func deleteQueues(_ configuration: AMQPConfiguration, _ names: [String]) async {
        await Task.detached {
            guard let connection = try? AMQPConnection(configuration) else { return }
            defer { connection.close() }
            for name in names { try? connection.deleteQueue(name) }
        }.value
    }
}
