import Hummingbird
import Shared

let app = try await buildApplication(ServiceConfiguration(service: "referentiel", defaultPort: 8083))
try await app.runService()
