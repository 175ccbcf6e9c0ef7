import Prometheus

/// A service's Prometheus registry and the bus metrics every service exports on `/metrics`.
/// One registry per application (not the process-global MetricsSystem), so tests can build many apps.
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    public let eventsPublished: Counter
    public let eventsNotDelivered: Counter
    public let eventsHandled: Counter
    public let eventsDuplicated: Counter
    public let eventsRejected: Counter
    public let handlerErrors: Counter
    public let handlerDuration: DurationHistogram
    public let outboxPending: Gauge
    public let outboxFailed: Gauge
    public let outboxOldestPendingSeconds: Gauge
    public let httpRequests: Counter
    public let inboxEvents: Gauge
    public let restarts: Gauge
    private let service: String

    public init(service: String, restarts: Int = 0) {
        let labels = [("service", service)]
        eventsPublished = registry.makeCounter(name: "ece_events_published_total", labels: labels,
                                               help: "Outbox events acked by the broker")
        eventsNotDelivered = registry.makeCounter(name: "ece_events_not_delivered_total", labels: labels,
                                                  help: "Outbox publishes returned or nacked (retried)")
        eventsHandled = registry.makeCounter(name: "ece_events_handled_total", labels: labels,
                                             help: "Events committed by consumers")
        eventsDuplicated = registry.makeCounter(name: "ece_events_duplicated_total", labels: labels,
                                                help: "Redelivered events skipped by the inbox")
        eventsRejected = registry.makeCounter(name: "ece_events_rejected_total", labels: labels,
                                              help: "Events sent to a dead-letter queue")
        handlerErrors = registry.makeCounter(name: "ece_event_handler_errors_total", labels: labels,
                                             help: "Transient handler failures (requeued)")
        handlerDuration = registry.makeDurationHistogram(
            name: "ece_event_handler_duration_seconds", labels: labels,
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .seconds(1)],
            help: "Time to apply a batch of events in one transaction")
        outboxPending = registry.makeGauge(name: "ece_outbox_pending", labels: labels, help: "Outbox rows not yet acked")
        outboxFailed = registry.makeGauge(name: "ece_outbox_failed", labels: labels, help: "Outbox rows given up on")
        outboxOldestPendingSeconds = registry.makeGauge(name: "ece_outbox_oldest_pending_seconds", labels: labels,
                                                        help: "Age of the oldest pending outbox row")
        httpRequests = registry.makeCounter(name: "ece_http_requests_total", labels: labels, help: "HTTP requests served")
        inboxEvents = registry.makeGauge(name: "ece_inbox_events", labels: labels, help: "Events recorded by the consumers' inbox")
        self.restarts = registry.makeGauge(name: "ece_process_restarts", labels: labels,
                                           help: "Times the supervisor restarted this service after it died")
        self.restarts.set(Double(restarts))
        self.service = service
    }

    /// Messages parked in one of the service's dead-letter queues.
    public func deadLetters(_ queue: String) -> Gauge {
        registry.makeGauge(name: "ece_dlq_messages", labels: [("service", service), ("queue", queue)],
                           help: "Messages in the dead-letter queue")
    }
}
