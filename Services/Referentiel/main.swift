import Hummingbird
import Shared

let configuration = ServiceConfiguration(service: "referentiel", defaultPort: 8083)
if CommandLine.arguments.dropFirst().first == "seed-demo" {
    // `Referentiel seed-demo`: the demo subjects (make up). Their events go out when the service's relay runs.
    try await withServiceDatabase(configuration, migrations: referentielMigrations) { client, schema, logger in
        print("Demo subjects (session \(DemoData.session)):")
        try await DemoData.seed(SujetRepository(client: client, schema: schema,
                                                outbox: Outbox(schema: schema, producer: "referentiel"), logger: logger))
    }
} else {
    await runService(configuration, buildApplication)
}
