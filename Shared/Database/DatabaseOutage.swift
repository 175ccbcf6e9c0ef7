import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import _ConnectionPoolModule

/// Whether the database answers, asked when a request has waited long: `SELECT 1` with a deadline
/// on a connection of its own (never one of the pool it judges: a pool whose every connection is
/// taken would starve the probe), one probe at a time, its answer kept a second (a thousand waiting
/// requests make one probe).
public actor DatabaseWatch {
    let configuration: PostgresConnection.Configuration
    let logger: Logger
    private var last: (at: ContinuousClock.Instant, up: Bool)?
    private var probing: Task<Bool, Never>?

    public init(configuration: PostgresConnection.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func reachable() async -> Bool {
        if let last, ContinuousClock.now - last.at < .seconds(1) { return last.up }
        if let probing { return await probing.value }
        let task = Task { [configuration, logger] in await Self.probe(configuration, logger: logger) }
        probing = task
        let up = await task.value
        probing = nil
        last = (.now, up)
        return up
    }

    /// `SELECT 1` on a fresh connection, answered within `deadline` whatever the database does: a
    /// database that hangs (connects and never answers) is as down as one that refuses. The attempt
    /// runs apart and its connection is closed at the deadline, so nothing waits on it.
    public static func probe(_ configuration: PostgresConnection.Configuration, logger: Logger,
                             deadline: Duration = .seconds(2)) async -> Bool {
        var configuration = configuration
        let (seconds, attoseconds) = deadline.components
        configuration.options.connectTimeout = .milliseconds(max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        let verdict = Verdict()
        return await withCheckedContinuation { continuation in
            verdict.expect(continuation)
            let attempt = Task { [configuration] in
                do {
                    let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                    verdict.opened(connection)
                    verdict.decide((try? await connection.query("SELECT 1", logger: logger).collect()) != nil)
                } catch {
                    verdict.decide(false)
                }
            }
            Task {
                try? await Task.sleep(for: deadline)
                verdict.decide(false)
                attempt.cancel()
            }
        }
    }

    /// The probe's answer, given once (the first of the attempt and the deadline); the probe's
    /// connection is closed as soon as there is an answer.
    private final class Verdict: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Bool, Never>?
        private var decided = false
        private var connection: PostgresConnection?

        func expect(_ continuation: CheckedContinuation<Bool, Never>) {
            lock.withLock { self.continuation = continuation }
        }

        func opened(_ connection: PostgresConnection) {
            let closeNow = lock.withLock {
                self.connection = connection
                return decided
            }
            if closeNow { let _: EventLoopFuture<Void> = connection.close() }
        }

        func decide(_ up: Bool) {
            let (continuation, connection) = lock.withLock { () -> (CheckedContinuation<Bool, Never>?, PostgresConnection?) in
                guard !decided else { return (nil, nil) }
                decided = true
                defer { self.continuation = nil }
                return (self.continuation, self.connection)
            }
            if let connection { let _: EventLoopFuture<Void> = connection.close() }
            continuation?.resume(returning: up)
        }
    }

    /// Errors that mean the database is out of reach (not that the request was wrong).
    public static func isOutage(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError {
            return [transaction.beginError, transaction.closureError, transaction.commitError]
                .contains { $0.map(isOutage) == true }
        }
        // The pool gave up connecting (its circuit breaker).
        if error is ConnectionPoolError { return true }
        guard let psql = error as? PSQLError else { return false }
        let outages: [PSQLError.Code] = [.connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed]
        return outages.contains(psql.code)
    }

    public static func unavailable() -> Problem {
        var problem = Problem.serviceUnavailable("base de données injoignable / database unreachable")
        problem.retryAfter = 5
        return problem
    }
}

/// Wraps a service's whole responder: a request still running after `patience` asks the watch
/// whether the database answers; if not, the request is cancelled (a wait for a pool connection ends
/// at once) and, unless it answers all the same within a second (its write committed: a 503 would
/// have the client repeat it), the client gets 503 with `Retry-After`. The request runs in a task of
/// its own, so the answer never waits on it: a query stuck on a connection that died under it
/// (PostgresNIO never completes a query written to a closed channel) cannot hold the client, nor the
/// server's shutdown. A slow request on a healthy database runs on.
public struct DatabaseOutageResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == ECERequestContext {
    public typealias Context = ECERequestContext
    let inner: Inner
    let watch: DatabaseWatch
    let patience: Duration
    /// How long an abandoned request may still give its own answer.
    let grace: Duration

    public init(_ inner: Inner, watch: DatabaseWatch, patience: Duration, grace: Duration = .seconds(1)) {
        self.inner = inner
        self.watch = watch
        self.patience = patience
        self.grace = grace
    }

    public func respond(to request: Request, context: ECERequestContext) async throws -> Response {
        let outcome = Outcome()
        let work = Task { [inner] in
            do {
                outcome.settle(.answered(try await inner.respond(to: request, context: context)))
            } catch {
                outcome.settle(.failed(error))
            }
        }
        // Only a request still running after `patience` gets a watcher task, cancelled once it answered.
        let alarm = Alarm(after: patience) { [watch, patience, grace] in
            outcome.watched(by: Task {
                while !outcome.isSettled {
                    if await !watch.reachable() {
                        guard !outcome.isSettled else { return }
                        context.logger.error("database unreachable: request abandoned", metadata: ["path": "\(request.uri.path)"])
                        outcome.abandoning()
                        work.cancel()
                        try? await Task.sleep(for: grace)
                        outcome.settle(.abandoned)
                        return
                    }
                    try? await Task.sleep(for: patience)
                }
            })
        }
        let result = await withTaskCancellationHandler {
            await outcome.value()
        } onCancel: {
            work.cancel()
        }
        alarm.cancel()
        outcome.stopWatching()
        switch result {
        case .answered(let response):
            return response
        case .failed(let error):
            throw error
        case .abandoned:
            var response = try DatabaseWatch.unavailable().response(from: request, context: context)
            SecurityHeadersMiddleware.apply(to: &response.headers)
            response.headers[.correlationId] = CorrelationMiddleware.correlationId(of: request)
            return response
        }
    }

    /// The request's result, given once: its answer, its error, or abandoned. Once the request is
    /// being abandoned (cancelled under it), a 5xx it then gives is the cancellation's, not its own
    /// answer: the 503 stands instead.
    final class Outcome: @unchecked Sendable {
        enum Result { case answered(Response), failed(any Error), abandoned }
        private let lock = NSLock()
        private var result: Result?
        private var cancelled = false
        private var waiter: CheckedContinuation<Result, Never>?
        private var watcher: Task<Void, Never>?

        var isSettled: Bool { lock.withLock { result != nil } }

        /// The watcher of a request still running after the patience.
        func watched(by task: Task<Void, Never>) { lock.withLock { watcher = task } }

        func stopWatching() { lock.withLock { watcher }?.cancel() }

        func abandoning() { lock.withLock { cancelled = true } }

        func settle(_ candidate: Result) {
            let resumed: (CheckedContinuation<Result, Never>, Result)? = lock.withLock {
                guard result == nil else { return nil }
                var settled = candidate
                if cancelled {
                    switch candidate {
                    case .answered(let response) where response.status.code >= 500: settled = .abandoned
                    case .failed: settled = .abandoned
                    default: break
                    }
                }
                result = settled
                defer { waiter = nil }
                return waiter.map { ($0, settled) }
            }
            if let (waiter, settled) = resumed { waiter.resume(returning: settled) }
        }

        func value() async -> Result {
            await withCheckedContinuation { continuation in
                let ready: Result? = lock.withLock {
                    if let result { return result }
                    waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
