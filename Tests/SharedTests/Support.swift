import Foundation
import Logging
import TestSupport
@testable import Shared

/// Runs `scripts/infra.sh <command>` (used to stop and restart the broker).
func infra(_ command: String) async throws {
    let script = LocalInfrastructure.repositoryRoot.appendingPathComponent("scripts/infra.sh").path
    let status = await LocalInfrastructure.run(["/bin/bash", script, command])
    if status != 0 { throw ProcessFailure(message: "infra.sh \(command) exited \(status)") }
}

/// Reads what sits in a queue (a DLQ).
func readQueue(_ name: String, expecting count: Int, timeout: TimeInterval = 30) async throws -> [AMQPMessage] {
    try await BrokerAdmin.take(try AMQPConfiguration(url: LocalInfrastructure.amqpURL), queue: name, count: count,
                               timeout: timeout)
}

func uniqueName(_ prefix: String) -> String { "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())" }
