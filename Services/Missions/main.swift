import Hummingbird
import Shared

let app = try await buildApplication(ServiceConfiguration(service: "missions", defaultPort: 8082))
try await app.runService()
