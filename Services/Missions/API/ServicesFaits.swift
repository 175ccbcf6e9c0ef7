import Foundation
import OpenAPIRuntime
import Shared

/// The services faits received from Santorin's closings, priced, and their payment export.
extension MissionsAPI {
    func listerServicesFaits(_ input: Operations.ListerServicesFaits.Input) async throws -> Operations.ListerServicesFaits.Output {
        let items = try await repository.servicesFaits(session: try RequeteGeneree.session(input.path.annee), academie: try gestionnaire(),
                                                       epreuve: input.query.epreuve, centre: input.query.centre)
        return .ok(.init(body: .json(.init(items: try items.map { try Pont.vue($0) }, totalCentimes: items.reduce(0) { $0 + $1.montantCentimes }))))
    }

    /// The payment export: one line per intervenant and mission, amounts in euros with a comma.
    func exporterServicesFaits(_ input: Operations.ExporterServicesFaits.Input) async throws -> Operations.ExporterServicesFaits.Output {
        let session = try RequeteGeneree.session(input.path.annee)
        let items = try await repository.servicesFaits(session: session, academie: try gestionnaire(),
                                                       epreuve: input.query.epreuve, centre: input.query.centre)
        /// Quoted when needed, and never read as a formula by a spreadsheet.
        func cell(_ text: String?) -> String {
            var t = text ?? ""
            if let first = t.first, "=+-@\t\r".contains(first) { t = "'" + t }
            return t.contains(where: { ";\"\n\r".contains($0) }) ? "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : t
        }
        var csv = "session;epreuve;centres;mission;nature_mission;role;identifiant;nom;prenom;candidats_evalues;type_remuneration;montant_euros\r\n"
        for l in items {
            let cents = l.montantCentimes % 100
            let euros = "\(l.montantCentimes / 100),\(cents < 10 ? "0" : "")\(cents)"
            csv += [String(session), cell(l.epreuve), cell(l.centres.joined(separator: " ")), l.missionId.uuidString.lowercased(),
                    l.kind.rawValue, cell(l.role), cell(l.login), cell(l.nom), cell(l.prenom), String(l.candidatsEvalues), cell(l.typeRemuneration),
                    euros].joined(separator: ";") + "\r\n"
        }
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"services-faits-\(session).csv\""),
                         body: .textCsvCharsetUtf8(HTTPBody(csv))))
    }
}
