import Hummingbird
import Shared

let app = try await buildApplication(ServiceConfiguration(service: "inscriptions", defaultPort: 8081))
try await app.runService()
