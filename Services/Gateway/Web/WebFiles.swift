import Foundation
import Hummingbird
import Logging
import Mustache

/// The pages' files, read once at start-up: the Mustache templates (`Templates/`: the layout and
/// one per page, escaped by default, `{{{ }}}` only for HTML the gateway itself built) and the
/// static assets (`Public/`, served by `FileMiddleware`). They ship as the gateway's resources;
/// `WEB_ROOT` names another folder holding both (a deployment's own copy). A file missing or a
/// template that does not parse stops the gateway at start-up, never a page at its first request.
struct WebFiles: Sendable {
    let library: MustacheLibrary
    /// The folder `FileMiddleware` serves: `/assets/ece.css` is `Public/assets/ece.css`.
    let publicFolder: String
    /// The service worker, naming its cache after the assets it keeps for the offline editor.
    let serviceWorker: String

    /// Every template the controllers render.
    static let templates = [
        "layout", "erreur", "connexion", "activation", "accueil", "lots", "editeur", "commissions", "commission",
        "repartition", "statistiques", "mes-statistiques", "messages", "fil", "missions", "remontee", "sujets",
        "materiel", "sujet", "inscriptions", "etablissements", "etablissement", "notes", "candidat", "comptes", "compte",
        "mot-de-passe-oublie", "mot-de-passe", "code-activation", "convocations", "secondes-lectures", "recorrections", "recorrection", "sw.js",
    ]
    /// Every asset the templates link to.
    static let assets = ["ece.css", "editeur.js", "bareme.js", "gestion.js"]

    struct Unusable: Error, CustomStringConvertible { var description: String }

    /// The folder holding `Templates/` and `Public/`.
    static func root(_ environment: [String: String]) throws -> URL {
        guard let root = environment["WEB_ROOT"].map({ URL(fileURLWithPath: $0) }) ?? Bundle.module.resourceURL else {
            throw Unusable(description: "web files: no resource folder (set WEB_ROOT)")
        }
        return root
    }

    static func load(_ environment: [String: String]) async throws -> WebFiles {
        let root = try root(environment)
        let templates = root.appendingPathComponent("Templates").path
        let library: MustacheLibrary
        do {
            library = try await MustacheLibrary(directory: templates)
        } catch let error as MustacheLibrary.ParserError {
            throw Unusable(description: "web template \(templates)/\(error.filename), line \(error.context.lineNumber), "
                + "column \(error.context.columnNumber): \(error.error)")
        }
        if let missing = Self.templates.first(where: { library.getTemplate(named: $0) == nil }) {
            throw Unusable(description: "web template \(templates)/\(missing).mustache is missing")
        }
        let publicFolder = root.appendingPathComponent("Public").path
        var contents: [String: Data] = [:]
        for asset in Self.assets {
            let path = publicFolder + "/assets/" + asset
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Unusable(description: "web asset \(path) is missing")
            }
            contents[asset] = data
        }
        // A new version replaces the tablets' caches (FNV-1a of what the editor needs offline).
        var hash: UInt64 = 1469598103934665603
        for byte in (contents["ece.css"] ?? Data()) + (contents["editeur.js"] ?? Data()) {
            hash = (hash ^ UInt64(byte)) &* 1099511628211
        }
        let serviceWorker = library.render(["version": String(hash, radix: 36)], withTemplate: "sw.js") ?? ""
        return WebFiles(library: library, publicFolder: publicFolder, serviceWorker: serviceWorker)
    }

    /// The assets with their validators (ETag, Last-Modified): `no-cache` makes the browser ask
    /// again each time (a 304 when unchanged), as their URLs carry no version.
    func fileMiddleware<Context: RequestContext>(_: Context.Type, logger: Logger) -> FileMiddleware<Context, LocalFileSystem> {
        FileMiddleware(publicFolder, cacheControl: .init([(.textCss, [.noCache]), (.textJavascript, [.noCache])]), logger: logger)
            .withAdditionalMediaTypes(forFileExtensions: [
                "css": MediaType(type: .text, subType: "css", parameter: ("charset", "utf-8")),
                "js": MediaType(type: .text, subType: "javascript", parameter: ("charset", "utf-8")),
            ])
    }
}
