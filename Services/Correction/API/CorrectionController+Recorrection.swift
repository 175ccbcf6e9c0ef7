import Foundation
import Hummingbird
import Shared

/// Re-marking after closing (issue 22 item 3): the gestionnaire opens a request for one candidate
/// of a closed commission, the exam's coordinator in the académie lists and re-marks it.
extension CorrectionController {
    func addRecorrectionRoutes(to group: RouterGroup<ECERequestContext>) {
        group.post("\(Self.commission)/recorrections", use: demanderRecorrection)
        group.get("sessions/:annee/recorrections", use: recorrections)
        group.post("recorrections/:recorrection/notation", use: recorriger)
    }

    struct Demande: Decodable { var candidatId: UUID; var motif: String }

    /// The académie's gestionnaire only (another académie's: 403 on the commission).
    @Sendable func demanderRecorrection(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Created> {
        let (commission, caller) = try await visible(context, roles: [.gestionnaire])
        let body = try await request.decode(as: Demande.self, context: context)
        let id = try await fiches.demanderRecorrection(commission.key, candidat: body.candidatId, motif: try Self.motif(body.motif),
                                                       by: caller)
        return EditedResponse(status: .created, response: Created(id: id))
    }

    struct Recorrections: ResponseEncodable { var items: [FicheRepository.DemandeRecorrection] }

    /// The gestionnaire reads the académie's requests; a coordinator those of the exams they coordinate there.
    @Sendable func recorrections(_ request: Request, context: ECERequestContext) async throws -> Recorrections {
        let caller = try context.require(.gestionnaire, .coordinateur)
        guard case .academie(let academie) = caller.scope else { throw Problem.forbidden("portée académique requise / académie scope") }
        let session = try context.session()
        let epreuves = caller.role == .coordinateur
            ? try await commissions.coordinations(login: caller.login, session: session, academie: academie) : nil
        return Recorrections(items: try await fiches.recorrections(session: session, academie: academie, epreuves: epreuves))
    }

    struct Recorrigee: ResponseEncodable { var noteFinale: Int }

    /// The coordinator only; the repository checks, under lock, that they coordinate the sheet's exam.
    @Sendable func recorriger(_ request: Request, context: ECERequestContext) async throws -> Recorrigee {
        let caller = try context.require(.coordinateur)
        let body = try await request.decode(as: FicheRepository.Recorrige.self, context: context)
        return Recorrigee(noteFinale: try await fiches.recorriger(try context.uuid("recorrection", of: "recorrection"), body, by: caller,
                                                                  correlationId: context.correlationId))
    }
}
