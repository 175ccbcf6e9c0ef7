import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle

/// The plumbing every service shares: its Postgres client and schema, the outbox and its relay,
/// the publisher connection, metrics, and the `/health` and `/metrics` routes. A service's
/// `buildApplication` makes one, adds its routes and consumers, and calls `makeApplication`.
public struct ServiceRuntime: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let schema: SQLIdentifier
    public let postgres: PostgresClient
    public let amqp: AMQPConfiguration
    public let publisher: AMQPPublisher
    public let outbox: Outbox
    public let relay: OutboxRelay
    public let metrics: ServiceMetrics
    public let verifier: TokenVerifier
    /// Asked by requests that wait long whether the database still answers.
    public let database: DatabaseWatch
    /// Opened once migrations have run: the relay and consumers start after it.
    public let ready = StartupGate()

    public init(_ configuration: ServiceConfiguration, relayOptions: OutboxRelay.Options = .init()) async throws {
        try configuration.checkDeployment()
        self.configuration = configuration
        logger = configuration.makeLogger()
        schema = try SQLIdentifier(configuration.schema)
        var database = try DatabaseConfiguration.client(url: configuration.databaseURL)
        // Unqualified names are the service's own tables: a prepared statement's SQL is fixed at
        // compile time, while the schema is configuration.
        // The application name tells replicas apart in `pg_stat_activity` (who holds a lock, who
        // waits): the host (a container's, a pod's name) and the process.
        database.options.additionalStartupParameters = [("search_path", schema.name),
                                                        ("application_name", "\(configuration.service) \(Self.hostName) \(getpid())")]
        postgres = PostgresClient(configuration: database, backgroundLogger: logger)
        self.database = DatabaseWatch(configuration: try DatabaseConfiguration.connection(url: configuration.databaseURL),
                                      logger: logger)
        amqp = try AMQPConfiguration(url: configuration.amqpURL, caFile: configuration.amqpCAFile)
        metrics = ServiceMetrics(service: configuration.service, restarts: configuration.restarts)
        publisher = AMQPPublisher(configuration: amqp, appId: configuration.service, logger: logger)
        outbox = Outbox(schema: schema, producer: configuration.service)
        var relayOptions = relayOptions
        if configuration.environment["OUTBOX_LISTEN"] == "0" { relayOptions.listen = false }
        relay = OutboxRelay(outbox: outbox, client: postgres, publisher: publisher, options: relayOptions,
                            logger: logger, metrics: metrics, ready: ready)
        verifier = await TokenVerifier(publicKey: try TokenKeys.publicKey(environment: configuration.environment))
    }

    /// The machine's name as the kernel has it (no DNS lookup).
    static var hostName: String {
        var name = [CChar](repeating: 0, count: 256)
        return gethostname(&name, name.count - 1) == 0 ? String(cString: name) : "?"
    }

    /// A consumer of queue `<service>.<purpose>` bound to the handlers' event types.
    public func consumer(_ purpose: String, handlers: [String: EventHandler]) -> InboxConsumer {
        InboxConsumer(queue: "\(configuration.service).\(purpose)", schema: schema, client: postgres, amqp: amqp,
                      handlers: handlers, logger: logger, metrics: metrics, ready: ready)
    }

    /// A router with the platform's middleware (correlation id, problem+json) and operational routes.
    /// `meGenere`: the service's generated handlers serve `/api/<service>/me`.
    public func makeRouter(consumers: [InboxConsumer] = [], meGenere: Bool = false) -> Router<ECERequestContext> {
        let router = Router(context: ECERequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: CorrelationMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        // Before the token middleware: its bearer is the operators' token, not an access token.
        router.get("/metrics") { request, _ in
            try self.authorizeMetrics(request)
            return try await self.prometheusText(consumers: consumers)
        }
        router.add(middleware: AuthMiddleware(verifier: verifier))
        router.get("/health") { _, _ in try await self.health(consumers: consumers) }
        if configuration.service != "gateway", !meGenere {
            // Who the service believes the caller is: proves each service verifies tokens itself.
            router.get("/api/\(configuration.service)/me") { _, context in try WhoAmI(context.authenticated()) }
        }
        return router
    }

    /// Runs the services in dependency order (Postgres, publisher, relay, consumers, then HTTP);
    /// migrations run before the server accepts requests; shutdown runs in reverse on SIGTERM.
    /// `services` are the service's own long-lived helpers (started after the consumers).
    public func makeApplication(router: Router<ECERequestContext>, migrations: [Migration],
                                consumers: [InboxConsumer] = [], services: [any Service] = []) -> some ApplicationProtocol {
        // Outside the router: a request abandoned for a database outage answers without waiting on it.
        var app = Application(
            responder: DatabaseOutageResponder(router.buildResponder(), watch: database, patience: databasePatience),
            server: .http1(configuration: .init(idleTimeout: httpIdleTimeout)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                 serverName: configuration.service),
            services: [postgres, publisher, relay] + consumers + services,
            logger: logger)
        app.beforeServerStarts {
            try await Migrator.migrate(postgres, schema: schema, migrations: migrations, logger: logger)
            ready.open()
        }
        return app
    }

    // MARK: operations

    /// Who the service believes the caller is (`GET /api/<service>/me`).
    public struct WhoAmI: ResponseEncodable {
        var userId: UUID
        var login: String
        var role: Role
        var scope: Scope
        public init(_ identity: Identity) {
            (userId, login, role, scope) = (identity.userId, identity.login, identity.role, identity.scope)
        }
    }

    struct HealthReport: ResponseEncodable {
        var status: String
        var service: String
        var database: String
        var broker: String
    }

    private func health(consumers: [InboxConsumer]) async throws -> Response {
        let database = await databaseReachable() ? "up" : "down"
        let brokerUp = publisher.isConnected && consumers.allSatisfy(\.isConnected)
        let report = HealthReport(status: database == "up" && brokerUp ? "up" : "down", service: configuration.service,
                                  database: database, broker: brokerUp ? "up" : "down")
        let body = try JSONEncoder().encode(report)
        return Response(status: report.status == "up" ? .ok : .serviceUnavailable,
                        headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `SELECT 1` with a deadline, outside the pool: a database that hangs is as down as one that refuses.
    private func databaseReachable() async -> Bool {
        await database.reachable()
    }

    /// How long a request runs before it asks whether the database answers (`DATABASE_TIMEOUT_SECONDS`).
    var databasePatience: Duration {
        .seconds(configuration.environment["DATABASE_TIMEOUT_SECONDS"].flatMap(Int.init).map { max($0, 1) } ?? 5)
    }

    /// How long a connection may stay silent (`HTTP_IDLE_TIMEOUT_SECONDS`, 75 s as nginx's keep-alive):
    /// a head still unfinished or a keep-alive unused that long is closed. Without it such connections
    /// held their descriptors for ever, and an anonymous client opening enough of them stopped the
    /// service accepting anyone. HTTP clients of the platform keep idle connections for less
    /// (AsyncHTTPClient: 60 s), so they close first and never reuse one the service is closing.
    var httpIdleTimeout: TimeAmount {
        .seconds(Int64(configuration.environment["HTTP_IDLE_TIMEOUT_SECONDS"].flatMap(Int.init).map { max($0, 1) } ?? 75))
    }

    /// `/metrics` is for operators: served only with `Authorization: Bearer <METRICS_TOKEN>` (or the
    /// content of `METRICS_TOKEN_FILE`), and not at all (404) when the service has none.
    private func authorizeMetrics(_ request: Request) throws {
        guard let token = configuration.secret("METRICS_TOKEN") else { throw Problem.notFound() }
        guard let given = request.headers[.authorization], constantTimeEqual(given, "Bearer " + token) else {
            throw Problem.unauthorized("jeton de métriques requis / metrics token required")
        }
    }

    /// The counters as they stand, and the gauges read at scrape time: the outbox backlog, the
    /// inbox, and the depth of each consumer's dead-letter queue (a short broker connection).
    private func prometheusText(consumers: [InboxConsumer]) async throws -> Response {
        if let backlog = try? await outbox.backlog(postgres, logger: logger) {
            metrics.outboxPending.set(Double(backlog.pending))
            metrics.outboxFailed.set(Double(backlog.failed))
            metrics.outboxOldestPendingSeconds.set(backlog.oldestPendingAgeSeconds)
        }
        if let inbox = try? await postgres.query("SELECT count(*) FROM \(unescaped: schema.name).inbox", logger: logger)
            .collect().first?.decode(Int.self) {
            metrics.inboxEvents.set(Double(inbox))
        }
        for queue in consumers.map(\.queue.deadLetterQueue) {
            if let depth = await BrokerAdmin.queueDepth(amqp, queue: queue) { metrics.deadLetters(queue).set(Double(depth)) }
        }
        var buffer: [UInt8] = []
        metrics.registry.emit(into: &buffer)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}

/// Compares secrets in a time that does not depend on where they differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for i in 0..<min(x.count, y.count) { difference |= x[i] ^ y[i] }
    return difference == 0
}

/// Runs a service's application until SIGTERM or SIGINT (each service's `main`): the server stops
/// accepting, finishes the requests in flight, the consumers settle or return their deliveries,
/// the relay stops between batches, the connections close — and whatever is still running 1.5 s
/// after the signal (a query on a connection that died, a migration waiting for a database that is
/// down) is cut short by exiting: a supervisor or an orchestrator replaces a process that stops in
/// time (issue 25), and nothing is lost by it (an open transaction rolls back, an unsettled delivery
/// returns to its queue, an unpublished outbox row stays for the next relay).
public func runService<App: ApplicationProtocol>(_ configuration: ServiceConfiguration,
                                                 _ build: (ServiceConfiguration) async throws -> App) async -> Never {
    let logger = configuration.makeLogger()
    do {
        let app = try await build(configuration)
        let group = ServiceGroupConfiguration(services: [app, ShutdownDeadline(limit: 1.5, logger: logger)],
                                              gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await ServiceGroup(configuration: group).run()
        exit(0)
    } catch {
        // A refused configuration or an unreachable database at start is the operator's to fix:
        // said in one line, exit 1 for the supervisor, not a trap's crash report.
        logger.critical("\(configuration.service) stopped: \(error)")
        fflush(nil)
        exit(1)
    }
}

/// Last in the group, so the first told to stop: from then on the process has `limit` seconds.
struct ShutdownDeadline: Service {
    let limit: Double
    let logger: Logger

    func run() async throws {
        // Told to stop (a signal): exit 0. Cancelled: the group is ending on an error, and the same
        // uncancellable awaits could hold it forever, which no supervisor notices: exit 1.
        let status: Int32
        do { try await gracefulShutdown(); status = 0 } catch { status = 1 }
        let (logger, limit) = (logger, limit)
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
            logger.warning("still stopping \(limit) s after the \(status == 0 ? "signal" : "error"): exiting now (open work is redone from the outbox, the inbox and the queues)")
            fflush(nil)
            _exit(status)
        }
    }
}
