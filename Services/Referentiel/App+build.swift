import Foundation
import Hummingbird
import Shared

/// The Referentiel service's routes (the OpenAPI test reads them): its generated operations (`ReferentielAPI`).
func buildRouter(_ runtime: ServiceRuntime) throws -> Router<ECERequestContext> {
    let router = runtime.makeRouter(meGenere: true)
    let sujets = SujetRepository(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox,
                                 logger: runtime.logger)
    try RequeteGeneree.enregistrer(on: router, gardes: ReferentielAPI.gardes) { transport, configuration, middlewares in
        try ReferentielAPI(sujets: sujets).registerHandlers(on: transport, configuration: configuration, middlewares: middlewares)
    }
    return router
}

/// The Referentiel service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    return runtime.makeApplication(router: try buildRouter(runtime), migrations: referentielMigrations)
}
