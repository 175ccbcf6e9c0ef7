import Foundation
import Shared

/// Between the generated types (`Components.Schemas`, from openapi.yaml) and Imag'In's own. After a
/// write, responses map field by field and cannot fail; reads go through `Pont.vue` (the same JSON);
/// requests the domain refuses to decode are the caller's 400 (`Pont.lu`).
enum Correspondance {
    /// A regulation sent by the DSII, as the domain reads it (its kinds and pay modes), or 400.
    static func lu(_ reglementation: Components.Schemas.Reglementation) throws -> Reglementation {
        do {
            return try Pont.lu(reglementation)
        } catch let problem as Problem {
            throw Problem.badRequest("réglementation illisible / unreadable regulation: \(problem.detail ?? "")")
        }
    }

    static func vue(_ p: ParametresSession) -> Components.Schemas.ParametresSession {
        .init(session: p.session, academie: p.academie, dateDebut: p.dateDebut, dateFin: p.dateFin, observations: p.observations,
              typeMissionExaminateur: p.typeMissionExaminateur, typeMissionCoordinateur: p.typeMissionCoordinateur,
              reglementationVersion: p.reglementationVersion, ouverteLe: p.ouverteLe, rafraichieLe: p.rafraichieLe)
    }
}
