import Foundation
import Hummingbird
import Shared

/// `/api/referentiel/…`: the DSII builds subjects and barèmes, validates, publishes, withdraws.
/// Only `dsii` writes; `dsii` and `admin` read everything. A published subject's material list and,
/// from its `visibleFrom`, its documents are also read by the centre, the examiners and the
/// coordinators, who prepare the laboratory and grade (`LectureSujet`).
struct SujetsController: Sendable {
    let sujets: SujetRepository

    func addRoutes(to group: RouterGroup<ECERequestContext>) {
        group.get("epreuves", use: epreuves)
        group.get("sujets", use: list)
        group.post("sujets", use: create)
        group.get("sujets/:id", use: get)
        group.put("sujets/:id", use: update)
        group.put("sujets/:id/bareme", use: saveBareme)
        group.post("baremes/verification", use: checkBareme)
        group.put("sujets/:id/documents/:nature", use: putDocument)
        group.get("sujets/:id/documents/:nature", use: getDocument)
        group.get("sujets/:id/materiel", use: materiel)
        group.post("sujets/:id/validate", use: validate)
        group.post("sujets/:id/reopen", use: reopen)
        group.post("sujets/:id/publish", use: publish)
        group.post("sujets/:id/withdraw", use: withdraw)
    }

    struct Epreuves: ResponseEncodable { var items: [Epreuve] }

    @Sendable func epreuves(_ request: Request, context: ECERequestContext) async throws -> Epreuves {
        _ = try context.authenticated()
        return Epreuves(items: try await sujets.epreuves().values.sorted { $0.code < $1.code })
    }

    struct Page: ResponseEncodable {
        var items: [SujetView]
        var page: Int
        var perPage: Int
        var total: Int
    }

    @Sendable func list(_ request: Request, context: ECERequestContext) async throws -> Page {
        _ = try context.require(.dsii, .admin)
        let q = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        var filtres = SujetRepository.Filtres()
        filtres.epreuve = q["epreuve"].map(String.init)
        filtres.dominante = q["dominante"].map(String.init)
        if let v = q["session"] {
            if let n = Int(v) { filtres.session = n } else { errors.append(.init(field: "session", reason: "entier / integer")) }
        }
        if let v = q["statut"] {
            if let st = StatutSujet(rawValue: String(v)) { filtres.statut = st } else {
                errors.append(.init(field: "statut", reason: StatutSujet.allCases.map(\.rawValue).joined(separator: ", ")))
            }
        }
        if let v = q["page"] {
            if let n = Int(v), n >= 1, n <= 100_000 { filtres.page = n } else { errors.append(.init(field: "page", reason: "≥ 1")) }
        }
        if let v = q["perPage"] {
            if let n = Int(v), (1...200).contains(n) { filtres.parPage = n } else {
                errors.append(.init(field: "perPage", reason: "1…200"))
            }
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let (items, total) = try await sujets.list(filtres)
        return Page(items: items, page: filtres.page, perPage: filtres.parPage, total: total)
    }

    struct Created: ResponseEncodable { var id: UUID }

    @Sendable func create(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<SujetView> {
        _ = try context.require(.dsii)
        let input = try await checked(request, context)
        guard let id = try await sujets.create(input) else {
            throw Problem.conflict(.doublon, "un sujet de ce code existe déjà pour cette épreuve et cette session / duplicate code")
        }
        return EditedResponse(status: .created, headers: [.location: "/api/referentiel/sujets/\(id.uuidString.lowercased())"],
                              response: try await found(id))
    }

    @Sendable func get(_ request: Request, context: ECERequestContext) async throws -> SujetView {
        _ = try context.require(.dsii, .admin)
        return try await found(try context.uuid(of: "sujet"))
    }

    @Sendable func update(_ request: Request, context: ECERequestContext) async throws -> SujetView {
        _ = try context.require(.dsii)
        let id = try context.uuid(of: "sujet")
        let input = try await checked(request, context)
        try await sujets.update(id, input)
        return try await found(id)
    }

    @Sendable func saveBareme(_ request: Request, context: ECERequestContext) async throws -> BaremeVersion {
        _ = try context.require(.dsii)
        let id = try context.uuid(of: "sujet")
        let bareme = try await request.decode(as: Bareme.self, context: context)
        let violations = bareme.validate()
        guard violations.isEmpty else { throw Problem.validation(violations.map { .init(field: $0.field, reason: $0.reason) }) }
        let version = try await sujets.saveBareme(id, bareme)
        return BaremeVersion(version: version, valide: false, validatedAt: nil, bareme: bareme)
    }

    struct BaremeCheck: ResponseEncodable {
        var valide: Bool
        var sommePoids: Int
        var violations: [BaremeViolation]
    }

    /// Checks a barème without storing it: the editor's live validation, with the one rule set
    /// `saveBareme` applies.
    @Sendable func checkBareme(_ request: Request, context: ECERequestContext) async throws -> BaremeCheck {
        _ = try context.require(.dsii)
        let bareme = try await request.decode(as: Bareme.self, context: context)
        let violations = bareme.validate()
        let somme = bareme.criteres.reduce(0) { $0 &+ $1.poids }
        return BaremeCheck(valide: violations.isEmpty, sommePoids: somme, violations: violations)
    }

    @Sendable func putDocument(_ request: Request, context: ECERequestContext) async throws -> SujetView {
        _ = try context.require(.dsii)
        let id = try context.uuid(of: "sujet")
        let nature = try nature(context)
        let body = try await request.body.collect(upTo: DocumentRule.maximumSize + 1)
        let bytes = Array(body.readableBytesView)
        if let violation = DocumentRule.violation(bytes) { throw Problem.validation([violation]) }
        let nom = request.uri.queryParameters["nom"].map(String.init) ?? "\(nature.rawValue).pdf"
        // A plain name: no directory, no hidden file, no control character (it ends up in a header).
        guard (1...200).contains(nom.count), !nom.contains("/"), !nom.contains("\\"), !nom.hasPrefix("."),
              !nom.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem.validation([.init(field: "nom", reason: "nom de fichier simple de 1 à 200 caractères / plain file name")])
        }
        try await sujets.putDocument(id, nature: nature, nom: nom, bytes: bytes)
        return try await found(id)
    }

    /// What a laboratory is prepared from: the material list of the subject, and once visible its
    /// title and the documents there are to read (`LectureSujet`).
    struct Materiel: ResponseEncodable {
        var id: UUID; var epreuve: String; var session: Int; var code: String; var dominante: String?; var titre: String?
        var materiel: [String]; var visibleFrom: Date?; var visible: Bool; var documents: [DocumentView]
    }

    @Sendable func materiel(_ request: Request, context: ECERequestContext) async throws -> Materiel {
        let caller = try context.authenticated()
        let sujet = try await lisible(try context.uuid(of: "sujet"), .materiel, by: caller)
        let visible = LectureSujet.documents.refus(caller.role, sujet) == nil
        return Materiel(id: sujet.id, epreuve: sujet.epreuve, session: sujet.session, code: sujet.code, dominante: sujet.dominante,
                        titre: visible ? sujet.titre : nil, materiel: sujet.materiel, visibleFrom: sujet.visibleFrom, visible: visible,
                        documents: sujet.documents.filter { LectureSujet.documents.refus(caller.role, sujet, nature: $0.nature) == nil })
    }

    @Sendable func getDocument(_ request: Request, context: ECERequestContext) async throws -> Response {
        let caller = try context.authenticated()
        let id = try context.uuid(of: "sujet")
        let nature = try nature(context)
        _ = try await lisible(id, .documents, nature: nature, by: caller)
        guard let (nom, bytes) = try await sujets.document(id, nature: nature) else {
            throw Problem.notFound("document")
        }
        let ascii = String(nom.unicodeScalars.filter { $0.isASCII && $0 != "\"" })
        return Response(status: .ok, headers: [.contentType: "application/pdf",
                                               .contentDisposition: "inline; filename=\"\(ascii)\""],
                        body: .init(byteBuffer: bytes))
    }

    @Sendable func validate(_ request: Request, context: ECERequestContext) async throws -> SujetView {
        _ = try context.require(.dsii)
        let id = try context.uuid(of: "sujet")
        let problems = try await sujets.validate(id)
        guard problems.isEmpty else { throw Problem.validation(problems) }
        return try await found(id)
    }

    @Sendable func reopen(_ request: Request, context: ECERequestContext) async throws -> SujetView {
        _ = try context.require(.dsii)
        let id = try context.uuid(of: "sujet")
        try await sujets.reopen(id)
        return try await found(id)
    }

    struct PublishRequest: Decodable { var visibleFrom: Date }

    @Sendable func publish(_ request: Request, context: ECERequestContext) async throws -> SujetView {
        _ = try context.require(.dsii)
        let id = try context.uuid(of: "sujet")
        let body: PublishRequest
        do {
            body = try EventCoding.decoder.decode(PublishRequest.self, from: Data(try await request.body.collect(upTo: 4096).readableBytesView))
        } catch {
            throw Problem.validation([.init(field: "visibleFrom", reason: "date ISO-8601 requise / ISO-8601 date required")])
        }
        try await sujets.publish(id, visibleFrom: body.visibleFrom, correlationId: context.correlationId)
        return try await found(id)
    }

    @Sendable func withdraw(_ request: Request, context: ECERequestContext) async throws -> SujetView {
        _ = try context.require(.dsii)
        let id = try context.uuid(of: "sujet")
        try await sujets.withdraw(id, correlationId: context.correlationId)
        return try await found(id)
    }

    // MARK: helpers

    private func checked(_ request: Request, _ context: ECERequestContext) async throws -> SujetInput {
        let input = try await request.decode(as: SujetInput.self, context: context)
        let violations = input.violations(epreuves: try await sujets.epreuves())
        guard violations.isEmpty else { throw Problem.validation(violations) }
        return input
    }

    /// The subject, if `caller` may read this of it (`LectureSujet`); 404 when there is none.
    private func lisible(_ id: UUID, _ lecture: LectureSujet, nature: NatureDocument? = nil, by caller: Identity) async throws -> SujetView {
        // The role first: a refused role learns nothing, not even whether the subject exists.
        if let refus = LectureSujet.refus(caller.role) { throw refus }
        let sujet = try await found(id, withBaremes: false)
        if let refus = lecture.refus(caller.role, sujet, nature: nature) { throw refus }
        return sujet
    }

    private func found(_ id: UUID, withBaremes: Bool = true) async throws -> SujetView {
        guard let view = try await sujets.find(id, withBaremes: withBaremes) else { throw Problem.notFound("sujet \(id)") }
        return view
    }


    private func nature(_ context: ECERequestContext) throws -> NatureDocument {
        guard let text = context.parameters.get("nature"), let nature = NatureDocument(rawValue: text) else {
            throw Problem.notFound("document (sujet ou examinateur)")
        }
        return nature
    }
}

extension SujetView: ResponseEncodable {}
extension BaremeVersion: ResponseEncodable {}
extension Epreuve: ResponseEncodable {}
