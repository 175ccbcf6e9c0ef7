import Hummingbird
import Shared

/// The Referentiel service's routes (the OpenAPI test reads them).
func buildRouter(_ runtime: ServiceRuntime) -> Router<ECERequestContext> {
    let router = runtime.makeRouter()
    let sujets = SujetRepository(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox,
                                 logger: runtime.logger)
    SujetsController(sujets: sujets).addRoutes(to: router.group("/api/referentiel"))
    return router
}

/// The Referentiel service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    return runtime.makeApplication(router: buildRouter(runtime), migrations: referentielMigrations)
}
