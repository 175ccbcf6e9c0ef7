import Hummingbird
import Shared

let configuration = ServiceConfiguration(service: "missions", defaultPort: 8082)
try await runService(try await buildApplication(configuration), logger: configuration.makeLogger())
