import Hummingbird
import Shared

/// The Gateway service: used by `main` and by the tests.
func buildApplication(_ configuration: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let runtime = try ServiceRuntime(configuration)
    let router = runtime.makeRouter()
    return runtime.makeApplication(router: router, migrations: [])
}
