import Foundation
import Hummingbird
import Shared

/// The Missions service's consumers: Cyclades' examiner and coordinator export, the services
/// faits of Santorin's closings, and what Santorin tells the examiners by mail (`Avis`).
func buildConsumers(_ runtime: ServiceRuntime) -> [InboxConsumer] {
    let avis = Avis(schema: runtime.schema, publicURL: runtime.configuration.publicURL)
    return [runtime.consumer("exports", handlers: ExportsHandler(schema: runtime.schema).handlers),
            runtime.consumer("services-faits", handlers: ServicesFaitsHandler(schema: runtime.schema, avis: avis).handlers),
            runtime.consumer("avis", handlers: avis.handlers)]
}

/// The Missions service's routes (the OpenAPI test reads them): its generated operations (`MissionsAPI`).
func buildRouter(_ runtime: ServiceRuntime, consumers: [InboxConsumer] = []) throws -> Router<ECERequestContext> {
    let router = runtime.makeRouter(consumers: consumers, meGenere: true)
    let repository = MissionRepository(client: runtime.postgres, schema: runtime.schema, outbox: runtime.outbox,
                                       logger: runtime.logger)
    try RequeteGeneree.enregistrer(on: router, gardes: MissionsAPI.gardes) { transport, configuration, middlewares in
        try MissionsAPI(repository: repository).registerHandlers(on: transport, configuration: configuration, middlewares: middlewares)
    }
    return router
}

/// The Missions service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try await ServiceRuntime(configuration)
    let consumers = buildConsumers(runtime)
    return runtime.makeApplication(router: try buildRouter(runtime, consumers: consumers), migrations: missionsMigrations,
                                   consumers: consumers,
                                   services: [try CourrielSender(runtime: runtime), AvisMessages(runtime: runtime)])
}
