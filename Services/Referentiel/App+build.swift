import Hummingbird
import Shared

/// The Referentiel service's routes (the OpenAPI test reads them).
func buildRouter(_ runtime: ServiceRuntime) -> Router<ECERequestContext> {
    runtime.makeRouter()
}

/// The Referentiel service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    return runtime.makeApplication(router: buildRouter(runtime), migrations: [])
}
