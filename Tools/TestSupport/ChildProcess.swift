import Foundation

/// A child process (the probe, or a script) whose stdout the test reads line by line.
public final class ChildProcess: @unchecked Sendable {
    private let process: Process
    private let output = OutputBuffer()

    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
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
            if data.isEmpty {
                handle.readabilityHandler = nil
                output.close()
            } else {
                output.append(String(decoding: data, as: UTF8.self))
            }
        }
        try process.run()
        self.process = process
    }

    /// The probe built next to the test bundle.
    public static func probe(_ arguments: [String]) throws -> ChildProcess {
        try tool("ece-probe", arguments)
    }

    /// One of the platform's executables, built next to the test bundle.
    public static func tool(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(binDirectory.appendingPathComponent(name), arguments, environment: environment)
    }

    /// Where the platform's executables were built: next to the test bundle, or `.build/debug`.
    public static var binDirectory: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            LocalInfrastructure.repositoryRoot.appendingPathComponent(".build/debug"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("Gateway").path) }
            ?? candidates[1]
    }

    /// What it printed so far.
    public var text: String { output.text }

    public func waitFor(_ marker: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !output.text.contains(marker) {
            guard ContinuousClock.now < deadline, process.isRunning || output.text.contains(marker) else {
                throw ProcessFailure(message: "no \(marker) from \(process.executableURL!.lastPathComponent): \(output.text)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGKILL: a child started from a test runs with the spawning thread's signal mask, in which
    /// SIGTERM is blocked (a Dispatch worker's), so `terminate()` does nothing and waiting for its
    /// exit hangs the test run.
    public func killHard() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Its exit status, once it has ended and what it printed has been read: the pipe's reader runs
    /// apart, so the last lines can arrive after the exit (seen under load). A child that left a
    /// process of its own holding the pipe is not waited for beyond 5 s.
    public func waitForExit() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        let deadline = ContinuousClock.now + .seconds(5)
        while !output.closed && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return process.terminationStatus
    }
}

public struct ProcessFailure: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Text a child process printed so far (appended from a pipe-reading thread).
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    private var ended = false
    func append(_ s: String) { lock.withLock { value += s } }
    func close() { lock.withLock { ended = true } }
    var text: String { lock.withLock { value } }
    /// The pipe reached its end: everything printed is in `text`.
    var closed: Bool { lock.withLock { ended } }
}
