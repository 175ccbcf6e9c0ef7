import Hummingbird
import Shared

/// The Inscriptions service's consumers: the grades that come back from Correction.
func buildConsumers(_ runtime: ServiceRuntime) -> [InboxConsumer] {
    [runtime.consumer("notes", handlers: NotesHandler(schema: runtime.schema, outbox: runtime.outbox).handlers)]
}

/// The Inscriptions service's routes (the OpenAPI test reads them).
func buildRouter(_ runtime: ServiceRuntime, consumers: [InboxConsumer] = []) -> Router<ECERequestContext> {
    let router = runtime.makeRouter(consumers: consumers)
    let repository = InscriptionsRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger)
    let affectations = AffectationRepository(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox,
                                             logger: runtime.logger)
    let designations = DesignationRepository(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox,
                                             logger: runtime.logger)
    InscriptionsController(repository: repository, affectations: affectations, designations: designations)
        .addRoutes(to: router.group("/api/inscriptions"))
    AnnuaireController(annuaire: AnnuaireRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger))
        .addRoutes(to: router.group("/api/inscriptions"))
    return router
}

/// The Inscriptions service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    let consumers = buildConsumers(runtime)
    return runtime.makeApplication(router: buildRouter(runtime, consumers: consumers), migrations: inscriptionsMigrations,
                                   consumers: consumers)
}
