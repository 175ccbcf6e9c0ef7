import Hummingbird
import Shared

let configuration = ServiceConfiguration(service: "missions", defaultPort: 8082)
await runService(configuration, buildApplication)
