import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import Synchronization

/// One service as the gateway reaches it: its replicas (`CORRECTION_URL=http://a:8084,http://b:8094`),
/// which of them answer their health check, and the choice of one per request — the healthy one with
/// the fewest requests waiting, in turn when they tie. A single URL is used as before: never checked,
/// never skipped.
final class Upstream: Sendable {
    let service: String
    let replicas: [Replica]
    /// Several replicas: a client that fails at once when a replica refuses connections (the request
    /// then goes to another), where one replica waits for its service to come back (a restart).
    let client: HTTPClient
    private let turn = Atomic<Int>(0)
    private let retries: Counter?

    init(service: String, bases: [String], client: HTTPClient, metrics: PrometheusCollectorRegistry? = nil) {
        self.service = service
        self.client = client
        let balanced = bases.count > 1
        replicas = bases.map { base in
            Replica(base: base, gauge: balanced ? metrics?.makeGauge(
                name: "ece_upstream_up", labels: [("service", service), ("upstream", base)],
                help: "1 while the replica answers its health check") : nil)
        }
        retries = balanced ? metrics?.makeCounter(name: "ece_upstream_retries_total", labels: [("service", service)],
                                                  help: "Requests sent again to another replica after a failure") : nil
    }

    /// `http://a:8084, http://b:8094/` → the base URLs, without a trailing slash.
    static func bases(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    final class Replica: Sendable {
        let base: String
        private struct State { var up = true; var failures = 0; var waiting = 0 }
        private let state = Mutex(State())
        private let gauge: Gauge?

        init(base: String, gauge: Gauge?) {
            self.base = base
            self.gauge = gauge
            gauge?.set(Double(1))
        }

        var isUp: Bool { state.withLock { $0.up } }
        var waiting: Int { state.withLock { $0.waiting } }
        func begin() { state.withLock { $0.waiting += 1 } }
        func end() { state.withLock { $0.waiting -= 1 } }

        /// A health check's outcome, or a request's connection failure (`after: 1`): down after
        /// `after` failures in a row, up again at the first answer. True when it changed.
        func record(healthy: Bool, downAfter: Int) -> Bool {
            let changed = state.withLock { s in
                let was = s.up
                s.failures = healthy ? 0 : s.failures + 1
                if healthy { s.up = true } else if s.failures >= downAfter { s.up = false }
                return was != s.up
            }
            if changed { gauge?.set(Double(healthy ? 1 : 0)) }
            return changed
        }
    }

    /// The replica for the next request: among the healthy ones not tried yet (all of them when none
    /// is healthy: a service whose broker is down still serves reads), the least busy, in turn on a tie.
    func pick(excluding tried: [Replica]) -> Replica? {
        let candidates = replicas.filter { replica in !tried.contains { $0 === replica } }
        let healthy = candidates.filter(\.isUp)
        let pool = healthy.isEmpty ? candidates : healthy
        guard !pool.isEmpty else { return nil }
        let start = turn.add(1, ordering: .relaxed).oldValue
        var best: Replica?
        for i in 0..<pool.count {
            let replica = pool[(start &+ i) % pool.count]
            if best == nil || replica.waiting < best!.waiting { best = replica }
        }
        return best
    }

    /// Methods whose repetition tells the client nothing false: reads. A PUT or DELETE applied just
    /// before its replica died would, replayed, answer 409 (a sheet's version moved on) or 404 for
    /// what succeeded — an examiner shown a conflict with their own save (the cluster chaos run): they
    /// get 503 like a POST, and the client reads again.
    static let idempotent: [HTTPMethod] = [.GET, .HEAD, .OPTIONS]

    struct Unavailable: Error {}

    /// Sends `request` (its URL: `path` on the chosen replica). When it fails, it goes once to another
    /// replica if it never reached the first one (connection refused), or if it is a read (the replica
    /// died mid-request): never a write that may have been applied,
    /// nor a body already streamed (`replayable` false). Otherwise `Unavailable`.
    func execute(_ request: HTTPClientRequest, path: String, replayable: Bool, timeout: TimeAmount,
                 logger: Logger) async throws -> HTTPClientResponse {
        var tried: [Replica] = []
        while let replica = pick(excluding: tried) {
            tried.append(replica)
            var attempt = request
            attempt.url = replica.base + path
            replica.begin()
            do {
                defer { replica.end() }
                return try await client.execute(attempt, timeout: timeout)
            } catch {
                let (neverSent, lost) = (Self.neverSent(error), Self.connectionLost(error))
                logger.error("upstream unreachable", metadata: ["service": "\(service)", "upstream": "\(replica.base)",
                                                               "error": "\(error)"])
                if replicas.count > 1, lost, replica.record(healthy: false, downAfter: 1) {
                    logger.warning("upstream replica down", metadata: ["service": "\(service)", "upstream": "\(replica.base)"])
                }
                let again = replayable && (neverSent || Self.idempotent.contains(request.method) && lost)
                guard again, tried.count < 2, !Task.isCancelled else { throw Unavailable() }
                retries?.increment()
            }
        }
        throw Unavailable()
    }

    /// The connection was never made: nothing of the request reached the replica.
    static func neverSent(_ error: any Error) -> Bool {
        switch error {
        case is NIOConnectionError: true
        case let error as HTTPClientError: error == .connectTimeout
        case ChannelError.connectTimeout: true
        case let error as IOError: error.errnoCode == ECONNREFUSED
        default: false
        }
    }

    /// The connection failed, or closed before the answer: not a timeout (a slow replica is not a
    /// dead one, and waiting twice as long helps nobody), nor the request's own body failing.
    static func connectionLost(_ error: any Error) -> Bool {
        switch error {
        // Only what a dead replica causes: a client's body ending short (bodyLengthMismatch…) must
        // not mark a healthy replica down (the security review after the replicas landed).
        case let error as HTTPClientError: [HTTPClientError.remoteConnectionClosed, .connectTimeout, .uncleanShutdown].contains(error)
        case is IOError, is ChannelError, is NIOConnectionError: true
        default: false
        }
    }

    /// Asks a replica's `/health`; true when it changed the replica's state.
    func check(_ replica: Replica, downAfter: Int, logger: Logger) async {
        var healthy = false
        do {
            let response = try await client.execute(HTTPClientRequest(url: replica.base + "/health"), timeout: .seconds(1))
            _ = try await response.body.collect(upTo: 64 * 1024)
            healthy = response.status == .ok
        } catch {}
        if replica.record(healthy: healthy, downAfter: downAfter) {
            logger.notice(healthy ? "upstream replica up" : "upstream replica down",
                          metadata: ["service": "\(service)", "upstream": "\(replica.base)"])
        }
    }
}
