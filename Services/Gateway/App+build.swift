import AsyncHTTPClient
import Foundation
import Hummingbird
import Shared

/// What the gateway reads beyond the common variables: the upstream services (each one URL, or its
/// replicas' URLs comma-separated), the signing key, the bcrypt cost, the request size limit, the
/// sign-in throttle and the refresh grace.
struct GatewaySettings: Sendable {
    var upstreams: [String: [String]]
    var bcryptCost: UInt8
    var maxBodySize: Int
    var auth = Authentification.Policy()

    init(_ environment: [String: String]) {
        upstreams = [
            "inscriptions": environment["INSCRIPTIONS_URL"] ?? "http://127.0.0.1:8081",
            "missions": environment["MISSIONS_URL"] ?? "http://127.0.0.1:8082",
            "referentiel": environment["REFERENTIEL_URL"] ?? "http://127.0.0.1:8083",
            "correction": environment["CORRECTION_URL"] ?? "http://127.0.0.1:8084",
        ].mapValues(Upstream.bases)
        bcryptCost = environment["BCRYPT_COST"].flatMap(UInt8.init).map { min(max($0, 4), 31) } ?? 12
        maxBodySize = environment["MAX_BODY_BYTES"].flatMap(Int.init) ?? 25_000_000
        if let step = environment["LOGIN_FAILURE_DELAY_MS"].flatMap(Int.init) {
            auth.failureDelayStep = .milliseconds(step)
        }
        if let burst = environment["LOGIN_BURST"].flatMap(Int.init) { auth.loginBurst = burst }
        if let rate = environment["LOGIN_RATE_PER_MINUTE"].flatMap(Int.init) { auth.loginRatePerMinute = rate }
        if let grace = environment["REFRESH_REUSE_GRACE_SECONDS"].flatMap(Int.init) { auth.refreshReuseGrace = .seconds(grace) }
    }
}

/// The gateway's router and the long-lived things it needs (the OpenAPI test reads its routes).
struct GatewayParts {
    var router: Router<ECERequestContext>
    var consumers: [InboxConsumer]
    var httpClients: [HTTPClient]
    var upstreams: [Upstream]
    var accounts: AccountRepository
}

func buildGateway(_ runtime: ServiceRuntime) async throws -> GatewayParts {
    let environment = runtime.configuration.environment
    let settings = GatewaySettings(environment)
    // First: refused before anything that must be shut down (the HTTP client) exists.
    let files = try await WebFiles.load(environment)
    let document = try openAPIDocument()
    let accounts = AccountRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger)
    let signer = await TokenSigner(privateKey: try TokenKeys.privateKey(environment: environment))
    var clientConfiguration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(30)))
    // The default of 8 connections per service would queue every request behind eight in flight.
    clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    // Replicas: a refused connection fails at once (the request goes to another replica) instead of
    // waiting, as for a lone service, until it comes back.
    var httpClients = [httpClient]
    if settings.upstreams.values.contains(where: { $0.count > 1 }) {
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        httpClients.append(HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration))
    }
    let upstreams = settings.upstreams.map { name, bases in
        Upstream(service: name, bases: bases, client: bases.count > 1 ? httpClients.last! : httpClient,
                 metrics: runtime.metrics.registry)
    }
    let upstreamsByName = Dictionary(uniqueKeysWithValues: upstreams.map { ($0.service, $0) })

    let convocations = runtime.consumer("convocations", handlers: ConvocationHandlers(accounts: accounts).handlers)
    let router = runtime.makeRouter(consumers: [convocations])
    let auth = Authentification(accounts: accounts, passwords: Passwords(cost: settings.bcryptCost), signer: signer,
                              policy: settings.auth, clientAddress: ClientAddress(environment),
                              publicURL: runtime.configuration.publicURL)
    let services = ServiceCall(upstreams: upstreamsByName, logger: runtime.logger)
    let comptes = AdministrationDesComptes(accounts: accounts, auth: auth, services: services)
    try RequeteGeneree.enregistrer(on: router, gardes: GatewayAPI.gardes) { transport, configuration, middlewares in
        try GatewayAPI(auth: auth, comptes: comptes).registerHandlers(on: transport, configuration: configuration, middlewares: middlewares)
    }
    // Secure cookies whenever the public address is https (plain http is refused outside ECE_DEVELOPMENT).
    let web = WebController(auth: auth, comptes: comptes, verifier: runtime.verifier, services: services,
                            secureCookies: URL(string: runtime.configuration.publicURL)?.scheme?.lowercased() == "https",
                            files: files)
    web.addRoutes(to: router)
    router.get("/openapi.yaml") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: document))
    }
    ServiceProxy(upstreams: upstreamsByName, maxBodySize: settings.maxBodySize,
                 webSession: { request, logger in await web.bearer(request, logger) })
        .addRoutes(to: router)
    // Last: a file is looked for only where no route answered (404).
    router.add(middleware: files.fileMiddleware(ECERequestContext.self, logger: runtime.logger))
    return GatewayParts(router: router, consumers: [convocations], httpClients: httpClients, upstreams: upstreams,
                        accounts: accounts)
}

/// The public API's document, `API/openapi.yaml` (the source of the generated code), shipped as one of
/// the gateway's resources and read once at start-up: missing, the gateway does not start.
func openAPIDocument() throws -> ByteBuffer {
    guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
          let data = FileManager.default.contents(atPath: url.path) else {
        throw WebFiles.Unusable(description: "the OpenAPI document (openapi.yaml) is not among the gateway's resources")
    }
    return ByteBuffer(bytes: data)
}

/// The gateway: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    let parts = try await buildGateway(runtime)
    return runtime.makeApplication(router: parts.router, migrations: gatewayMigrations, consumers: parts.consumers,
                                   services: [HTTPClientService(clients: parts.httpClients),
                                              ReplicaHealthCheck(upstreams: parts.upstreams, logger: runtime.logger),
                                              try CourrielSender(runtime: runtime),
                                              AccountHousekeeping(accounts: parts.accounts, ready: runtime.ready)])
}
