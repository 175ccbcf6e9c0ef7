import Hummingbird
import Shared

let app = try await buildApplication(ServiceConfiguration(service: "correction", defaultPort: 8084))
try await app.runService()
