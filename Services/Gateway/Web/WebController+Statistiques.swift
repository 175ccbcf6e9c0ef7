import Foundation
import HTTPTypes
import ECEAPI
import ECEAPIClient
import Hummingbird
import Shared

/// The grades' statistics (an examiner's own, a coordinator's or the académie's) and the académie's
/// remontée des notes.
extension WebController {
    typealias Mesure = ECEAPI.Components.Schemas.MesureExaminateur
    struct LigneStat { var code: String; var effectif: Int; var moyenne: String; var ecart: String }

    static func moyenne(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0).replacingOccurrences(of: ".", with: ",") } ?? "—"
    }

    static func ecart(_ value: Double?) -> String {
        guard let value else { return "—" }
        return (value >= 0 ? "+" : "") + moyenne(value)
    }

    /// A bar chart of the marks (inline SVG; numbers only, nothing to escape), with its text equivalent.
    static func histogramme(_ distribution: [Int]) -> String {
        let maximum = max(distribution.max() ?? 0, 1)
        let barres = distribution.enumerated().map { i, n in
            let h = Int(Double(n) / Double(maximum) * 150)
            return "<rect x=\"\(30 + i * 24)\" y=\"\(170 - h)\" width=\"18\" height=\"\(h)\" fill=\"#000091\"><title>\(i) : \(n)</title></rect>"
                + "<text x=\"\(39 + i * 24)\" y=\"186\" font-size=\"10\" text-anchor=\"middle\">\(i)</text>"
        }.joined()
        let texte = distribution.enumerated().map { "\($0.offset) : \($0.element)" }.joined(separator: ", ")
        return "<svg role=\"img\" aria-label=\"Nombre de candidats par note : \(texte)\" viewBox=\"0 0 540 195\" width=\"100%\" style=\"max-width:40rem\">\(barres)</svg>"
    }

    struct LigneExaminateur {
        var nom: String; var effectif: Int; var moyenne: String; var ecartType: String; var referenceAcademie: String
        var ecartAcademie: String; var referenceNationale: String; var ecartNational: String; var z: String; var indicateur: String
        init(_ nom: String, _ m: Mesure) {
            self.nom = nom
            (effectif, moyenne, ecartType) = (m.effectif ?? 0, WebController.moyenne(m.moyenne), WebController.moyenne(m.ecartType))
            (referenceAcademie, ecartAcademie) = (WebController.moyenne(m.academie?.moyenne), WebController.ecart(m.academie?.ecart))
            (referenceNationale, ecartNational) = (WebController.moyenne(m.national?.moyenne), WebController.ecart(m.national?.ecart))
            z = WebController.ecart(m.z)
            indicateur = WebController.indicateur(m.indicateur?.rawValue ?? "")
        }
    }
    /// One row per criterion: how many sheets got each level.
    struct LigneNiveaux { var nom: String; var critere: String; var a: Int; var b: Int; var c: Int; var d: Int }

    static func indicateur(_ code: String) -> String {
        switch code {
        case "indulgent": "indulgent"
        case "severe": "sévère"
        case "dans_la_norme": "dans la norme"
        default: "échantillon insuffisant"
        }
    }

    static func niveaux(_ nom: String, _ m: Mesure) -> [LigneNiveaux] {
        (m.niveaux?.additionalProperties ?? [:]).sorted { $0.key < $1.key }.map { critere, niveaux in
            let n = niveaux.additionalProperties
            return LigneNiveaux(nom: nom, critere: critere, a: n["A"] ?? 0, b: n["B"] ?? 0, c: n["C"] ?? 0, d: n["D"] ?? 0)
        }
    }

    /// Each examiner's mean (a bar) and the others' mean on the same subjects (a mark), out of 20, as
    /// an inline SVG named by its <title> and described in words by its <desc>; the page's table
    /// carries the same figures.
    static func graphiqueExaminateurs(_ lignes: [(nom: String, mesure: Mesure)], id: String, titre: String) -> String {
        let x = { (note: Double) in 260 + Int(note / 20 * 360) }
        let rangs = lignes.enumerated().map { i, l in
            let y = 10 + i * 28
            var rang = "<text x=\"255\" y=\"\(y + 14)\" font-size=\"12\" text-anchor=\"end\">\(HTML.escape(l.nom))</text>"
            if let m = l.mesure.moyenne {
                rang += "<rect x=\"260\" y=\"\(y)\" width=\"\(x(m) - 260)\" height=\"18\" fill=\"#000091\"></rect>"
            }
            if let r = l.mesure.national?.moyenne {
                rang += "<rect x=\"\(x(r) - 2)\" y=\"\(y - 3)\" width=\"4\" height=\"24\" fill=\"#ce0500\"></rect>"
            }
            return rang
        }.joined()
        let hauteur = 10 + lignes.count * 28
        let axe = stride(from: 0, through: 20, by: 5).map {
            "<text x=\"\(x(Double($0)))\" y=\"\(hauteur + 12)\" font-size=\"10\" text-anchor=\"middle\">\($0)</text>"
        }.joined()
        let desc = lignes.map { "\($0.nom) : \(moyenne($0.mesure.moyenne)) / 20, autres copies des mêmes sujets \(moyenne($0.mesure.national?.moyenne))" }
            .joined(separator: " ; ")
        return "<svg role=\"img\" aria-labelledby=\"\(id)-titre\" aria-describedby=\"\(id)-desc\" viewBox=\"0 0 640 \(hauteur + 16)\" width=\"100%\" style=\"max-width:40rem\">"
            + "<title id=\"\(id)-titre\">\(HTML.escape(titre))</title><desc id=\"\(id)-desc\">\(HTML.escape(desc))</desc>\(rangs)\(axe)</svg>"
    }

    @Sendable func statistiques(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            if session.identity.role == .examinateur { return try await mesStatistiques(session, annee: annee) }
            // A coordinator reads the exams they coordinate only: the choice offers those.
            let offertes = session.identity.role == .coordinateur
                ? try await coordinations(session).compactMap { EpreuvePratique(rawValue: $0.code) } : EpreuvePratique.allCases
            guard let premiere = offertes.first else {
                return page("erreur", titre: "Statistiques", ["titre": "Statistiques",
                                                               "detail": "Aucune épreuve ne vous est confiée pour la session \(annee)."],
                            session: session)
            }
            let demandee = request.uri.queryParameters["epreuve"].flatMap { EpreuvePratique(rawValue: String($0)) }
            let epreuve = demandee.flatMap { offertes.contains($0) ? $0 : nil } ?? premiere
            let api = client(session)
            let stats = try await api.lireStatistiques(path: .init(annee: annee, epreuve: epreuve.rawValue)).ok.body.json
            struct Choix { var code: String; var libelle: String; var choisie: Bool }
            let ensemble = stats.ensemble ?? .init()
            let centres = !(stats.centres ?? []).isEmpty
            let noms = await nomsEtablissements(session)
            var object: [String: Any] = [
                "session": annee, "epreuve": epreuve.libelle, "effectif": ensemble.effectif ?? 0,
                "moyenne": Self.moyenne(ensemble.moyenne), "graphique": Self.histogramme(ensemble.distribution ?? []),
                "epreuves": offertes.map { Choix(code: $0.rawValue, libelle: $0.libelle, choisie: $0 == epreuve) },
                "sujets": (stats.sujets ?? []).map { LigneStat(code: $0.code ?? "", effectif: $0.serie?.effectif ?? 0,
                                                               moyenne: Self.moyenne($0.serie?.moyenne), ecart: Self.ecart($0.ecartALaMoyenne)) },
                "niveau": centres ? "centre" : "académie",
                "groupes": ((centres ? stats.centres : stats.academies) ?? []).map {
                    LigneStat(code: Libelle.etablissement($0.code ?? "", noms), effectif: $0.serie?.effectif ?? 0,
                              moyenne: Self.moyenne($0.serie?.moyenne), ecart: "") },
            ]
            let parExaminateur = try await api.lireStatistiquesExaminateurs(path: .init(annee: annee, epreuve: epreuve.rawValue)).ok.body.json
            let examinateurs = (parExaminateur.examinateurs ?? []).map { (nom: $0.nom ?? "", mesure: $0.mesure ?? .init()) }
            object["methode"] = parExaminateur.methode ?? ""
            object["examinateurs"] = examinateurs.map { LigneExaminateur($0.nom, $0.mesure) }
            object["aucunExaminateur"] = examinateurs.isEmpty
            object["niveauxExaminateurs"] = examinateurs.flatMap { Self.niveaux($0.nom, $0.mesure) }
            object["lots"] = (parExaminateur.lots ?? []).map {
                LigneExaminateur("\($0.nom ?? "") — \(Libelle.etablissement($0.centre ?? "", noms))", $0.mesure ?? .init())
            }
            if !examinateurs.isEmpty {
                object["graphiqueExaminateurs"] = Self.graphiqueExaminateurs(
                    examinateurs, id: "graphique-examinateurs",
                    titre: "Moyenne de chaque examinateur et moyenne des autres copies des mêmes sujets")
            }
            return page("statistiques", titre: "Statistiques", object, session: session)
        }
    }

    /// An examiner's own statistics: per exam they graded, how many, their mean and distribution.
    private func mesStatistiques(_ session: Session, annee: Int) async throws -> Response {
        let mes = try await client(session).lireMesStatistiques(path: .init(annee: annee)).ok.body.json
        let comparaisons = mes.comparaisons?.additionalProperties ?? [:], masquees = mes.masquees?.additionalProperties ?? [:]
        struct EpreuveVue { var code: String; var epreuve: String; var effectif: Int; var moyenne: String; var graphique: String
            var comparaison: [LigneExaminateur]; var graphiqueComparaison: String; var niveaux: [LigneNiveaux]; var aNiveaux: Bool
            var masquee: [String] }
        let epreuves = (mes.epreuves?.additionalProperties ?? [:]).sorted { $0.key < $1.key }.map { code, serie in
            let mesure = comparaisons[code]
            // Without the national reference (too few colleagues) there is nothing to set "Vous" against.
            let comparable = mesure.map { $0.national?.moyenne != nil } ?? false
            return EpreuveVue(code: code, epreuve: "\(code) — \(EpreuvePratique(rawValue: code)?.libelle ?? "")", effectif: serie.effectif ?? 0,
                              moyenne: Self.moyenne(serie.moyenne), graphique: Self.histogramme(serie.distribution ?? []),
                              comparaison: comparable ? mesure.map { [LigneExaminateur("Vous", $0)] } ?? [] : [],
                              graphiqueComparaison: comparable ? mesure.map { Self.graphiqueExaminateurs([("Vous", $0)], id: "comparaison-\(code)",
                                  titre: "Votre moyenne et la moyenne anonyme des autres examinateurs sur les mêmes sujets") } ?? "" : "",
                              niveaux: mesure.map { Self.niveaux("Vous", $0) } ?? [], aNiveaux: !(mesure?.niveaux?.additionalProperties.isEmpty ?? true),
                              masquee: masquees[code].map { [$0] } ?? [])
        }
        return page("mes-statistiques", titre: "Mes statistiques", ["session": annee, "epreuves": epreuves, "note": !epreuves.isEmpty, "methode": mes.methode ?? ""],
                    session: session)
    }


    @Sendable func remontee(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            let lignes = try await client(session).lireRemontee(path: .init(annee: annee)).ok.body.json.items ?? []
            let noms = await nomsEtablissements(session)
            // The jury's readers follow each line to its candidates' grades.
            let jury = session.identity.role == .gestionnaire || session.identity.role == .admin
            let vues: [[String: Any]] = lignes.map { l in
                // The numbers of the candidates still without a result (the first 200).
                let (centre, epreuve, manquants, attendus) = (l.centre ?? "", l.epreuve ?? "", l.manquants ?? 0, l.candidatsManquants ?? [])
                var vue: [String: Any] = ["centre": Libelle.etablissement(centre, noms), "epreuve": epreuve, "affectes": l.affectes ?? 0,
                                          "notes": l.notes ?? 0, "absents": l.absents ?? 0, "manquants": manquants,
                                          "attendus": attendus.isEmpty ? "aucun" : attendus.joined(separator: ", ") + (manquants > attendus.count ? " …" : "")]
                if jury { vue["lien"] = "/remontee/notes?epreuve=\(epreuve)&centre=\(centre.prefix(8))" }
                return vue
            }
            // Santorin knows each candidate's slot: its file lists the perimeter's candidates with their centre and half-day.
            var object: [String: Any] = ["session": annee, "lignes": vues, "jury": jury, "csv": "/api/inscriptions/sessions/\(annee)/notes.csv"]
            if session.identity.role != .etablissement { object["candidatsCSV"] = "/api/correction/sessions/\(annee)/candidats.csv" }
            return page("remontee", titre: "Remontée des notes", object, session: session)
        }
    }


    /// Candidates' grades with their closure version and the grades a re-closure replaced: one centre ×
    /// exam's for the jury, a school's own pupils (an exam if it chooses one) for the school. The API
    /// keeps the perimeter and refuses the others.
    @Sendable func notesCandidats(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            let q = request.uri.queryParameters
            let ecole = session.identity.role == .etablissement
            let epreuve = q["epreuve"].flatMap { EpreuvePratique(rawValue: String($0)) }
            let centre = q["centre"].flatMap { Self.codeUAI(String($0)) }
            guard ecole || (epreuve != nil && centre != nil) else {
                throw Problem.badRequest("épreuve et centre requis / exam and centre required")
            }
            let numero = Self.numeroDePage(request)
            let filtre = [epreuve.map { "epreuve=\($0.rawValue)" }, centre.map { "centre=\($0)" }].compactMap { $0 }.joined(separator: "&")
            let notes = try await client(session).listerNotes(path: .init(annee: annee),
                                                              query: .init(epreuve: epreuve.flatMap { .init(rawValue: $0.rawValue) }, centre: centre, page: numero, perPage: 100))
                .ok.body.json
            let (items, total) = (notes.items ?? [], notes.total ?? 0)
            let noms = await nomsEtablissements(session)
            let titre = ecole ? "Notes de vos élèves" + (epreuve.map { " en \($0.rawValue)" } ?? "")
                : "Notes de \(epreuve?.rawValue ?? "") — centre \(Libelle.etablissement(centre ?? "", noms))"
            struct Choix { var code: String; var libelle: String; var choisie: Bool }
            var object: [String: Any] = [
                "session": annee, "titre": titre, "ecole": ecole, "total": total,
                "csv": "/api/inscriptions/sessions/\(annee)/notes.csv?\(filtre)",
                "epreuves": EpreuvePratique.allCases.map { Choix(code: $0.rawValue, libelle: "\($0.rawValue) — \($0.libelle)", choisie: $0 == epreuve) },
                "notes": items.map { n in
                    ["numero": n.numero ?? "", "nom": "\(n.nom ?? "") \(n.prenoms ?? "")", "epreuve": n.epreuve ?? "",
                     "centre": Libelle.etablissement(n.centre ?? "", noms),
                     "resultat": Libelle.resultat(n.resultat?.rawValue ?? "", demiPoints: n.demiPoints),
                     "cloture": n.versionCloture.map { "clôture n° \($0)" } ?? "—",
                     "historique": (n.historique ?? []).map { h in
                         "\(Libelle.resultat(h.resultat ?? "", demiPoints: h.demiPoints)), remplacée le \(h.remplaceeLe.map(FrenchFormat.moment) ?? "")"
                             + (h.motif.map { " par une recorrection (motif : \($0))" } ?? "")
                     }]
                },
            ]
            if let epreuve, let centre, session.identity.role == .gestionnaire {
                object.merge(await recorrectionsDuCentre(session, epreuve: epreuve.rawValue, centre: centre,
                                                             notes: items.filter { $0.resultat == .note })) { a, _ in a }
            }
            object.merge(Self.pagination(numero, total: total, parPage: 100) { "/remontee/notes?\(filtre)&page=\($0)" }) { a, _ in a }
            return page("notes", titre: titre, Self.avecMessage(object, request), session: session)
        }
    }

    /// The school's pupils with their exam, centre, day, half-day and room, each convocation as a
    /// PDF and all of them in one (Correction keeps the perimeter: the school's own pupils).
    @Sendable func convocationsEleves(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            guard session.identity.role == .etablissement, case .etablissement(let uai) = session.identity.scope else {
                throw Problem.forbidden("réservé aux établissements / schools only")
            }
            let annee = Self.sessionCourante
            let base = "/api/correction/sessions/\(annee)"
            let eleves = try await client(session).listerConvocationsEtablissement(path: .init(annee: annee, uai: uai)).ok.body.json.items ?? []
            let noms = await nomsEtablissements(session)
            let lignes: [[String: Any]] = eleves.map { e in
                let numero = e.numero ?? ""
                var ligne: [String: Any] = ["numero": numero, "nom": "\(e.nom ?? "") \(e.prenoms ?? "")", "epreuve": e.epreuve ?? "",
                                            "centre": Libelle.etablissement(e.centre ?? "", noms), "salle": e.salle ?? "—"]
                if let jour = e.jour, let demi = e.demiJournee {
                    ligne["quand"] = "\(FrenchFormat.jour(jour)), \(Libelle.demiJournee(demi.rawValue))"
                        + (e.heure.flatMap(FrenchFormat.heure).map { ", \($0)" } ?? "")
                    ligne["lien"] = "\(base)/candidats/\(numero.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")/convocation.pdf"
                }
                return ligne
            }
            let object: [String: Any] = ["session": annee, "eleves": lignes, "total": eleves.count,
                                         "tout": eleves.contains { $0.jour != nil } ? "\(base)/etablissements/\(uai)/convocations.pdf" : ""]
            return page("convocations", titre: "Convocations de vos élèves", object, session: session)
        }
    }
}
