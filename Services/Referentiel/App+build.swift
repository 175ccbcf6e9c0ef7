import Foundation
import Hummingbird
import Shared

/// The Referentiel service's routes (the OpenAPI test reads them): its generated operations (`ReferentielAPI`).
func buildRouter(_ runtime: ServiceRuntime) -> Router<ECERequestContext> {
    let router = runtime.makeRouter(meGenere: true)
    let sujets = SujetRepository(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox,
                                 logger: runtime.logger)
    RequeteGeneree.enregistrer(on: router, gardes: ReferentielAPI.gardes) { transport, configuration, middlewares in
        // Registration fails only on a server URL that is not one: "/" is.
        try? ReferentielAPI(sujets: sujets).registerHandlers(on: transport, configuration: configuration, middlewares: middlewares)
    }
    return router
}

/// The Referentiel service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    return runtime.makeApplication(router: buildRouter(runtime), migrations: referentielMigrations)
}
