import Hummingbird
import Shared

let configuration = ServiceConfiguration(service: "inscriptions", defaultPort: 8081)
if CommandLine.arguments.dropFirst().first == "seed-demo" {
    // `Inscriptions seed-demo`: the demo académies, schools and centres (make up).
    try await withServiceDatabase(configuration, migrations: inscriptionsMigrations) { client, schema, logger in
        try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
        print("Demo reference data: académies 01 and 03, \(DemoReferenceData.etablissements.count) schools")
    }
} else {
    await runService(configuration, buildApplication)
}
