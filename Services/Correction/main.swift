import Hummingbird
import Shared

let configuration = ServiceConfiguration(service: "correction", defaultPort: 8084)
await runService(configuration, buildApplication)
