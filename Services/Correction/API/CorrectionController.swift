import Foundation
import Hummingbird
import NIOPosix
import Shared

/// `/api/correction/…`: a commission (exam × centre) — its examiners, groups, slots, distribution
/// and closing — then the grading editor on each candidate's sheet, and lot locking. Role and scope
/// are checked here, on Santorin's own data.
struct CorrectionController: Sendable {
    let commissions: CommissionRepository
    let fiches: FicheRepository
    /// The gateway's public address: the evaluation sheets' QR codes open the editor there.
    let publicURL: String

    static let commission = "sessions/:annee/epreuves/:epreuve/centres/:centre"

    func addRoutes(to group: RouterGroup<ECERequestContext>) {
        let c = Self.commission
        group.get(RouterPath(c), use: show)
        group.get("\(c)/examinateurs", use: examinateurs)
        group.get("\(c)/fiches", use: list)
        group.get("\(c)/sujets", use: sujets)
        group.post("\(c)/groupes", use: createGroupe)
        group.patch("\(c)/groupes/:groupe", use: modifierGroupe)
        group.delete("\(c)/groupes/:groupe", use: dissoudreGroupe)
        group.post("\(c)/creneaux", use: createCreneau)
        group.post("\(c)/creneaux/:creneau/candidats", use: placer)
        group.post("\(c)/creneaux/retrait", use: retirer)
        group.post("\(c)/distribution", use: distribuer)
        group.post("\(c)/distribution/automatique", use: distribuerAutomatiquement)
        group.post("\(c)/cloture", use: cloturer)
        group.post("\(c)/reouverture", use: rouvrir)
        group.get("\(c)/audit", use: journal)
        group.get("\(c)/fiches.pdf", use: imprimer)
        group.get("\(c)/fiches.zip", use: exporter)
        group.get("fiches/:id/pdf", use: fichePDF)
        group.get("fiches/:id", use: fiche)
        group.put("fiches/:id", use: enregistrer)
        group.post("fiches/:id/tirage", use: tirer)
        group.post("fiches/:id/sujet", use: choisir)
        group.get("fiches/:id/offre", use: offre)
        group.get("fiches/:id/audit", use: audit)
        group.post("groupes/:id/verrouillage", use: verrouiller)
        group.post("groupes/:id/deverrouillage", use: deverrouiller)
        group.get("mes-lots", use: mesLots)
        addDocumentsRoutes(to: group)
        addSecondeLectureRoutes(to: group)
        addRecorrectionRoutes(to: group)
    }

    // MARK: the commission

    struct Vue: ResponseEncodable {
        var commission: Commission
        var groupes: [CommissionRepository.Groupe]
        var creneaux: [CommissionRepository.CreneauVue]
        var candidats: Int
        var nonDistribues: Int
    }

    @Sendable func show(_ request: Request, context: ECERequestContext) async throws -> Vue {
        let (commission, caller) = try await visible(context, roles: [.centre, .referent, .gestionnaire, .coordinateur, .examinateur])
        let effectifs = try await commissions.effectifs(commission.key)
        let membre = caller.role == .examinateur ? try await commissions.examinateur(caller, on: commission.key) : nil
        let groupes = try await commissions.groupes(commission.key, membre: membre)
        return Vue(commission: commission, groupes: groupes, creneaux: try await commissions.creneaux(commission.key),
                   candidats: effectifs.candidats, nonDistribues: effectifs.nonDistribues)
    }

    struct Examinateurs: ResponseEncodable { var items: [CommissionRepository.Examinateur] }

    @Sendable func examinateurs(_ request: Request, context: ECERequestContext) async throws -> Examinateurs {
        let (commission, _) = try await visible(context, roles: [.centre, .referent, .gestionnaire, .coordinateur])
        return Examinateurs(items: try await commissions.examinateurs(commission.key))
    }

    struct Fiches: ResponseEncodable { var items: [CommissionRepository.FicheResume] }

    /// The candidates, with the manual distribution's filters.
    @Sendable func list(_ request: Request, context: ECERequestContext) async throws -> Fiches {
        let (commission, _) = try await visible(context, roles: [.centre, .referent, .gestionnaire, .coordinateur])
        let q = request.uri.queryParameters
        var filtre = CommissionRepository.Filtre(division: q["division"].map(String.init), uaiOrigine: q["origine"].map(String.init),
                                                 nomDe: q["nomDe"].map(String.init), nomA: q["nomA"].map(String.init))
        filtre.creneau = try Self.uuidQuery(q["creneau"], "creneau")
        filtre.groupe = try Self.uuidQuery(q["groupe"], "groupe")
        filtre.nonDistribues = q["nonDistribues"] == "true"
        filtre.sansCreneau = q["sansCreneau"] == "true"
        return Fiches(items: try await commissions.fiches(commission.key, filtre))
    }

    struct Sujets: ResponseEncodable { var items: [CommissionRepository.SujetOffert] }

    /// The published subjects a slot may offer (titles only once visible).
    @Sendable func sujets(_ request: Request, context: ECERequestContext) async throws -> Sujets {
        let (commission, _) = try await visible(context, roles: [.centre, .referent, .gestionnaire, .coordinateur])
        return Sujets(items: try await commissions.sujets(commission.key))
    }

    struct GroupeRequest: Decodable { var nom: String; var membres: [UUID] }
    struct Created: ResponseEncodable { var id: UUID }

    /// A group of examiners, all convoked on this exam × centre.
    @Sendable func createGroupe(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Created> {
        let (commission, caller) = try await visible(context, roles: [.centre])
        let body = try await request.decode(as: GroupeRequest.self, context: context)
        let nom = body.nom.trimmingCharacters(in: .whitespacesAndNewlines)
        try await checkGroupe(commission.key, nom: nom, membres: body.membres)
        let id = try await commissions.createGroupe(commission.key, nom: nom, membres: body.membres, by: caller)
        return EditedResponse(status: .created, response: Created(id: id))
    }

    /// A group's name (1 to 100 characters) and examiners (1 to 20, distinct, convoked here): 422 otherwise.
    private func checkGroupe(_ key: CommissionKey, nom: String?, membres: [UUID]?) async throws {
        var errors: [Problem.FieldError] = []
        if let nom, !(1...100).contains(nom.count) { errors.append(.init(field: "nom", reason: "1 à 100 caractères / 1 to 100 characters")) }
        if let membres {
            if membres.isEmpty || membres.count > 20 || Set(membres).count != membres.count {
                errors.append(.init(field: "membres", reason: "1 à 20 examinateurs distincts / 1 to 20 distinct examiners"))
            }
            let convoked = Set(try await commissions.examinateurs(key).map(\.intervenantId))
            for (i, membre) in membres.enumerated() where !convoked.contains(membre) {
                errors.append(.init(field: "membres[\(i)]", reason: "non convoqué(e) sur cette épreuve et ce centre / not convoked here"))
            }
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }
    }

    struct GroupeChange: Decodable { var nom: String?; var membres: [UUID]? }

    /// Renames a group or changes its examiners (one added; an ill one replaced: the lot stays the
    /// group's, so its sheets go to the replacement). The repository rechecks the rules.
    @Sendable func modifierGroupe(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let (commission, caller) = try await visible(context, roles: [.centre])
        let groupe = try context.uuid("groupe", of: "groupe")
        let body = try await request.decode(as: GroupeChange.self, context: context)
        let nom = body.nom?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard nom != nil || body.membres != nil else {
            throw Problem.validation([.init(field: "nom", reason: "nom ou membres à changer / name or members to change")])
        }
        try await checkGroupe(commission.key, nom: nom, membres: body.membres)
        try await commissions.modifierGroupe(commission.key, groupe: groupe, nom: nom, membres: body.membres, by: caller)
        return .noContent
    }

    /// Dissolves a group whose lot is empty.
    @Sendable func dissoudreGroupe(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let (commission, caller) = try await visible(context, roles: [.centre])
        try await commissions.dissoudreGroupe(commission.key, groupe: try context.uuid("groupe", of: "groupe"), by: caller)
        return .noContent
    }

    /// `heure`: when the candidates are convoked, HH:MM (optional: the convocation then says the half-day only).
    struct CreneauRequest: Decodable { var jour: String; var demiJournee: String; var heure: String?; var sujets: [UUID]; var choix: Bool? }

    /// A half-day slot and its subjects (the physique-chimie draw rule is checked here).
    @Sendable func createCreneau(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Created> {
        let (commission, caller) = try await visible(context, roles: [.centre])
        let body = try await request.decode(as: CreneauRequest.self, context: context)
        var errors: [Problem.FieldError] = []
        let jourValide = body.jour.count == 10 && (try? Date(body.jour + "T12:00:00Z", strategy: .iso8601)) != nil
        if !jourValide { errors.append(.init(field: "jour", reason: "date AAAA-MM-JJ / YYYY-MM-DD date")) }
        if !["matin", "apres-midi"].contains(body.demiJournee) {
            errors.append(.init(field: "demiJournee", reason: "matin ou apres-midi"))
        }
        if let heure = body.heure, FrenchFormat.heure(heure) == nil {
            errors.append(.init(field: "heure", reason: "heure HH:MM / HH:MM time"))
        }
        let autres = try await commissions.creneaux(commission.key).map { Set($0.sujets) }
        errors += Creneau.violations(epreuve: commission.epreuve, session: commission.session, demandes: body.sujets,
                                     connus: try await commissions.sujetsOfferts(commission.key, ids: body.sujets),
                                     autresCreneaux: autres)
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let id = try await commissions.createCreneau(commission.key, jour: body.jour, demiJournee: body.demiJournee, heure: body.heure,
                                                     sujets: body.sujets, choix: body.choix ?? false, by: caller)
        return EditedResponse(status: .created, response: Created(id: id))
    }

    struct FichesRequest: Decodable { var fiches: [UUID] }
    struct Moved: ResponseEncodable { var candidats: Int }

    @Sendable func placer(_ request: Request, context: ECERequestContext) async throws -> Moved {
        let (commission, caller) = try await visible(context, roles: [.centre])
        let creneau = try context.uuid("creneau", of: "créneau")
        let body = try await request.decode(as: FichesRequest.self, context: context)
        try Self.checkCount(body.fiches)
        return Moved(candidats: try await commissions.placer(commission.key, creneau: creneau, fiches: body.fiches, by: caller))
    }

    /// Candidates back out of their slot (not yet graded, out of any lot).
    @Sendable func retirer(_ request: Request, context: ECERequestContext) async throws -> Moved {
        let (commission, caller) = try await visible(context, roles: [.centre])
        let body = try await request.decode(as: FichesRequest.self, context: context)
        try Self.checkCount(body.fiches)
        return Moved(candidats: try await commissions.placer(commission.key, creneau: nil, fiches: body.fiches, by: caller))
    }

    struct DistributionRequest: Decodable { var fiches: [UUID]; var groupeId: UUID? }

    /// Manual distribution (the filters choose the sheets; this moves them); `groupeId` null takes them out.
    @Sendable func distribuer(_ request: Request, context: ECERequestContext) async throws -> Moved {
        let (commission, caller) = try await visible(context, roles: [.centre])
        let body = try await request.decode(as: DistributionRequest.self, context: context)
        try Self.checkCount(body.fiches)
        return Moved(candidats: try await commissions.distribuer(commission.key, fiches: body.fiches, vers: body.groupeId, by: caller))
    }

    struct AutomatiqueRequest: Decodable { var garderDivisions: Bool? }

    @Sendable func distribuerAutomatiquement(_ request: Request, context: ECERequestContext) async throws -> CommissionRepository.Repartition {
        let (commission, caller) = try await visible(context, roles: [.centre])
        let bytes = try await request.body.collect(upTo: 10_000)
        let body = bytes.readableBytes == 0 ? AutomatiqueRequest(garderDivisions: nil)
            : try JSONDecoder().decode(AutomatiqueRequest.self, from: bytes)
        return try await commissions.distribuerAutomatiquement(commission.key, garderDivisions: body.garderDivisions ?? true, by: caller)
    }

    @Sendable func cloturer(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Cloture {
        let (commission, caller) = try await visible(context, roles: [.centre])
        return try await fiches.cloturer(commission.key, by: caller, correlationId: context.correlationId)
    }

    struct Motif: Decodable { var motif: String }

    @Sendable func rouvrir(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let (commission, caller) = try await visible(context, roles: [.gestionnaire])
        try await fiches.rouvrir(commission.key, motif: try await Self.motif(request, context), by: caller)
        return .noContent
    }

    // MARK: evaluation sheets

    private func lien(_ fiche: UUID) -> String { "\(publicURL)/correction/fiches/\(fiche.uuidString.lowercased())" }

    /// The sheets of a slot (`?creneau=`) or of the whole centre, as one PDF to print: blank before
    /// the exam (the offline fallback), as they stand afterwards.
    @Sendable func imprimer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let (commission, _) = try await visible(context, roles: [.centre, .referent, .gestionnaire, .coordinateur])
        let creneau = try Self.uuidQuery(request.uri.queryParameters["creneau"], "creneau")
        let feuilles = try await fiches.feuilles(commission.key, creneau: creneau, lien: lien)
        guard !feuilles.isEmpty else { throw Problem.notFound("aucune fiche / no sheet") }
        let title = "Fiches d'évaluation \(commission.epreuve) \(commission.centre)"
        let bytes = try await PDF.build { try FicheDocument.pdf(feuilles, title: title) }
        return PDF.response(bytes, name: "fiches-\(commission.epreuve)-\(commission.centre).pdf")
    }

    /// One candidate's sheet.
    @Sendable func fichePDF(_ request: Request, context: ECERequestContext) async throws -> Response {
        let (fiche, _) = try await readable(context)
        let feuilles = try await fiches.feuilles(fiche.key, creneau: fiche.creneauId, seule: fiche.id, lien: lien)
        let bytes = try await PDF.build { try FicheDocument.pdf(feuilles, title: "Fiche d'évaluation \(fiche.numero)") }
        return PDF.response(bytes, name: "fiche-\(Archive.safeName(fiche.numero)).pdf")
    }

    /// After closing: the filled sheets, one PDF per candidate, in one zip for the centre.
    @Sendable func exporter(_ request: Request, context: ECERequestContext) async throws -> Response {
        let (commission, _) = try await visible(context, roles: [.centre, .gestionnaire])
        guard commission.etat == "close" else {
            throw Problem.conflict(.etat, "l'export suit la clôture de l'épreuve / the export follows the closing")
        }
        let feuilles = try await fiches.feuilles(commission.key, creneau: nil, lien: lien)
        guard !feuilles.isEmpty else { throw Problem.notFound("aucune fiche / no sheet") }
        // The sheet's id ends each name: two candidates may share a number and a name.
        let zip = try await PDF.build {
            try Archive.zip(try feuilles.map { f in
                (name: "\(Archive.safeName(f.fiche.numero))-\(Archive.safeName(f.fiche.nom))-\(f.fiche.id.uuidString.prefix(8)).pdf",
                 bytes: try FicheDocument.pdf([f], title: "Fiche d'évaluation \(f.fiche.numero)"))
            })
        }
        let name = "fiches-\(commission.session)-\(commission.epreuve)-\(commission.centre).zip"
        return Response(status: .ok, headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: zip)))
    }

    // MARK: the grading editor

    @Sendable func fiche(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Fiche {
        try await readable(context).0
    }

    /// One save: the version read, the grid (draft or final), an absence, an override with its reason.
    /// A stale version gets 409 with the sheet as it stands. Only an examiner of the sheet's lot,
    /// convoked on its exam × centre, writes on it: the repository checks it under lock (404 otherwise).
    @Sendable func enregistrer(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Fiche {
        let caller = try context.require(.examinateur)
        let body = try await request.decode(as: FicheRepository.Enregistrement.self, context: context)
        return try await fiches.enregistrer(try context.uuid(of: "fiche"), body, by: caller)
    }

    struct Version: Decodable { var version: Int }

    @Sendable func tirer(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Fiche {
        let caller = try context.require(.examinateur)
        let body = try await request.decode(as: Version.self, context: context)
        return try await fiches.tirer(try context.uuid(of: "fiche"), version: body.version, by: caller)
    }

    struct Choix: Decodable { var version: Int; var sujetId: UUID }

    @Sendable func choisir(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Fiche {
        let caller = try context.require(.examinateur)
        let body = try await request.decode(as: Choix.self, context: context)
        return try await fiches.choisir(try context.uuid(of: "fiche"), sujet: body.sujetId, version: body.version, by: caller)
    }

    /// The subjects the sheet's slot offers, for the editor: who reads the sheet reads its offer.
    @Sendable func offre(_ request: Request, context: ECERequestContext) async throws -> FicheRepository.Offre {
        try await fiches.offre(try await readable(context).0)
    }

    struct Audit: ResponseEncodable { var items: [FicheRepository.EntreeAudit] }

    @Sendable func audit(_ request: Request, context: ECERequestContext) async throws -> Audit {
        let (fiche, caller) = try await readable(context)
        var items = try await fiches.audit(fiche: fiche.id)
        // An examiner of the lot learns a second look's outcome once settled, never before who
        // reads it nor what they gave (the security review's F1).
        if caller.role == .examinateur { items.removeAll { ["seconde_lecture.demandee", "seconde_lecture.lue"].contains($0.action) } }
        return Audit(items: items)
    }

    // MARK: lots

    /// The lot's examiner locks it; so may, on their behalf, whoever follows the correction of its
    /// exam × centre (the centre, its référent, a coordinator convoked for the exam, the académie's
    /// gestionnaire). The audit names who did.
    @Sendable func verrouiller(_ request: Request, context: ECERequestContext) async throws -> Moved {
        let caller = try context.require(.examinateur, .centre, .referent, .coordinateur, .gestionnaire)
        let groupe = try await suivi(caller, context)
        return Moved(candidats: try await fiches.verrouiller(groupe, by: caller, correlationId: context.correlationId))
    }

    /// The same four, never the examiner, unlock with a reason.
    @Sendable func deverrouiller(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.require(.centre, .referent, .coordinateur, .gestionnaire)
        let groupe = try await suivi(caller, context)
        try await fiches.deverrouiller(groupe, motif: try await Self.motif(request, context), by: caller,
                                       correlationId: context.correlationId)
        return .noContent
    }

    /// The lot named by the path, if the caller is one of its examiners or the scope of its
    /// commission covers them (its centre, its académie, a coordination of its exam); 404 otherwise.
    private func suivi(_ caller: Identity, _ context: ECERequestContext) async throws -> FicheRepository.Groupe {
        guard let groupe = try await fiches.groupe(try context.uuid(of: "groupe")) else { throw Problem.notFound("groupe") }
        let allowed = if caller.role == .examinateur {
            try await commissions.examinateur(caller, on: groupe.key).map { groupe.membres.contains($0) } ?? false
        } else if let commission = try await commissions.commission(groupe.key) {
            try await covers(caller, commission)
        } else { false }
        guard allowed else { throw Problem.notFound("groupe") }
        return groupe
    }

    struct Journal: ResponseEncodable { var items: [FicheRepository.EntreeAudit] }

    /// The commission's own audit (its lots, distribution, closing and reopening), newest first.
    @Sendable func journal(_ request: Request, context: ECERequestContext) async throws -> Journal {
        let (commission, _) = try await visible(context, roles: [.centre, .referent, .gestionnaire, .coordinateur])
        return Journal(items: try await fiches.audit(commission: commission.key))
    }

    struct MesLots: ResponseEncodable { var items: [FicheRepository.MonLot] }

    @Sendable func mesLots(_ request: Request, context: ECERequestContext) async throws -> MesLots {
        let caller = try context.require(.examinateur)
        return MesLots(items: try await fiches.mesLots(login: caller.login))
    }

    // MARK: scope

    /// The commission named by the path, if the caller's role is among `roles` and their scope covers
    /// it: its centre (centre, référent), its académie (gestionnaire, coordinator), a convocation on
    /// it (examiner).
    func visible(_ context: ECERequestContext, roles: [Role]) async throws -> (Commission, Identity) {
        let caller = try context.authenticated()
        guard roles.contains(caller.role) else { throw Problem.forbidden("rôle \(caller.role.rawValue) non autorisé / role not allowed") }
        guard let epreuve = context.parameters.get("epreuve"), let centre = context.parameters.get("centre"),
            let commission = try await commissions.commission(CommissionKey(session: try context.session(), epreuve: epreuve,
                                                                            centre: centre))
        else { throw Problem.notFound("commission") }
        guard try await covers(caller, commission) else {
            throw Problem.forbidden("commission hors de votre périmètre / outside your scope")
        }
        return (commission, caller)
    }

    /// Scope: its centre (centre, référent), its académie (gestionnaire), a coordinator convocation
    /// for the exam in the académie (coordinator), an examiner convocation on it (examiner).
    private func covers(_ caller: Identity, _ commission: Commission) async throws -> Bool {
        switch caller.role {
        case .examinateur: try await commissions.examinateur(caller, on: commission.key) != nil
        case .coordinateur:
            try await commissions.isCoordinateur(caller, epreuve: commission.epreuve, session: commission.session,
                                                 academie: commission.academie)
        default: caller.covers(academie: commission.academie, uai: commission.centre)
        }
    }

    /// A sheet: its lot's examiners, the centre and its référent, the académie's gestionnaire and coordinator.
    private func readable(_ context: ECERequestContext) async throws -> (FicheRepository.Fiche, Identity) {
        let caller = try context.require(.examinateur, .centre, .referent, .gestionnaire, .coordinateur)
        guard let fiche = try await fiches.fiche(try context.uuid(of: "fiche")),
            let commission = try await commissions.commission(fiche.key)
        else { throw Problem.notFound("fiche") }
        let allowed = caller.role == .examinateur ? try await examinateur(caller, key: fiche.key, groupe: fiche.groupeId) != nil
            : try await covers(caller, commission)
        guard allowed else { throw Problem.notFound("fiche") }
        return (fiche, caller)
    }

    private func examinateur(_ caller: Identity, key: CommissionKey, groupe: UUID?) async throws -> UUID? {
        guard let groupe, let examinateur = try await commissions.examinateur(caller, on: key),
            try await fiches.isMember(examinateur, of: groupe)
        else { return nil }
        return examinateur
    }

    private static func motif(_ request: Request, _ context: ECERequestContext) async throws -> String {
        try motif(try await request.decode(as: Motif.self, context: context).motif)
    }

    /// A reason given by a person: 1 to 1,000 characters once trimmed.
    static func motif(_ text: String) throws -> String {
        let motif = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(motif.count) else {
            throw Problem.validation([.init(field: "motif", reason: "motif obligatoire, 1 000 caractères au plus / reason required")])
        }
        return motif
    }

    static func checkCount(_ fiches: [UUID]) throws {
        guard (1...5000).contains(fiches.count) else {
            throw Problem.validation([.init(field: "fiches", reason: "1 à 5 000 fiches / 1 to 5,000 sheets")])
        }
    }

    private static func uuidQuery(_ value: Substring?, _ field: String) throws -> UUID? {
        guard let value else { return nil }
        guard let id = UUID(uuidString: String(value)) else { throw Problem.validation([.init(field: field, reason: "UUID")]) }
        return id
    }
}

/// The sheet as JSON, its barème spliced in as `BaremesFiges` encoded it once for the subject's version.
extension FicheRepository.Fiche: ResponseGenerator {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var sheet = self
        var bareme: Data?
        if self.bareme != nil, let sujet, let json = BaremesFiges.shared.json(sujet: sujet.id, version: sujet.baremeVersion) {
            sheet.bareme = nil
            bareme = json
        }
        var json = try JSONEncoder.iso.encode(sheet)
        if let bareme, json.first == UInt8(ascii: "{") {
            json.replaceSubrange(0..<1, with: Data(#"{"bareme":"#.utf8) + bareme + Data(",".utf8))
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}
extension FicheRepository.Cloture: ResponseEncodable {}
extension FicheRepository.Offre: ResponseEncodable {}
extension CommissionRepository.Repartition: ResponseEncodable {}
