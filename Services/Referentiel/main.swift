import Hummingbird
import Logging
import PostgresNIO
import Shared

let configuration = ServiceConfiguration(service: "referentiel", defaultPort: 8083)
if CommandLine.arguments.dropFirst().first == "seed-demo" {
    // `Referentiel seed-demo`: the demo subjects (make up). Their events go out when the service's relay runs.
    var logger = configuration.makeLogger()
    logger.logLevel = .warning
    let client = PostgresClient(configuration: try DatabaseConfiguration.client(url: configuration.databaseURL),
                                backgroundLogger: logger)
    let task = Task { await client.run() }
    let schema = try SQLIdentifier(configuration.schema)
    try await Migrator.migrate(client, schema: schema, migrations: referentielMigrations, logger: logger)
    print("Demo subjects (session \(DemoData.session)):")
    try await DemoData.seed(SujetRepository(client: client, schema: schema,
                                            outbox: Outbox(schema: schema, producer: "referentiel"), logger: logger))
    task.cancel()
} else {
    let app = try await buildApplication(configuration)
    try await app.runService()
}
