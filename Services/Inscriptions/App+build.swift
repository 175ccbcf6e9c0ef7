import Hummingbird
import Shared

/// The Inscriptions service's consumers: the grades that come back from Correction.
func buildConsumers(_ runtime: ServiceRuntime) -> [InboxConsumer] {
    [runtime.consumer("notes", handlers: NotesHandler(schema: runtime.schema, outbox: runtime.outbox).handlers)]
}

/// The Inscriptions service's routes (the OpenAPI test reads them): its generated operations (`InscriptionsAPI`).
func buildRouter(_ runtime: ServiceRuntime, consumers: [InboxConsumer] = []) throws -> Router<ECERequestContext> {
    let router = runtime.makeRouter(consumers: consumers, meGenere: true)
    let api = InscriptionsAPI(
        repository: InscriptionsRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger),
        affectations: AffectationRepository(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox, logger: runtime.logger),
        designations: DesignationRepository(runtime),
        annuaire: AnnuaireRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger))
    try RequeteGeneree.enregistrer(on: router, gardes: InscriptionsAPI.gardes) { transport, configuration, middlewares in
        try api.registerHandlers(on: transport, configuration: configuration, middlewares: middlewares)
    }
    return router
}

/// The Inscriptions service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    let consumers = buildConsumers(runtime)
    let exports = ExportsDesignations(designations: DesignationRepository(runtime), logger: runtime.logger, ready: runtime.ready)
    return runtime.makeApplication(router: try buildRouter(runtime, consumers: consumers), migrations: inscriptionsMigrations,
                                   consumers: consumers, services: [exports])
}
