import Foundation
import Hummingbird
import Shared

/// Harmonisation before closing (issue 22 item 2): the coordination of the exam in the académie,
/// or the centre and its référent in their own centre, ask second looks (by hand or a sample per
/// examiner) and settle them; the designated second reader grades blind in the editor; the first
/// examiner reads the outcome.
extension CorrectionController {
    func addSecondeLectureRoutes(to group: RouterGroup<ECERequestContext>) {
        let c = Self.commission
        group.get("\(c)/secondes-lectures", use: secondesLectures)
        group.post("\(c)/secondes-lectures", use: demanderSecondeLecture)
        group.post("\(c)/secondes-lectures/echantillon", use: echantillonner)
        group.post("\(c)/secondes-lectures/:lecture/arbitrage", use: trancher)
        group.get("fiches/:id/seconde-lecture", use: ficheAveugle)
        group.put("fiches/:id/seconde-lecture", use: enregistrerSecondeLecture)
        group.get("mes-secondes-lectures", use: mesSecondesLectures)
    }

    var secondes: SecondeLectureRepository { SecondeLectureRepository(fiches: fiches) }

    /// Who asks and settles: the coordination, the centre and its référent (`visible` checks the scope).
    static let arbitres: [Role] = [.coordinateur, .referent, .centre]

    struct SecondesLectures: ResponseEncodable { var items: [SecondeLectureRepository.Vue] }

    @Sendable func secondesLectures(_ request: Request, context: ECERequestContext) async throws -> SecondesLectures {
        let (commission, _) = try await visible(context, roles: Self.arbitres + [.gestionnaire])
        return SecondesLectures(items: try await secondes.liste(commission.key))
    }

    struct DemandeRequest: Decodable { var fiches: [UUID]; var lecteurId: UUID? }

    /// Sheets picked by hand (1 to 100), with the reader named or left to the platform.
    @Sendable func demanderSecondeLecture(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<SecondesLectures> {
        let (commission, caller) = try await visible(context, roles: Self.arbitres)
        let body = try await request.decode(as: DemandeRequest.self, context: context)
        guard (1...100).contains(body.fiches.count) else {
            throw Problem.validation([.init(field: "fiches", reason: "1 à 100 fiches / 1 to 100 sheets")])
        }
        let items = try await secondes.demander(commission.key, fiches: body.fiches, lecteur: body.lecteurId, by: caller)
        return EditedResponse(status: .created, response: SecondesLectures(items: items))
    }

    struct EchantillonRequest: Decodable { var parExaminateur: Int }

    /// A random sample of 1 to 20 graded sheets per examiner.
    @Sendable func echantillonner(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<SecondesLectures> {
        let (commission, caller) = try await visible(context, roles: Self.arbitres)
        let body = try await request.decode(as: EchantillonRequest.self, context: context)
        guard (1...20).contains(body.parExaminateur) else {
            throw Problem.validation([.init(field: "parExaminateur", reason: "1 à 20 fiches par examinateur / 1 to 20 per examiner")])
        }
        let items = try await secondes.echantillon(commission.key, parExaminateur: body.parExaminateur, by: caller)
        return EditedResponse(status: .created, response: SecondesLectures(items: items))
    }

    @Sendable func trancher(_ request: Request, context: ECERequestContext) async throws -> SecondeLectureRepository.Vue {
        let (commission, caller) = try await visible(context, roles: Self.arbitres)
        let lecture = try context.uuid("lecture", of: "seconde lecture")
        let body = try await request.decode(as: SecondeLectureRepository.Arbitrage.self, context: context)
        return try await secondes.trancher(commission.key, lecture: lecture, body, by: caller)
    }

    /// The sheet for its designated second reader, still convoked on its commission: blind.
    @Sendable func ficheAveugle(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Fiche {
        let caller = try context.require(.examinateur)
        let fiche = try await secondes.aveugle(try context.uuid(of: "fiche"), by: caller)
        guard try await commissions.examinateur(caller, on: fiche.key) != nil else { throw Problem.notFound("fiche") }
        return fiche
    }

    @Sendable func enregistrerSecondeLecture(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Fiche {
        let caller = try context.require(.examinateur)
        let id = try context.uuid(of: "fiche")
        let body = try await request.decode(as: FicheRepository.Enregistrement.self, context: context)
        guard let fiche = try await fiches.fiche(id), try await commissions.examinateur(caller, on: fiche.key) != nil else {
            throw Problem.notFound("fiche")
        }
        return try await secondes.enregistrer(id, body, by: caller)
    }

    @Sendable func mesSecondesLectures(_ request: Request, context: ECERequestContext) async throws -> SecondeLectureRepository.Mes {
        let caller = try context.require(.examinateur)
        return try await secondes.mes(login: caller.login)
    }
}

extension SecondeLectureRepository.Vue: ResponseEncodable {}
extension SecondeLectureRepository.Mes: ResponseEncodable {}
