import Hummingbird
import Shared

let configuration = ServiceConfiguration(service: "correction", defaultPort: 8084)
try await runService(try await buildApplication(configuration), logger: configuration.makeLogger())
