import Foundation
import OpenAPIRuntime
import Shared
import Synchronization

/// Convocations: issued by the gestionnaire (both kinds) or a school (its own teachers, examiner
/// missions), read by their issuers and the convoked person, printed (the page and the PDF), cancelled.
extension MissionsAPI {
    /// Convokes an exported examiner or coordinator. Repeating it returns the same convocation.
    func convoquer(_ input: Operations.Convoquer.Input) async throws -> Operations.Convoquer.Output {
        let caller = try RequeteGeneree.moi()
        guard let missionId = UUID(uuidString: input.path.id), let mission = try await repository.mission(missionId) else {
            throw Problem.notFound("mission")
        }
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        guard let personId = UUID(uuidString: body.intervenantId) else {
            throw Problem.badRequest("intervenantId : UUID attendu / UUID expected")
        }
        guard let person = try await repository.intervenant(personId) else {
            throw Problem.validation([.init(field: "intervenantId", reason: "intervenant inconnu d'Imag'In / unknown intervenant")])
        }
        let designePar = caller.role == .etablissement ? try await repository.designePar(person.id, for: mission.id) : nil
        if let refus = Perimetre.refusConvocation(caller, mission: mission, uai: person.uai, designePar: designePar) { throw refus }
        let (id, created, courriel) = try await repository.convoke(person, to: mission, by: caller.userId, autorite: caller.scope.description,
                                                                   correlationId: try RequeteGeneree.courant().correlationId)
        let avis = !created ? nil : courriel.map { "Envoyée par courriel à \($0)." }
            ?? "Aucune adresse électronique connue pour \(person.prenom) \(person.nom) : remettez-lui la convocation imprimée."
        let convoked = Components.Schemas.Convoked(id: id.uuidString, impression: "/api/missions/convocations/\(id.uuidString.lowercased())/impression",
                                                   courriel: courriel, avis: avis)
        return created ? .created(.init(body: .json(convoked))) : .ok(.init(body: .json(convoked)))
    }

    /// « Convoquer tout le monde »: everyone the caller's own authority designated and may convoke
    /// (`Perimetre.convocableEnBloc`), mission by mission, each in its own transaction: a failure
    /// leaves the missions already done convoked, and repeating the request convokes only who is
    /// left. The people without an address are named, with their printed copy to hand over.
    func convoquerTout(_ input: Operations.ConvoquerTout.Input) async throws -> Operations.ConvoquerTout.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        let filtre = try FiltreMissions(caller, epreuve: input.query.epreuve, centre: input.query.centre)
        // One at a time per authority in this process: a second click while the first runs would
        // only prepare the same mails again (nobody would be convoked twice: the unique index).
        let autorite = caller.scope.description
        guard Self.enCours.withLock({ $0.insert(autorite).inserted }) else {
            throw Problem.conflict(.etat, "« Convoquer tout le monde » est déjà en cours pour \(Perimetre.autorite(autorite)) : "
                                   + "rechargez la page dans un instant / already running")
        }
        defer { _ = Self.enCours.withLock { $0.remove(autorite) } }
        let aConvoquer = try await repository.missions(session: session, filtre).compactMap { detail in
            let ids = detail.intervenants.filter { Perimetre.convocableEnBloc(caller, $0, to: detail.mission) }.map(\.id)
            return ids.isEmpty ? nil : (detail.mission, ids)
        }
        let personnes = Dictionary(uniqueKeysWithValues: try await repository.intervenants(aConvoquer.flatMap(\.1)).map { ($0.id, $0) })
        let correlationId = try RequeteGeneree.courant().correlationId
        var libelles: [String: String?] = [:]  // the mission type's wording, read once per regulation version
        var convoquees = 0, parCourriel = 0
        var aRemettre: [Components.Schemas.ConvocationARemettre] = []
        for (mission, ids) in aConvoquer {
            let cle = "\(mission.session) \(mission.reglementationVersion) \(mission.typeMission)"
            let libelle: String?
            if let lu = libelles[cle] { libelle = lu } else {
                libelle = try await repository.typeMission(mission)
                libelles.updateValue(libelle, forKey: cle)
            }
            var preparees: [MissionRepository.Preparee] = []
            for person in ids.compactMap({ personnes[$0] }) {
                preparees.append(try await repository.prepare(person, to: mission, autorite: autorite, typeMission: libelle))
            }
            // The rules again under the mission's lock, on who designated each person as exported now.
            let emises = try await repository.convokeAll(preparees, to: mission, by: caller.userId, autorite: autorite,
                                                         garder: { person, designePar in
                Perimetre.enBloc(caller, designePar: designePar)
                    && Perimetre.refusConvocation(caller, mission: mission, uai: person.uai, designePar: designePar) == nil
            }, correlationId: correlationId)
            convoquees += emises.count
            for e in emises {
                if e.courriel != nil { parCourriel += 1; continue }
                aRemettre.append(.init(id: e.id.uuidString, login: e.person.login, nom: e.person.nom, prenom: e.person.prenom,
                                       epreuve: mission.epreuve, centre: mission.centre,
                                       impression: "/api/missions/convocations/\(e.id.uuidString.lowercased())/impression"))
            }
        }
        return .ok(.init(body: .json(.init(convoquees: convoquees, parCourriel: parCourriel, aRemettre: aRemettre))))
    }

    /// The authorities whose « Convoquer tout le monde » runs in this process.
    private static let enCours = Mutex<Set<String>>([])

    func listerConvocations(_ input: Operations.ListerConvocations.Input) async throws -> Operations.ListerConvocations.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        var academie: String?, uai: String?
        switch caller.scope {
        case .academie(let code): academie = code
        case .etablissement(let own): uai = own
        case .national: throw Problem.forbidden("portée nationale / national scope")
        }
        let items = try await repository.convocations(session: session, academie: academie, uai: uai, statut: input.query.statut?.rawValue)
        return .ok(.init(body: .json(.init(items: try items.map { try Pont.vue($0.0) }))))
    }

    func lireConvocation(_ input: Operations.LireConvocation.Input) async throws -> Operations.LireConvocation.Output {
        .ok(.init(body: .json(try Pont.vue(try await lisible(input.path.id).0))))
    }

    /// The printable convocation, the page and the PDF: the reader's copy (`ConvocationDocument.exemplaire`:
    /// the code only on the person's copy, which the issuing authority hands over). The one-time code must
    /// not linger in caches.
    func imprimerConvocation(_ input: Operations.ImprimerConvocation.Input) async throws -> Operations.ImprimerConvocation.Output {
        .ok(.init(headers: .init(cacheControl: "no-store"), body: .textHtmlCharsetUtf8(HTTPBody(try await copie(input.path.id).html))))
    }

    func imprimerConvocationPDF(_ input: Operations.ImprimerConvocationPDF.Input) async throws -> Operations.ImprimerConvocationPDF.Output {
        let document = try await copie(input.path.id)
        let bytes = try await PDF.build { try document.pdf() }
        return .ok(.init(headers: .init(cacheControl: "no-store",
                                        contentDisposition: "inline; filename=\"convocation-\(document.convocation.id.uuidString.lowercased()).pdf\""),
                         body: .pdf(HTTPBody(bytes))))
    }

    func annulerConvocation(_ input: Operations.AnnulerConvocation.Input) async throws -> Operations.AnnulerConvocation.Output {
        let caller = try RequeteGeneree.moi()
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let motif = body.motif.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(motif.count) else {
            throw Problem.validation([.init(field: "motif", reason: "motif obligatoire, 500 caractères au plus / reason required")])
        }
        // One answer for "none" and "not yours": a cancellation must not tell whether a number exists elsewhere.
        guard let id = UUID(uuidString: input.path.id), let (convocation, _) = try await repository.convocation(id) else {
            throw Perimetre.horsPerimetre
        }
        if let refus = Perimetre.refusAnnulation(caller, mission: convocation.mission, uai: convocation.intervenant.uai,
                                                 autorite: convocation.autorite) {
            throw refus
        }
        guard try await repository.cancel(convocation.id, motif: motif, by: caller.userId,
                                          correlationId: try RequeteGeneree.courant().correlationId) else {
            throw Problem.conflict(.dejaFait, "convocation déjà annulée / already cancelled")
        }
        return .noContent(.init())
    }

    private func copie(_ id: String) async throws -> ConvocationDocument {
        let (convocation, code) = try await lisible(id)
        return ConvocationDocument.exemplaire(convocation, code: code, issuer: Perimetre.issuedBy(try RequeteGeneree.moi(), convocation),
                                              typeMission: try await repository.typeMission(convocation.mission))
    }

    /// A convocation its issuers may read, and the convoked person themself.
    private func lisible(_ id: String) async throws -> (Convocation, String) {
        let caller = try RequeteGeneree.moi()
        guard let uuid = UUID(uuidString: id), let found = try await repository.convocation(uuid) else { throw Problem.notFound("convocation") }
        let own = [.examinateur, .coordinateur].contains(caller.role) && caller.login == found.0.intervenant.login
        guard own || Perimetre.mayConvoke(caller, mission: found.0.mission, uai: found.0.intervenant.uai) else {
            throw Problem.notFound("convocation")
        }
        return found
    }
}

/// Who may convoke whom, cancel what, and speaks for which authority.
enum Perimetre {
    /// The gestionnaire of the mission's académie; for examiner missions also the school, for its
    /// own teachers only (issue 18: a centre convoking another school's teacher examining there
    /// would own that person's account and code).
    static func mayConvoke(_ caller: Identity, mission: Mission, uai personUAI: String?) -> Bool {
        switch caller.scope {
        case .academie(let code): caller.role == .gestionnaire && code == mission.academie
        case .etablissement(let uai):
            caller.role == .etablissement && mission.kind == .examinateur && personUAI == uai
        case .national: false
        }
    }

    /// Whether the caller may convoke the person to the mission now: what the list offers, and all
    /// that « Convoquer tout le monde » convokes.
    static func convocable(_ caller: Identity, _ person: MissionRepository.MissionDetail.Eligible, to mission: Mission) -> Bool {
        mission.active && person.exporte && person.convocationId == nil
            && refusConvocation(caller, mission: mission, uai: person.uai, designePar: person.designePar) == nil
    }

    /// Convocable, designated by the caller's own authority and never cancelled for the mission:
    /// what « Convoquer tout le monde » convokes.
    static func convocableEnBloc(_ caller: Identity, _ person: MissionRepository.MissionDetail.Eligible, to mission: Mission) -> Bool {
        convocable(caller, person, to: mission) && enBloc(caller, designePar: person.designePar) && !person.annulee
    }

    /// Each authority convokes at once whom it designated (an export from before the authorities
    /// were recorded counts as the académie's): the académie leaves the schools' designations to
    /// them, as a school must leave the académie's.
    static func enBloc(_ caller: Identity, designePar: String?) -> Bool {
        designePar.map { $0 == caller.scope.description } ?? (caller.role == .gestionnaire)
    }

    /// Why the caller may not convoke a person (of school `uai`, designated by `designePar`) to the
    /// mission, or nil. A school convokes on its own designation of the person for this mission,
    /// not on one the académie made (even of its own teacher): the account would be the school's.
    static func refusConvocation(_ caller: Identity, mission: Mission, uai: String?, designePar: String?) -> Problem? {
        guard mayConvoke(caller, mission: mission, uai: uai) else {
            return Problem.forbidden("mission hors de votre périmètre / mission outside your scope")
        }
        if case .etablissement = caller.scope, let designePar, designePar != caller.scope.description {
            return Problem.forbidden("désigné(e) pour cette mission par \(autorite(designePar)) : seule elle convoque / designated by another authority")
        }
        return nil
    }

    static let horsPerimetre = Problem.notFound("aucune convocation de ce numéro dans votre périmètre / convocation not found")

    /// Why the caller may not cancel a convocation issued by `autorite`, or nil: a school cancels
    /// what it issued, the académie's gestionnaire anything in the académie; outside the caller's
    /// perimeter the convocation does not exist for them.
    static func refusAnnulation(_ caller: Identity, mission: Mission, uai: String?, autorite: String) -> Problem? {
        guard mayConvoke(caller, mission: mission, uai: uai) else { return horsPerimetre }
        guard caller.role == .gestionnaire || issuedBy(caller, autorite: autorite) else {
            return Problem.forbidden("convocation émise par \(Self.autorite(autorite)) : elle seule l'annule / issued by another authority")
        }
        return nil
    }

    /// An authority in words: « l'académie 03 », « l'établissement 0251080N ».
    static func autorite(_ code: String) -> String {
        switch Scope(code) {
        case .academie(let code)?: "l'académie \(code)"
        case .etablissement(let uai)?: "l'établissement \(uai)"
        default: code
        }
    }

    /// Whether the caller speaks for the authority that issued the convocation.
    static func issuedBy(_ caller: Identity, _ convocation: Convocation) -> Bool {
        issuedBy(caller, autorite: convocation.autorite)
    }

    static func issuedBy(_ caller: Identity, autorite: String) -> Bool {
        [.gestionnaire, .etablissement].contains(caller.role) && caller.scope.description == autorite
    }
}
