import Hummingbird
import Logging
import PostgresNIO
import Shared

let configuration = ServiceConfiguration(service: "inscriptions", defaultPort: 8081)
if CommandLine.arguments.dropFirst().first == "seed-demo" {
    // `Inscriptions seed-demo`: the demo académies, schools and centres (make up).
    var logger = configuration.makeLogger()
    logger.logLevel = .warning
    let client = PostgresClient(configuration: try DatabaseConfiguration.client(url: configuration.databaseURL),
                                backgroundLogger: logger)
    let task = Task { await client.run() }
    let schema = try SQLIdentifier(configuration.schema)
    try await Migrator.migrate(client, schema: schema, migrations: inscriptionsMigrations, logger: logger)
    try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
    print("Demo reference data: académies 01 and 03, \(DemoReferenceData.etablissements.count) schools")
    task.cancel()
} else {
    let app = try await buildApplication(configuration)
    try await app.runService()
}
