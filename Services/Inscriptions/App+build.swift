import Hummingbird
import Shared

/// The Inscriptions service's routes (the OpenAPI test reads them).
func buildRouter(_ runtime: ServiceRuntime) -> Router<ECERequestContext> {
    let router = runtime.makeRouter()
    let repository = InscriptionsRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger)
    let affectations = AffectationRepository(client: runtime.postgres, schema: runtime.schema, logger: runtime.logger)
    InscriptionsController(repository: repository, affectations: affectations)
        .addRoutes(to: router.group("/api/inscriptions"))
    return router
}

/// The Inscriptions service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    return runtime.makeApplication(router: buildRouter(runtime), migrations: inscriptionsMigrations)
}
