import Foundation
import Logging
import TestSupport
@testable import Shared

/// A child process (the probe, or a script) whose stdout the test reads line by line.
final class ChildProcess: @unchecked Sendable {
    private let process: Process
    private let output = OutputBuffer()

    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
        self.process = process
    }

    /// The probe built next to the test bundle.
    static func probe(_ arguments: [String]) throws -> ChildProcess {
        try tool("ece-probe", arguments)
    }

    /// One of the platform's executables, built next to the test bundle.
    static func tool(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            LocalInfrastructure.repositoryRoot.appendingPathComponent(".build/debug"),
        ]
        let dir = candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent(name).path) }
        return try ChildProcess((dir ?? candidates[1]).appendingPathComponent(name), arguments, environment: environment)
    }

    /// What it printed so far.
    var text: String { output.text }

    func waitFor(_ marker: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !output.text.contains(marker) {
            guard ContinuousClock.now < deadline, process.isRunning || output.text.contains(marker) else {
                throw ProcessFailure(message: "no \(marker) from \(process.executableURL!.lastPathComponent): \(output.text)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func killHard() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func waitForExit() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        return process.terminationStatus
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

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

/// Text a child process printed so far (appended from a pipe-reading thread).
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func append(_ s: String) { lock.withLock { value += s } }
    var text: String { lock.withLock { value } }
}
