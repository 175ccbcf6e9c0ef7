import ArgumentParser
import AsyncHTTPClient
import ECEAPI
import ECEAPIClient
import Foundation
import JWTKit
import Logging
import OpenAPIRuntime
import PostgresNIO
import Shared
import TestSupport

/// `ece-bench import`: a national-size candidates file imported through the gateway (streamed,
/// every line validated, one transaction), against PostgreSQL's own `COPY` of the same file into a
/// plain table (no validation, no keys to resolve) measured in the same run.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Candidates import vs PostgreSQL COPY (platform running: make up).")

    @Option(help: "Registrations (lines) in the file.") var lines = 240_000
    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Private key that signs the bench's gestionnaire token.") var keyFile = "var/keys/jwt-private.pem"

    func run() async throws {
        let prefix = "B\(UUID().uuidString.prefix(6))"
        let uais = ["0251080N", "0250007X", "0251671F", "0250058C", "0390013C", "0700009E", "0700905D", "0900003P", "0900024M"]
        let file = CandidatsFile.generate(lines: lines, uais: uais, numeroPrefix: prefix)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ece-bench-\(prefix).csv")
        try file.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        print("ece-bench import: \(lines) lines, \(file.utf8.count / 1_000_000) MB, \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let copySeconds = try copyBaseline(path)
        print(String(format: "baseline psql \\copy into a plain table: %.2f s (%.0f lines/s)", copySeconds,
                     Double(lines) / copySeconds))

        let signer = await TokenSigner(privateKey: try EdDSA.PrivateKey(pem: try String(contentsOfFile: keyFile, encoding: .utf8)))
        let token = try await signer.sign(Identity(userId: UUID(), login: "bench", role: .gestionnaire, scope: .academie("03")))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let api = try Passerelle(gateway, http: http, timeout: .minutes(10)).client(token)
        let start = ContinuousClock.now
        let report: Components.Schemas.ImportReport
        do {
            report = try await api.importerCandidats(path: .init(annee: 2098), body: .csv(HTTPBody(file))).ok.body.json
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "import through the gateway: %.2f s (%.0f lines/s): %d lines, %d candidates, %d registrations, %d errors",
                     seconds, Double(lines) / seconds, report.lignes ?? 0, report.candidats ?? 0, report.inscriptions ?? 0,
                     report.nombreErreurs ?? 0))
        print(String(format: "ratio import/COPY time: %.1f×", seconds / copySeconds))
        try await cleanUp(prefix)
    }

    /// `\copy` of the same file into a fresh table of a scratch schema, timed as a whole process.
    private func copyBaseline(_ path: URL) throws -> Double {
        let schema = "bench_\(UUID().uuidString.prefix(8).lowercased())"
        let sql = """
            CREATE SCHEMA \(schema);
            CREATE TABLE \(schema).lignes (numero text, nom text, prenoms text, naissance text, categorie text, uai text,
                                           division text, filiere text, epreuve text);
            \\timing on
            \\copy \(schema).lignes FROM '\(path.path)' WITH (FORMAT csv, DELIMITER ';', HEADER true)
            \\timing off
            DROP SCHEMA \(schema) CASCADE;
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [LocalInfrastructure.databaseURL.replacingOccurrences(of: "postgres://", with: "postgresql://"),
                             "-v", "ON_ERROR_STOP=1", "-q", "-c", "SELECT 1", "-f", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // psql prints "Time: 1234.567 ms (00:01.235)" for the \copy.
        guard process.terminationStatus == 0,
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Time:") }),
            let ms = Double(line.split(separator: " ")[1])
        else { throw ValidationError("psql \\copy failed: \(text)") }
        return ms / 1000
    }

    /// The bench's candidates are removed (as the inscriptions role) so runs do not pile up.
    private func cleanUp(_ prefix: String) async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let configuration = try DatabaseConfiguration.client(url: "postgres://inscriptions:inscriptions@127.0.0.1:5433/ece")
        try await withPostgresClient(configuration, logger: logger) { client in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("""
                    DELETE FROM inscriptions.inscriptions WHERE candidat_id IN
                        (SELECT id FROM inscriptions.candidats WHERE session = 2098 AND numero LIKE \(prefix + "%"))
                    """, logger: logger)
                try await connection.query("""
                    DELETE FROM inscriptions.candidats WHERE session = 2098 AND numero LIKE \(prefix + "%")
                    """, logger: logger)
            }
        }
    }
}
