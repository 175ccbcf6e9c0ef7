import Foundation
import Hummingbird
import Shared

/// The documents around the exam (issue 22 item 5): a slot's attendance sheet and the absences the
/// centre records from it, the candidates' convocations for their centre and their school.
extension CorrectionController {
    func addDocumentsRoutes(to group: RouterGroup<ECERequestContext>) {
        let c = Self.commission
        group.get("\(c)/creneaux/:creneau/emargement.pdf", use: emargement)
        group.get("\(c)/creneaux/:creneau/convocations.pdf", use: convocationsCreneau)
        group.post("\(c)/creneaux/:creneau/absences", use: releverAbsences)
        group.get("sessions/:annee/candidats/:numero/convocation.pdf", use: convocation)
        group.get("sessions/:annee/etablissements/:uai/convocations", use: convocationsEtablissement)
        group.get("sessions/:annee/etablissements/:uai/convocations.pdf", use: convocationsEtablissementPDF)
    }

    /// The slot of the path in the commission, and its candidates in alphabetical order.
    private func creneau(_ commission: Commission, _ context: ECERequestContext)
        async throws -> (ConvocationsDocument.Creneau, [CommissionRepository.Convoque]) {
        let id = try context.uuid("creneau", of: "créneau")
        guard let (jour, demiJournee, heure, lieu) = try await commissions.creneau(commission.key, id) else { throw Problem.notFound("créneau") }
        let convoques = try await commissions.convoques(session: commission.session, creneau: (commission.key, id))
        return (.init(key: commission.key, academie: commission.academie, lieu: lieu, jour: jour, demiJournee: demiJournee, heure: heure),
                convoques)
    }

    /// The attendance sheet: whoever reads the commission's sheets (`imprimer`) prints it.
    @Sendable func emargement(_ request: Request, context: ECERequestContext) async throws -> Response {
        let (commission, _) = try await visible(context, roles: [.centre, .referent, .gestionnaire, .coordinateur])
        let (creneau, convoques) = try await creneau(commission, context)
        let bytes = try await PDF.build { try ConvocationsDocument.emargement(creneau, convoques) }
        return PDF.response(bytes, name: "emargement-\(commission.epreuve)-\(commission.centre)-\(creneau.jour)-\(creneau.demiJournee).pdf")
    }

    /// The convocations of a slot's candidates, for the centre that hosts them (and the académie).
    @Sendable func convocationsCreneau(_ request: Request, context: ECERequestContext) async throws -> Response {
        let (commission, _) = try await visible(context, roles: [.centre, .gestionnaire])
        let (creneau, convoques) = try await creneau(commission, context)
        guard !convoques.isEmpty else { throw Problem.notFound("aucun candidat dans ce créneau / no candidate in this slot") }
        let bytes = try await PDF.build { try ConvocationsDocument.convocations(convoques, title: "Convocations \(commission.epreuve)") }
        return PDF.response(bytes, name: "convocations-\(commission.epreuve)-\(commission.centre)-\(creneau.jour)-\(creneau.demiJournee).pdf")
    }

    struct AbsencesRequest: Decodable { var fiches: [UUID]; var absence: FicheRepository.Absence? }

    /// The absent candidates the centre ticks on the slot's attendance sheet (unjustified unless said).
    @Sendable func releverAbsences(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Releve {
        let (commission, caller) = try await visible(context, roles: [.centre])
        let creneau = try context.uuid("creneau", of: "créneau")
        let body = try await request.decode(as: AbsencesRequest.self, context: context)
        try Self.checkCount(body.fiches)
        return try await fiches.releverAbsences(commission.key, creneau: creneau, fiches: body.fiches, absence: body.absence ?? .injustifiee,
                                                by: caller)
    }

    /// Who reads a candidate's convocation: the centre hosting them, their school of origin, their
    /// académie's gestionnaire — nobody else.
    private static func convoque(_ caller: Identity, _ c: CommissionRepository.Convoque) -> Bool {
        switch (caller.role, caller.scope) {
        case (.centre, .etablissement(let uai)): uai == c.centre
        case (.etablissement, .etablissement(let uai)): uai == c.uaiOrigine
        case (.gestionnaire, .academie(let code)): code == c.academie
        default: false
        }
    }

    /// One candidate's convocation (one page per exam they sit); 404 alike when the number is unknown
    /// or outside the caller's perimeter, 409 before the centre places them in a slot.
    @Sendable func convocation(_ request: Request, context: ECERequestContext) async throws -> Response {
        let caller = try context.require(.centre, .etablissement, .gestionnaire)
        guard let numero = context.parameters.get("numero"), (1...40).contains(numero.count) else { throw Problem.notFound("candidat") }
        let convoques = try await commissions.convoques(session: try context.session(), numero: numero).filter { Self.convoque(caller, $0) }
        guard !convoques.isEmpty else { throw Problem.notFound("candidat") }
        guard convoques.contains(where: { $0.jour != nil }) else {
            throw Problem.conflict(.prealable, "candidat pas encore placé dans un créneau / candidate not placed in a slot yet")
        }
        let bytes = try await PDF.build { try ConvocationsDocument.convocations(convoques, title: "Convocation \(numero)") }
        return PDF.response(bytes, name: "convocation-\(Archive.safeName(numero)).pdf")
    }

    /// A school's pupils (its own for the school; those of the académie's commissions for the
    /// gestionnaire); another school's: 403.
    private func eleves(_ context: ECERequestContext) async throws -> [CommissionRepository.Convoque] {
        let caller = try context.require(.etablissement, .gestionnaire)
        guard let uai = context.parameters.get("uai"), uai.count == 8 else { throw Problem.notFound("établissement") }
        if caller.role == .etablissement, caller.scope != .etablissement(uai) {
            throw Problem.forbidden("établissement hors de votre périmètre / outside your scope")
        }
        return try await commissions.convoques(session: try context.session(), uaiOrigine: uai).filter { Self.convoque(caller, $0) }
    }

    struct Eleves: ResponseEncodable { var items: [CommissionRepository.Convoque] }

    @Sendable func convocationsEtablissement(_ request: Request, context: ECERequestContext) async throws -> Eleves {
        Eleves(items: try await eleves(context))
    }

    /// Every placed pupil's convocation in one PDF, in alphabetical order.
    @Sendable func convocationsEtablissementPDF(_ request: Request, context: ECERequestContext) async throws -> Response {
        let convoques = try await eleves(context).filter { $0.jour != nil }
        guard !convoques.isEmpty else { throw Problem.notFound("aucune convocation / no convocation") }
        let uai = convoques[0].uaiOrigine ?? ""
        let bytes = try await PDF.build { try ConvocationsDocument.convocations(convoques, title: "Convocations \(uai)") }
        return PDF.response(bytes, name: "convocations-\(uai).pdf")
    }
}

extension FicheRepository.Releve: ResponseEncodable {}
