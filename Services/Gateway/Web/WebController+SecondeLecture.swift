import Foundation
import HTTPTypes
import ECEAPI
import ECEAPIClient
import Hummingbird
import Shared

/// Harmonisation before closing (issue 22 item 2): the coordination's (the centre's, its référent's)
/// page of second looks on a commission — the graded sheets to pick, a sample per examiner, the
/// looks with their gap and the form that settles them —, and the second reader's blind editor.
extension WebController {
    func addSecondeLectureRoutes(to router: Router<ECERequestContext>) {
        // Literal paths: the hostile suite (Tests/hostile/formulaires.py) reads them here.
        router.get("/centre/:annee/:epreuve/:centre/secondes-lectures", use: secondesLectures)
        router.post("/centre/:annee/:epreuve/:centre/secondes-lectures", use: demanderSecondeLecture)
        router.post("/centre/:annee/:epreuve/:centre/secondes-lectures/echantillon", use: echantillonner)
        router.post("/centre/:annee/:epreuve/:centre/secondes-lectures/:id/arbitrage", use: trancherSecondeLecture)
        router.get("/correction/fiches/:id/seconde-lecture", use: editeurAveugle)
    }

    /// « note maintenue » or « note modifiée : 13,5 → 6,5 / 20 » and the reason, once settled.
    static func issueSecondeLecture(premiere: Int, retenue: Int?, motif: String?) -> String {
        guard let retenue else { return "" }
        return (retenue == premiere ? "note maintenue (\(FrenchFormat.note(premiere)) / 20)"
            : "note modifiée : \(FrenchFormat.note(premiere)) → \(FrenchFormat.note(retenue)) / 20") + " — motif : \(motif ?? "")"
    }

    static let etatsSecondeLecture = ["demandee": "demandée", "lue": "lue, à trancher", "tranchee": "tranchée"]

    @Sendable func secondesLectures(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let c = try commissionPath(context)
            let api = client(session)
            let vue = try await api.lireCommission(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre)).ok.body.json
            let lectures = try await api.listerSecondesLectures(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre))
                .ok.body.json.items ?? []
            let ouverte = vue.commission.etat == .ouverte
            let arbitre = [.coordinateur, .referent, .centre].contains(session.identity.role) && ouverte
            let fiches = (try await api.listerFiches(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre)).ok.body.json.items ?? [])
                .filter { $0.statut == .notee }
            let enCours = Set(lectures.filter { $0.statut != .tranchee }.map { $0.ficheId.lowercased() })
            let lots = Dictionary(vue.groupes.map { ($0.id.lowercased(), $0.nom) }, uniquingKeysWith: { a, _ in a })
            struct FicheVue { var id: String; var numero: String; var nom: String; var lot: String; var note: String; var demandable: Bool }
            struct LectureVue { var id: String; var numero: String; var nom: String; var premier: String; var lecteur: String
                var origine: String; var etat: String; var notes: String; var ecart: String; var signalee: Bool; var aTrancher: Bool
                var issue: String }
            let object: [String: Any] = [
                "epreuve": vue.commission.epreuve, "centre": vue.commission.centre, "session": vue.commission.session,
                "commission": c.page, "page": c.page + "/secondes-lectures", "arbitre": arbitre,
                "fiches": fiches.map { f in
                    FicheVue(id: (f.id ?? "").lowercased(), numero: f.numero ?? "", nom: "\(f.nom ?? "") \(f.prenoms ?? "")",
                             lot: f.groupeId.flatMap { lots[$0.lowercased()] } ?? "—", note: f.noteFinale.map { FrenchFormat.note($0) + " / 20" } ?? "",
                             demandable: arbitre && !enCours.contains((f.id ?? "").lowercased()))
                },
                "aLectures": !lectures.isEmpty, "aFiches": !fiches.isEmpty,
                "lectures": lectures.map { l in
                    LectureVue(id: l.id.lowercased(), numero: l.numero, nom: "\(l.nom) \(l.prenoms)", premier: l.premierExaminateur,
                               lecteur: l.lecteur, origine: l.origine == .echantillon ? "échantillon" : "choix",
                               etat: Self.etatsSecondeLecture[l.statut.rawValue] ?? l.statut.rawValue,
                               notes: FrenchFormat.note(l.notePremiere) + " / " + (l.noteSeconde.map(FrenchFormat.note) ?? "—"),
                               ecart: l.ecart.map { FrenchFormat.note($0) + " pt" } ?? "—", signalee: l.signalee,
                               aTrancher: arbitre && l.statut == .lue,
                               issue: Self.issueSecondeLecture(premiere: l.notePremiere, retenue: l.noteRetenue, motif: l.motif))
                },
            ]
            return page("secondes-lectures", titre: "Secondes lectures — \(vue.commission.epreuve), \(vue.commission.centre)",
                        Self.avecMessage(object, request), session: session)
        }
    }

    /// One sheet picked from the list.
    @Sendable func demanderSecondeLecture(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let c = try commissionPath(context)
        let retour = c.page + "/secondes-lectures"
        guard let fiche = form["fiche"].flatMap(UUID.init(uuidString:)) else {
            return try await refus(request, context, retour, "Demande refusée : fiche inconnue.")
        }
        return try await formulaire(request, context, retour: retour, success: "Seconde lecture demandée.", refus: "Demande refusée") {
            _ = try await $0.demanderSecondesLectures(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre),
                                                      body: .json(.init(fiches: [fiche.uuidString]))).created
            return nil
        }
    }

    @Sendable func echantillonner(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let c = try commissionPath(context)
        let retour = c.page + "/secondes-lectures"
        guard let k = form["parExaminateur"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            return try await refus(request, context, retour, "Échantillon refusé : un nombre de fiches par examinateur (1 à 20).")
        }
        return try await formulaire(request, context, retour: retour, success: "Échantillon tiré : secondes lectures demandées.",
                                    refus: "Échantillon refusé") {
            _ = try await $0.demanderEchantillon(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre),
                                                 body: .json(.init(parExaminateur: k))).created
            return nil
        }
    }

    /// The choice (first mark, second, another one typed in points) and the mandatory reason.
    @Sendable func trancherSecondeLecture(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let c = try commissionPath(context)
        let retour = c.page + "/secondes-lectures"
        let lecture = try context.uuid(of: "seconde lecture")
        let choix = form["choix"] ?? ""
        var note: Int?
        if choix == "autre" {
            let texte = (form["note"] ?? "").replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)
            guard let points = Double(texte), points.isFinite, (0...20).contains(points), (points * 2).rounded() == points * 2 else {
                return try await refus(request, context, retour, "Arbitrage refusé : une note de 0 à 20, au demi-point.")
            }
            note = Int(points * 2)
        }
        return try await formulaire(request, context, retour: retour, success: "Seconde lecture tranchée.", refus: "Arbitrage refusé") {
            let arbitrage = ECEAPI.Components.Schemas.Arbitrage(choix: try Self.choix(choix, "choix"), noteFinale: note, motif: form["motif"] ?? "")
            _ = try await $0.arbitrer(path: .init(annee: c.annee, epreuve: c.epreuve, centre: c.centre, lecture: lecture.uuidString),
                                      body: .json(arbitrage)).ok
            return nil
        }
    }

    /// A form refused before any call: back to the page with why.
    private func refus(_ request: Request, _ context: ECERequestContext, _ retour: String, _ message: String) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            throw Redirect(to: retour, message: message, cookies: session.setCookies)
        }
    }

    /// The editor on the second reader's own row: the same grid, without the first examiner's grading.
    @Sendable func editeurAveugle(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "fiche")
            return page("editeur", titre: "Seconde lecture — éditeur de correction",
                        ["fiche": id.uuidString.lowercased(), "utilisateur": session.identity.login, "seconde": true,
                         "statuts": Self.json(Libelle.statutsFiche), "absences": Self.json(Libelle.absences)],
                        session: session, editeur: true)
        }
    }
}
