import Hummingbird
import Shared

/// The Correction service's consumers: the candidates of each centre (Cyclades), the convoked
/// examiners (Imag'In) and the published subjects (Référentiel Sujet).
func buildConsumers(_ runtime: ServiceRuntime) -> [InboxConsumer] {
    let projections = ProjectionHandlers(schema: runtime.schema)
    return [runtime.consumer("candidats", handlers: projections.candidats),
            runtime.consumer("convocations", handlers: projections.convocations),
            runtime.consumer("sujets", handlers: projections.sujets)]
}

/// The Correction service's routes (the OpenAPI test reads them): its generated operations (`CorrectionAPI`) and the
/// editor's hot path, hand-written (`routesEditeur`).
func buildRouter(_ runtime: ServiceRuntime, consumers: [InboxConsumer] = []) throws -> Router<ECERequestContext> {
    let router = runtime.makeRouter(consumers: consumers, meGenere: true)
    let commissions = CommissionRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger)
    let api = CorrectionAPI(
        commissions: commissions, fiches: FicheRepository(commissions: commissions, outbox: runtime.outbox),
        suivi: SuiviRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger),
        messagerie: MessagerieRepository(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox, logger: runtime.logger),
        publicURL: runtime.configuration.publicURL)
    try RequeteGeneree.enregistrer(on: router, gardes: CorrectionAPI.gardes) { transport, configuration, middlewares in
        try api.registerHandlers(on: transport, configuration: configuration, middlewares: middlewares)
    }
    api.routesEditeur(on: router)
    return router
}

/// The Correction service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    let consumers = buildConsumers(runtime)
    return runtime.makeApplication(router: try buildRouter(runtime, consumers: consumers), migrations: correctionMigrations,
                                   consumers: consumers)
}
