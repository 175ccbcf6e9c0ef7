import Logging
import PostgresNIO
import ServiceLifecycle
import Shared

/// Exports the groups of designations waiting in `exports_a_faire` (`DesignationRepository.exportOne`),
/// several instances side by side. Wakes on the table's NOTIFY, looks anyway every `safetyPoll`.
struct ExportsDesignations: Service {
    let designations: DesignationRepository
    let logger: Logger
    let ready: StartupGate?
    var safetyPoll: Duration = .seconds(10)

    func run() async throws {
        try await ready?.wait()
        try? await cancelWhenGracefulShutdown {
            await ClaimedWork(client: designations.client, channel: designations.exportsChannel, safetyPoll: safetyPoll, logger: logger)
                .run("designation exports") { try await designations.exportOne() }
        }
    }
}
