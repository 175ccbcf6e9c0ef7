import Logging
import ServiceLifecycle

/// Asks every replica of the services that have several for its `/health`, each `interval`: a
/// replica that fails `downAfter` checks in a row (or a request's connection) gets no more
/// requests, and gets them again at its first answer. A replica whose database or broker is down
/// answers 503 there, as it does to the orchestrator's readiness probe.
struct ReplicaHealthCheck: Service {
    let upstreams: [Upstream]
    let logger: Logger
    var interval: Duration = .seconds(1)
    var downAfter = 2

    func run() async throws {
        let balanced = upstreams.filter { $0.replicas.count > 1 }
        // Returning early would stop the application: nothing to check, wait for the end.
        guard !balanced.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await withTaskGroup(of: Void.self) { group in
                    for upstream in balanced {
                        for replica in upstream.replicas {
                            group.addTask { await upstream.check(replica, downAfter: downAfter, logger: logger) }
                        }
                    }
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
