import Foundation
import Logging

/// Owns one AMQP connection on a dedicated thread (rabbitmq-c blocks and a connection is not
/// thread-safe), so the Swift cooperative pool never blocks on the broker. The thread connects,
/// lets the subclass set up its channel, runs the subclass's loop, and on any connection error
/// rebuilds the connection with exponential backoff and sets everything up again.
///
/// State shared with other threads is guarded by `condition`; the connection itself never leaves the thread.
public class AMQPWorker: @unchecked Sendable {
    let configuration: AMQPConfiguration
    let logger: Logger
    let condition = NSCondition()
    private var stopping = false
    private var connected = false
    private var started = false
    private var exited = false
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    private let threadName: String

    init(configuration: AMQPConfiguration, logger: Logger, threadName: String) {
        self.configuration = configuration
        self.logger = logger
        self.threadName = threadName
    }

    /// True while a connection is up and set up (used by `/health`).
    public var isConnected: Bool { condition.withLock { connected } }

    var isStopping: Bool { condition.withLock { stopping } }

    /// For subclasses already holding `condition`.
    var isStoppingUnlocked: Bool { stopping }
    var isConnectedUnlocked: Bool { connected }

    public func start() {
        let alreadyStarted = condition.withLock {
            defer { started = true }
            return started
        }
        guard !alreadyStarted else { return }
        let thread = Thread { [self] in
            loop()
            let waiters = condition.withLock {
                exited = true
                connected = false
                defer { exitWaiters = [] }
                return exitWaiters
            }
            waiters.forEach { $0.resume() }
        }
        thread.name = threadName
        thread.start()
    }

    /// Asks the thread to finish its current step, close the connection and exit; returns once it has.
    public func stop() async {
        let mustWait = condition.withLock {
            stopping = true
            condition.broadcast()
            return started && !exited
        }
        guard mustWait else { return }
        await withCheckedContinuation { continuation in
            let done = condition.withLock {
                if exited { return true }
                exitWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Sleeps on the condition (woken early by `stop()` or by the subclass's `signal()`).
    func wait(seconds: TimeInterval) {
        condition.withLock {
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
        }
    }

    func signal() {
        condition.withLock { condition.broadcast() }
    }

    private func loop() {
        var backoff: TimeInterval = 0.1
        // After a loss, the next node first: the lost one is likely gone (a cluster's node).
        var first = 0
        while !isStopping {
            let connection: AMQPConnection
            do {
                connection = try AMQPConnection.open(configuration, from: first)
                try setUp(connection)
            } catch {
                first = (first + 1) % configuration.nodes.count
                logger.warning("broker unreachable, retrying", metadata: ["error": "\(error)", "retryIn": "\(backoff)s"])
                connectionFailed(error)
                wait(seconds: backoff)
                backoff = min(backoff * 2, 2)
                continue
            }
            condition.withLock { connected = true }
            let node = configuration.nodes[connection.node]
            logger.info("connected to the broker", metadata: ["host": "\(node.host):\(node.port)"])
            backoff = 0.1
            do {
                try run(connection)
            } catch {
                logger.warning("broker connection lost, reconnecting", metadata: ["error": "\(error)"])
            }
            condition.withLock { connected = false }
            connection.close()
            first = (connection.node + 1) % configuration.nodes.count
            connectionFailed(AMQPError.notConnected)
        }
    }

    // MARK: subclass hooks (all called on the worker thread)

    /// Declares what the worker needs on a fresh connection.
    func setUp(_ connection: AMQPConnection) throws {}

    /// Works until `isStopping`; throws on a connection error so the worker reconnects.
    func run(_ connection: AMQPConnection) throws {}

    /// The connection failed or could not be made: fail whatever is waiting on it.
    func connectionFailed(_ error: Error) {}
}
