import Foundation
import Hummingbird
import Logging
import PostgresNIO
import _ConnectionPoolModule

/// Whether the database answers, asked when a request has waited long: `SELECT 1` with a deadline,
/// one probe at a time, its answer kept a second (a thousand waiting requests make one probe).
public actor DatabaseWatch {
    let client: PostgresClient
    let logger: Logger
    private var last: (at: ContinuousClock.Instant, up: Bool)?
    private var probing: Task<Bool, Never>?

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func reachable() async -> Bool {
        if let last, ContinuousClock.now - last.at < .seconds(1) { return last.up }
        if let probing { return await probing.value }
        let task = Task { [client, logger] in await Self.probe(client, logger: logger) }
        probing = task
        let up = await task.value
        probing = nil
        last = (.now, up)
        return up
    }

    /// `SELECT 1` within `deadline`: a database that hangs is as down as one that refuses, and a
    /// pool that lends no connection in time is as good as down for the request waiting on it.
    public static func probe(_ client: PostgresClient, logger: Logger, deadline: Duration = .seconds(2)) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await client.query("SELECT 1", logger: logger).collect()) != nil }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
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

/// A request still running after `patience` asks the watch whether the database answers; if not,
/// it is cancelled (a wait for a pool connection ends at once) and answers 503 with `Retry-After`,
/// instead of hanging until the pool gives up — unless it completes all the same, when its own
/// answer stands. A slow request on a healthy database runs on.
public struct DatabaseOutageMiddleware: RouterMiddleware {
    public typealias Context = ECERequestContext
    let watch: DatabaseWatch
    let patience: Duration

    public init(watch: DatabaseWatch, patience: Duration) {
        self.watch = watch
        self.patience = patience
    }

    public func handle(_ request: Request, context: ECERequestContext,
                       next: (Request, ECERequestContext) async throws -> Response) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            // The group waits for both children before it returns: `next` never outlives this call.
            let handler = Unchecked(next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handler.value(request, context) }
                group.addTask { [watch, patience] in
                    while true {
                        try await Task.sleep(for: patience)
                        if await !watch.reachable() { return nil }
                    }
                }
                defer { group.cancelAll() }
                if let response = try await group.next() ?? nil { return response }
                // The database looks down: stop waiting on it (a wait for a pool connection ends at
                // once). A handler that still finishes keeps its answer: its write committed, and a
                // 503 would have the client repeat it.
                context.logger.error("database unreachable: request abandoned", metadata: ["path": "\(request.uri.path)"])
                group.cancelAll()
                do {
                    while let next = try await group.next() {
                        if let response = next { return response }
                    }
                } catch where error is CancellationError || DatabaseWatch.isOutage(error) {}
                throw DatabaseWatch.unavailable()
            }
        }
    }

    private struct Unchecked<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
