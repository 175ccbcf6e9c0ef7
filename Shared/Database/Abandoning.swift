import Foundation
import Synchronization

/// PostgresNIO never answers a query written to a connection that died under it (the write fails
/// with nobody to tell the query): a background loop awaiting one would hold its service's shutdown,
/// and itself, forever. `abandoning` runs `work` apart and returns with its result, or throws past
/// `deadline` (`Abandoned`) or `grace` after the caller is cancelled (`CancellationError`); `work` is
/// cancelled then and, if it is stuck, left behind: its transaction died with its connection.
public func abandoning<T: Sendable>(after deadline: Duration? = nil, grace: Duration = .seconds(1),
                                    _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let answer = FirstAnswer<T>()
    let worker = Task {
        do { answer.give(.success(try await work())) } catch { answer.give(.failure(error)) }
    }
    let timer = deadline.map { deadline in
        Alarm(after: deadline) {
            worker.cancel()
            answer.give(.failure(Abandoned(after: deadline)))
        }
    }
    defer { timer?.cancel() }
    return try await withTaskCancellationHandler {
        try await answer.value()
    } onCancel: {
        // A healthy pass ends within the grace (a shutdown then loses no work); a stuck one is left.
        worker.cancel()
        Task {
            try? await Task.sleep(for: grace)
            answer.give(.failure(CancellationError()))
        }
    }
}

/// A background operation given up on after its deadline.
public struct Abandoned: Error, CustomStringConvertible {
    public let after: Duration
    public var description: String { "abandoned after \(after) without an answer" }
}

/// The first of several outcomes, to one waiter.
private final class FirstAnswer<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, any Error>?
        var waiter: CheckedContinuation<Result<T, any Error>, Never>?
    }
    private let state = Mutex(State())

    func give(_ result: Result<T, any Error>) {
        let waiter = state.withLock { s -> CheckedContinuation<Result<T, any Error>, Never>? in
            guard s.result == nil else { return nil }
            s.result = result
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: result)
    }

    func value() async throws -> T {
        try await withCheckedContinuation { continuation in
            let ready = state.withLock { s -> Result<T, any Error>? in
                if s.result == nil { s.waiter = continuation }
                return s.result
            }
            if let ready { continuation.resume(returning: ready) }
        }.get()
    }
}
