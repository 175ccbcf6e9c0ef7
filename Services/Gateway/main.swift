import Hummingbird
import Shared

let app = try await buildApplication(ServiceConfiguration(service: "gateway", defaultPort: 8080))
try await app.runService()
