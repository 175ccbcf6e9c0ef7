/// The public API of the whole platform, as served at `/openapi.yaml`: every route a user reaches
/// through the gateway. `OpenAPITests` fails when a route is registered but not documented here,
/// or documented but absent.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Plateforme ECE — API publique
  version: "1.0"
  description: |
    Épreuves pratiques du baccalauréat (ECE physique-chimie et SVT, NSI, STL). Every route goes
    through the gateway. Errors are application/problem+json (RFC 9457) whose `type` names the kind
    of refusal (docs/naming.md: each 409 its own, e.g. …/problems/lot-locked). Authenticate with
    POST /api/auth/login, then send `Authorization: Bearer <accessToken>`; every service verifies
    the token itself. `X-Correlation-Id` is accepted and always returned.
servers:
  - url: http://127.0.0.1:8080
security:
  - bearer: []
paths:
  /health:
    get:
      summary: Gateway health (its database and broker)
      security: []
      responses:
        "200": {description: Up, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
        "503": {description: Down, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
  /openapi.yaml:
    get:
      summary: This document
      security: []
      responses:
        "200": {description: The OpenAPI document, content: {application/yaml: {schema: {type: string}}}}
  /api/auth/login:
    post:
      summary: Log in with login and password
      security: []
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/LoginRequest"}}}
      responses:
        "200": {description: Tokens, content: {application/json: {schema: {$ref: "#/components/schemas/TokenResponse"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/auth/refresh:
    post:
      summary: Exchange a refresh token (single use, rotated) for new tokens
      security: []
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/RefreshRequest"}}}
      responses:
        "200": {description: Tokens, content: {application/json: {schema: {$ref: "#/components/schemas/TokenResponse"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
  /api/auth/logout:
    post:
      summary: Revoke the session of a refresh token
      security: []
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/RefreshRequest"}}}
      responses:
        "204": {description: Logged out}
        "400": {$ref: "#/components/responses/Problem"}
  /api/auth/activate:
    post:
      summary: Set the first password of an examiner or coordinator account with the convocation's code
      security: []
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/ActivateRequest"}}}
      responses:
        "204": {description: Activated}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/auth/me:
    get:
      summary: The logged-in user
      responses:
        "200": {description: The user, content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}
        "401": {$ref: "#/components/responses/Problem"}
  /api/auth/password-reset:
    post:
      summary: Mail a single-use link (one hour) that sets a new password, to the account of a login or to every account of an address; the same 202 whether or not one exists (at most 3 mails an hour per account)
      security: []
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [login], properties: {login: {type: string, maxLength: 254, description: a login or an address}}}}}}
      responses:
        "202": {description: Accepted (nothing said of whether an account exists), content: {application/json: {schema: {$ref: "#/components/schemas/Avis"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
        "429": {$ref: "#/components/responses/Problem"}
  /api/auth/password:
    post:
      summary: Set the password with a mailed link, once (every link of the account is then spent, its sessions ended)
      security: []
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [token, password], properties: {token: {type: string, maxLength: 128}, password: {type: string, minLength: 12, maxLength: 128}}}}}}
      responses:
        "204": {description: Password set}
        "400": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
        "429": {$ref: "#/components/responses/Problem"}
  /api/auth/activation-code:
    post:
      summary: Mail a convoked person (account not yet activated, address known from Imag'In) a new activation code; the printed one stops working; the same 202 whether or not there is such an account
      security: []
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [login], properties: {login: {type: string, maxLength: 128}}}}}}
      responses:
        "202": {description: Accepted, content: {application/json: {schema: {$ref: "#/components/schemas/Avis"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
        "429": {$ref: "#/components/responses/Problem"}
  /api/comptes:
    get:
      summary: The accounts the caller keeps (admin all; an académie's gestionnaire its académie's, national ones excepted; a school its référents), by login
      parameters:
        - {name: role, in: query, schema: {$ref: "#/components/schemas/Role"}}
        - {name: q, in: query, description: "in the login, name, scope or address", schema: {type: string, maxLength: 100}}
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - {name: perPage, in: query, schema: {type: integer, minimum: 1, maximum: 200}}
      responses:
        "200": {description: Accounts, content: {application/json: {schema: {type: object, required: [items, page, perPage, total, creables], properties: {items: {type: array, items: {$ref: "#/components/schemas/Compte"}}, page: {type: integer}, perPage: {type: integer}, total: {type: integer}, creables: {type: array, description: the roles the caller may give a new account, items: {$ref: "#/components/schemas/Role"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    post:
      summary: Create an account without a password; its owner gets a mailed link (72 hours) to choose one. A school's, centre's or référent's scope is a UAI of Cyclades' directory (a centre's, a centre d'épreuve), read with the caller's token; examiners' and coordinators' accounts come from their convocations
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [login, nom, role, scope, email], properties: {login: {type: string, minLength: 3, maxLength: 64}, nom: {type: string, minLength: 1, maxLength: 100}, role: {$ref: "#/components/schemas/Role"}, scope: {$ref: "#/components/schemas/Scope"}, email: {type: string, maxLength: 254}}}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Compte"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
        "503": {$ref: "#/components/responses/Problem"}
  /api/comptes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: One account of the caller's perimeter (another's is 404)
      responses:
        "200": {description: The account, content: {application/json: {schema: {$ref: "#/components/schemas/Compte"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    patch:
      summary: Change an account's name, address or scope (within the caller's perimeter; not an examiner's or coordinator's scope), disable it (its sessions end) or enable it; nobody disables their own
      requestBody: {required: true, content: {application/json: {schema: {type: object, properties: {nom: {type: string, maxLength: 100}, email: {type: string, maxLength: 254}, scope: {$ref: "#/components/schemas/Scope"}, actif: {type: boolean}}}}}}
      responses:
        "200": {description: Changed, content: {application/json: {schema: {$ref: "#/components/schemas/Compte"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
        "503": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/academies:
    get:
      summary: The académies
      responses:
        "200": {description: Académies, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/Academie"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/academies/{code}:
    parameters: [{name: code, in: path, required: true, schema: {type: string}}]
    put:
      summary: Create or rename an académie, or a regroupement of centres abroad (national administrator)
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [nom], properties: {nom: {type: string, minLength: 1, maxLength: 100}, nature: {type: string, enum: [academie, regroupement]}}}}}}
      responses:
        "200": {description: Renamed, content: {application/json: {schema: {$ref: "#/components/schemas/Academie"}}}}
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Academie"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/etablissements/import:
    post:
      summary: Import a school directory (CSV, UTF-8 or Windows-1252, ; or ,; the administrator for the country, a gestionnaire for their académie)
      description: "Columns uai;nom;commune;academie;autonome and, when known, latitude;longitude (decimal degrees). Nothing is recorded when any line is wrong (422 lists each error with line and column) unless partiel=true; importing the same file again changes nothing. A school with candidates never moves to another académie."
      parameters: [{name: partiel, in: query, schema: {type: boolean}}]
      requestBody: {required: true, content: {text/csv: {schema: {type: string}}}}
      responses:
        "200": {description: Import report, content: {application/json: {schema: {$ref: "#/components/schemas/AnnuaireReport"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "413": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/etablissements/{uai}:
    parameters: [{name: uai, in: path, required: true, schema: {type: string}}]
    get:
      summary: One school, and what it hosts as a centre d'épreuve
      responses:
        "200": {description: The school, content: {application/json: {schema: {$ref: "#/components/schemas/FicheEtablissement"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    put:
      summary: Create or update one school, checked as a line of the directory (administrator; gestionnaire in their académie)
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [nom, academie, autonome], properties: {nom: {type: string}, commune: {type: string}, academie: {type: string}, autonome: {type: boolean}, latitude: {type: [number, "null"]}, longitude: {type: [number, "null"]}}}}}}
      responses:
        "200": {description: Updated, content: {application/json: {schema: {$ref: "#/components/schemas/FicheEtablissement"}}}}
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/FicheEtablissement"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/etablissements/{uai}/centre:
    parameters: [{name: uai, in: path, required: true, schema: {type: string}}]
    put:
      summary: What the school hosts as a centre d'épreuve (409 when it would leave assigned candidates without their centre or over its capacity)
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/CentreDEpreuve"}}}}
      responses:
        "200": {description: The school, content: {application/json: {schema: {$ref: "#/components/schemas/FicheEtablissement"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    delete:
      summary: The school stops being a centre d'épreuve (409 while candidates are assigned to it)
      responses:
        "204": {description: Done}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/etablissements:
    get:
      summary: Schools, with their centre d'épreuve data (exams hosted, capacity per half-day), searched by UAI or name, by page
      parameters:
        - {name: academie, in: query, schema: {type: string}}
        - {name: q, in: query, schema: {type: string, maxLength: 100}}
        - {name: centres, in: query, schema: {type: boolean}}
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - {name: perPage, in: query, schema: {type: integer, minimum: 1, maximum: 10000}}
      responses:
        "200": {description: Schools, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/Etablissement"}}, page: {type: integer}, perPage: {type: integer}, total: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/import:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    post:
      summary: Import the académie's candidates and registrations (CSV, UTF-8 or Windows-1252, ; or ,; gestionnaire)
      description: "Columns numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve, one line per registration. Nothing is imported when any line is wrong (422 lists each error with line and column) unless partiel=true."
      parameters: [{name: partiel, in: query, schema: {type: boolean}}]
      requestBody: {required: true, content: {text/csv: {schema: {type: string}}}}
      responses:
        "200": {description: Import report, content: {application/json: {schema: {$ref: "#/components/schemas/ImportReport"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "413": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/candidats:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Candidates of a session (a gestionnaire sees their académie; a school its pupils for a delegated exam, epreuve required)
      parameters:
        - {name: uai, in: query, schema: {type: string}}
        - {name: epreuve, in: query, schema: {type: string}}
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - {name: perPage, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
      responses:
        "200": {description: A page of candidates, content: {application/json: {schema: {$ref: "#/components/schemas/CandidatPage"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/delegations:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Exams whose assignment is delegated to schools (gestionnaire, établissement its own)
      responses:
        "200": {description: Delegations, content: {application/json: {schema: {$ref: "#/components/schemas/Delegations"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
    post:
      summary: Delegate an exam's assignment to a school of the académie (gestionnaire)
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Delegation"}}}}
      responses:
        "201": {description: Delegations of the académie, content: {application/json: {schema: {$ref: "#/components/schemas/Delegations"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/delegations/{epreuve}/{uai}:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: uai, in: path, required: true, schema: {type: string}}
    delete:
      summary: Take a delegation back (gestionnaire)
      responses:
        "204": {description: Revoked}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/affectations:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    post:
      summary: Assign candidates to centres d'épreuve, all or nothing (gestionnaire; établissement for its pupils and delegated exams)
      description: "Rules: one centre per candidate and exam, the centre hosts the exam and has room, special cases (individual STL, CNED for NSI, non-autonomous schools) by the gestionnaire only. Each refusal is listed with its reason."
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [affectations]
              properties:
                affectations:
                  type: array
                  minItems: 1
                  maxItems: 5000
                  items: {type: object, required: [numero, epreuve, centre], properties: {numero: {type: string}, epreuve: {type: string}, centre: {type: string}}}
      responses:
        "200": {description: Stored, content: {application/json: {schema: {type: object, properties: {affectees: {type: integer}}}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/affectations/suggestions:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: A suggested centre for each registration not yet assigned (own school if a centre, else the nearest with room)
      parameters: [{name: epreuve, in: query, schema: {type: string}}]
      responses:
        "200": {description: Suggestions, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object, properties: {numero: {type: string}, epreuve: {type: string}, centre: {type: [string, "null"]}}}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/notes:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Each candidate's grade in force with its closure version and the grades it replaced, for the jury (gestionnaire of their académie, national administrator) and for a school (its own pupils only), by page
      parameters:
        - {name: epreuve, in: query, schema: {type: string, enum: [T011B, T012B, T010B, T029B, T030B]}}
        - {name: centre, in: query, schema: {type: string}}
        - {name: uai, in: query, description: "the candidates' school (a school may name only itself)", schema: {type: string}}
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - {name: perPage, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
      responses:
        "200":
          description: The grades, by exam, centre and candidate number
          content:
            application/json:
              schema:
                type: object
                properties:
                  page: {type: integer}
                  perPage: {type: integer}
                  total: {type: integer}
                  items:
                    type: array
                    items:
                      type: object
                      properties:
                        candidatId: {type: string, format: uuid}
                        numero: {type: string}
                        nom: {type: string}
                        prenoms: {type: string}
                        epreuve: {type: string}
                        centre: {type: string}
                        resultat: {type: string, enum: [note, absent_injustifie, absent_justifie, dispense]}
                        demiPoints: {type: [integer, "null"], minimum: 0, maximum: 40}
                        remplacees: {type: integer}
                        recueLe: {type: string, format: date-time}
                        uai: {type: [string, "null"]}
                        versionCloture: {type: [integer, "null"], description: "the closure that gave this grade (null if received before versions were kept)"}
                        historique:
                          type: array
                          description: the grades a re-closure or a re-marking after closing replaced, oldest first
                          items:
                            type: object
                            properties:
                              resultat: {type: string}
                              demiPoints: {type: [integer, "null"]}
                              recueLe: {type: string, format: date-time}
                              remplaceeLe: {type: string, format: date-time}
                              motif: {type: [string, "null"], description: "why a re-marking after closing replaced it (null: a re-closure)"}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/notes.csv:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: The same grades as a CSV file for the jury or a school (UTF-8 with BOM, ;, the grade out of 20 with a decimal comma)
      parameters:
        - {name: epreuve, in: query, schema: {type: string, enum: [T011B, T012B, T010B, T029B, T030B]}}
        - {name: centre, in: query, schema: {type: string}}
        - {name: uai, in: query, schema: {type: string}}
      responses:
        "200": {description: "numero;nom;prenoms;epreuve;centre;resultat;note_sur_20;version_cloture;notes_remplacees", content: {text/csv: {schema: {type: string}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/remontee:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Grades received per centre × exam, with the candidates still missing (gestionnaire, centre, national roles)
      parameters:
        - {name: centre, in: query, schema: {type: string}}
        - {name: epreuve, in: query, schema: {type: string}}
      responses:
        "200":
          description: One line per centre × exam
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items:
                      type: object
                      properties:
                        centre: {type: string}
                        epreuve: {type: string}
                        affectes: {type: integer}
                        notes: {type: integer}
                        absents: {type: integer}
                        dispenses: {type: integer}
                        manquants: {type: integer}
                        candidatsManquants: {type: array, items: {type: string}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/affectations/publish:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    post:
      summary: Send the académie's assignments to Correction (affectations.published per centre × exam, chunks of ≤ 1,000; gestionnaire)
      parameters: [{name: epreuve, in: query, schema: {type: string}}]
      responses:
        "200": {description: Published, content: {application/json: {schema: {type: object, properties: {centresEpreuves: {type: integer}, evenements: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/designations:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Designated examiners and coordinators (gestionnaire its académie; établissement its teachers)
      parameters: [{name: epreuve, in: query, schema: {type: string}}]
      responses:
        "200": {description: Designations, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/Designation"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
    post:
      summary: Designate an examiner (établissement, its teachers; gestionnaire) or a coordinator (gestionnaire); re-exports the group (intervenants.exported). A person belongs to the authority that designated them first; another authority's designation of the same login is refused (409 designated-by-another-authority)
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [role, epreuve, intervenant]
              properties:
                role: {type: string, enum: [examinateur, coordinateur]}
                epreuve: {type: string}
                centre: {type: [string, "null"], description: "the centre d'épreuve (examiners only)"}
                intervenant: {$ref: "#/components/schemas/Personne"}
      responses:
        "201": {description: Designated, content: {application/json: {schema: {type: object, properties: {id: {type: string, format: uuid}}}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/designations/{id}:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    delete:
      summary: Remove a designation (re-exports the group)
      responses:
        "204": {description: Removed}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions:
    get:
      summary: Exam sessions
      responses:
        "200": {description: Sessions, content: {application/json: {schema: {$ref: "#/components/schemas/Sessions"}}}}
        "401": {$ref: "#/components/responses/Problem"}
    post:
      summary: Open a session (dsii, admin)
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [annee], properties: {annee: {type: integer, minimum: 2020, maximum: 2100}}}}}}
      responses:
        "201": {description: Sessions, content: {application/json: {schema: {$ref: "#/components/schemas/Sessions"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/candidats/{numero}:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: numero, in: path, required: true, schema: {type: string}}
    get:
      summary: One candidate (gestionnaire of their académie, national roles)
      responses:
        "200": {description: The candidate, content: {application/json: {schema: {$ref: "#/components/schemas/Candidat"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    put:
      summary: Correct a candidate's identity (the import's rules; gestionnaire)
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [nom, prenoms, naissance, categorie, filiere]
              properties:
                nom: {type: string}
                prenoms: {type: string}
                naissance: {type: string, description: "jj/mm/aaaa or aaaa-mm-jj"}
                categorie: {type: string, enum: [scolaire, individuel, cned, morea]}
                uai: {type: [string, "null"]}
                division: {type: [string, "null"]}
                filiere: {type: string, enum: [BCG, BTN]}
      responses:
        "200": {description: The candidate, content: {application/json: {schema: {$ref: "#/components/schemas/Candidat"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/candidats/{numero}/inscriptions/{epreuve}:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: numero, in: path, required: true, schema: {type: string}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
    put:
      summary: Register for the exam or set the registration's status before the exam (gestionnaire)
      requestBody: {required: true, content: {application/json: {schema: {type: object, required: [statut], properties: {statut: {type: string, enum: [inscrit, dispense, absent_justifie]}}}}}}
      responses:
        "200": {description: The candidate, content: {application/json: {schema: {$ref: "#/components/schemas/Candidat"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    delete:
      summary: Remove a registration neither assigned nor graded (gestionnaire)
      responses:
        "204": {description: Removed}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/sessions/{annee}/affectations/{numero}/{epreuve}:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: numero, in: path, required: true, schema: {type: string}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
    delete:
      summary: Take a candidate out of their centre (not once graded; gestionnaire)
      responses:
        "204": {description: Unassigned}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/inscriptions/me:
    get:
      summary: The caller as Inscriptions (Cyclades) sees them
      responses:
        "200": {description: Identity, content: {application/json: {schema: {$ref: "#/components/schemas/WhoAmI"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "503": {$ref: "#/components/responses/Problem"}
  /api/missions/me:
    get:
      summary: The caller as Missions (Imag'In) sees them
      responses:
        "200": {description: Identity, content: {application/json: {schema: {$ref: "#/components/schemas/WhoAmI"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "503": {$ref: "#/components/responses/Problem"}
  /api/missions/sessions/{annee}/reglementation:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: The session's regulation (mission types and pay types), the current version or the one asked
      parameters: [{name: version, in: query, schema: {type: integer}}]
      responses:
        "200": {description: Regulation, content: {application/json: {schema: {$ref: "#/components/schemas/ReglementationVersion"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    post:
      summary: Refresh the regulation (DSII loads the national one or sends another; a gestionnaire reloads the DSII's latest); a new version only when it changed
      requestBody:
        required: false
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Reglementation"}
      responses:
        "200": {description: Loaded, content: {application/json: {schema: {type: object, properties: {version: {type: integer}, nouvelleVersion: {type: boolean}}}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/missions/sessions/{annee}/parametres:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: The dates and observations of the académie's ECE missions (gestionnaire)
      responses:
        "200": {description: Parameters, content: {application/json: {schema: {$ref: "#/components/schemas/ParametresSession"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    put:
      summary: Set the dates, observations and mission types (which must agree with their pay types)
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [dateDebut, dateFin]
              properties:
                dateDebut: {type: string, format: date}
                dateFin: {type: string, format: date}
                observations: {type: string, maxLength: 2000}
                typeMissionExaminateur: {type: string}
                typeMissionCoordinateur: {type: string}
      responses:
        "200": {description: Parameters, content: {application/json: {schema: {$ref: "#/components/schemas/ParametresSession"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/missions/sessions/{annee}/ouverture:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    post:
      summary: Open or refresh the session (mission import from Cyclades' export; idempotent; emits missions.imported)
      responses:
        "200": {description: Opening report, content: {application/json: {schema: {type: object, properties: {creees: {type: integer}, reactivees: {type: integer}, retirees: {type: integer}, actives: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
  /api/missions/sessions/{annee}/missions:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Missions with their designated intervenants and convocations (gestionnaire its académie; établissement its centre and teachers)
      parameters:
        - {name: epreuve, in: query, schema: {type: string}}
        - {name: centre, in: query, schema: {type: string}}
        - {name: kind, in: query, schema: {type: string, enum: [examinateur, coordinateur]}}
      responses:
        "200": {description: Missions, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/MissionDetail"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/missions/missions/{id}/convocations:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Convoke a designated examiner or coordinator (emits convocation.issued); repeating returns the same convocation
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [intervenantId], properties: {intervenantId: {type: string, format: uuid}}}
      responses:
        "200": {description: Already convoked, content: {application/json: {schema: {$ref: "#/components/schemas/Convoked"}}}}
        "201": {description: Convoked, content: {application/json: {schema: {$ref: "#/components/schemas/Convoked"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/missions/sessions/{annee}/convocations:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Convocations of the session within the caller's scope
      parameters: [{name: statut, in: query, schema: {type: string, enum: [emise, annulee]}}]
      responses:
        "200": {description: Convocations, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/Convocation"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/missions/convocations/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: One convocation (its issuers and the convoked person)
      responses:
        "200": {description: Convocation, content: {application/json: {schema: {$ref: "#/components/schemas/Convocation"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/missions/convocations/{id}/impression:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: The printable convocation (HTML); the one-time activation code only for the authority that issued it, while it stands (each convocation's code stays valid until the account is activated or the convocation cancelled)
      responses:
        "200": {description: Printable convocation, content: {text/html: {schema: {type: string}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/missions/convocations/{id}/impression.pdf:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: The convocation as an A4 PDF in the ministry's layout; the activation code on the same copy as the printable page (the issuing authority's, while it stands)
      responses:
        "200": {description: Convocation PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/missions/convocations/{id}/annulation:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Cancel a convocation with a reason (emits convocation.cancelled; its code stops activating). A school cancels only what it issued
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [motif], properties: {motif: {type: string, minLength: 1, maxLength: 500}}}
      responses:
        "204": {description: Cancelled}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/missions/mes-missions:
    get:
      summary: My missions (examiner, coordinator) and the way into grading for each (a coordinator's, the académie's follow-up of the exam)
      responses:
        "200": {description: My missions, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object, properties: {convocationId: {type: string, format: uuid}, mission: {$ref: "#/components/schemas/Mission"}, correction: {type: string}}}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/missions/sessions/{annee}/services-faits:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Services faits received from Santorin's closings, priced (gestionnaire)
      parameters:
        - {name: epreuve, in: query, schema: {type: string}}
        - {name: centre, in: query, schema: {type: string}}
      responses:
        "200": {description: Services faits, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/ServiceFait"}}, totalCentimes: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/missions/sessions/{annee}/services-faits.csv:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: The payment export of the services faits (CSV, ';', amounts in euros)
      parameters:
        - {name: epreuve, in: query, schema: {type: string}}
        - {name: centre, in: query, schema: {type: string}}
      responses:
        "200": {description: CSV, content: {text/csv: {schema: {type: string}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    get:
      summary: A commission (exam × centre) — groups with their lots' progress, slots, candidates (centre, référent, gestionnaire, coordinator, convoked examiner)
      responses:
        "200": {description: Commission, content: {application/json: {schema: {$ref: "#/components/schemas/CommissionVue"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/examinateurs:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    get:
      summary: The examiners convoked on this exam × centre
      responses:
        "200": {description: Examiners, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/fiches:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    get:
      summary: The candidates' sheets, with the manual distribution's filters
      parameters:
        - {name: division, in: query, schema: {type: string}}
        - {name: origine, in: query, schema: {type: string}, description: "school of origin (UAI)"}
        - {name: nomDe, in: query, schema: {type: string}}
        - {name: nomA, in: query, schema: {type: string}}
        - {name: creneau, in: query, schema: {type: string, format: uuid}}
        - {name: groupe, in: query, schema: {type: string, format: uuid}}
        - {name: nonDistribues, in: query, schema: {type: boolean}}
        - {name: sansCreneau, in: query, schema: {type: boolean}, description: "only candidates in no half-day slot"}
      responses:
        "200": {description: Sheets, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/FicheResume"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/sujets:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    get:
      summary: Published subjects a slot may offer (titles hidden until visibleFrom)
      responses:
        "200": {description: Subjects, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/groupes:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: Create a group of examiners convoked on this exam × centre (centre)
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [nom, membres], properties: {nom: {type: string}, membres: {type: array, items: {type: string, format: uuid}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Created"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/groupes/{groupe}:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
      - {name: groupe, in: path, required: true, schema: {type: string, format: uuid}}
    patch:
      summary: Rename a group or change its examiners (add one, replace an ill one — the lot stays the group's); rules rechecked (convoked, in no other group, never a candidate's teacher, 4 per examiner per slot); a locked lot is unlocked first (centre); while a second look is open its reader does not join its sheet's group (409)
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {nom: {type: string}, membres: {type: array, items: {type: string, format: uuid}}}}
      responses:
        "204": {description: Changed}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    delete:
      summary: Dissolve a group whose lot is empty (centre)
      responses:
        "204": {description: Dissolved}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/creneaux:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: Define a half-day slot and its subjects (physique-chimie — at least two physics- and two chemistry-dominant; the set changes every half-day)
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [jour, demiJournee, sujets], properties: {jour: {type: string, format: date}, demiJournee: {type: string, enum: [matin, apres-midi]}, sujets: {type: array, items: {type: string, format: uuid}}, choix: {type: boolean}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Created"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/creneaux/{creneau}/candidats:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
      - {name: creneau, in: path, required: true, schema: {type: string, format: uuid}}
    post:
      summary: Place candidates in a slot (centre); refused beyond 4 candidates per examiner of the groups (409)
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/FichesRequest"}
      responses:
        "200": {description: Placed, content: {application/json: {schema: {type: object, properties: {candidats: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/creneaux/retrait:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: Take candidates out of their slot (centre); not yet graded and out of any lot
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/FichesRequest"}
      responses:
        "200": {description: Taken out, content: {application/json: {schema: {type: object, properties: {candidats: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/distribution:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: Manual distribution — move sheets into a group's lot (groupeId null takes them out); refuses conflicts of interest, locked lots, more than 4 per examiner per slot and a sheet under an open second look into its reader's lot (409)
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [fiches], properties: {fiches: {type: array, items: {type: string, format: uuid}}, groupeId: {type: [string, "null"], format: uuid}}}
      responses:
        "200": {description: Moved, content: {application/json: {schema: {type: object, properties: {candidats: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/distribution/automatique:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: Automatic distribution of the undistributed candidates (balance, divisions kept together, no own pupils, 4 per examiner per slot)
      requestBody:
        required: false
        content:
          application/json:
            schema: {type: object, properties: {garderDivisions: {type: boolean, default: true}}}
      responses:
        "200": {description: Report, content: {application/json: {schema: {type: object, properties: {distribues: {type: integer}, sansCreneau: {type: integer}, capaciteInsuffisante: {type: integer}, conflits: {type: integer}, placements: {type: array, description: "who went to which group", items: {type: object, properties: {fiche: {type: string, format: uuid}, numero: {type: string}, nom: {type: string}, groupe: {type: string}, examinateurs: {type: array, items: {type: string}}}}}, nonPlaces: {type: array, description: "who could not be placed, and why", items: {type: object, properties: {fiche: {type: string, format: uuid}, numero: {type: string}, nom: {type: string}, motif: {type: string, enum: [sans_creneau, capacite, conflit]}}}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/cloture:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: Close the exam at the centre once every lot is locked (emits epreuve.closed — grades to Cyclades, services faits to Imag'In)
      responses:
        "200": {description: Closed, content: {application/json: {schema: {type: object, properties: {closureId: {type: string, format: uuid}, notes: {type: integer}, absents: {type: integer}, servicesFaits: {type: integer}, chunks: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/reouverture:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: Reopen a closed exam × centre, with a reason (gestionnaire; audited)
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Motif"}
      responses:
        "204": {description: Reopened}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/recorrections:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: "Ask for one graded candidate's re-marking after closing (gestionnaire of the académie; a reason; audited in the sheet's audit; 409 exam-not-closed on an open commission, already-done when one is open)"
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [candidatId, motif], properties: {candidatId: {type: string, format: uuid}, motif: {type: string, minLength: 1, maxLength: 1000}}}
      responses:
        "201": {description: Requested, content: {application/json: {schema: {$ref: "#/components/schemas/Created"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/recorrections:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
    get:
      summary: "The re-marking requests: the académie's (gestionnaire), those of the exams the caller coordinates there (coordinator); open first"
      responses:
        "200": {description: Requests, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/Recorrection"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/correction/recorrections/{id}/notation:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: "Re-mark the sheet of an open request (the exam's coordinator in the académie only; the version read; audited; emits epreuve.closed for that candidate alone, without services faits)"
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [version, grille], properties: {version: {type: integer}, grille: {$ref: "#/components/schemas/Grille"}, noteFinale: {type: [integer, "null"], minimum: 0, maximum: 40}, motifAjustement: {type: [string, "null"]}}}
      responses:
        "200": {description: Re-marked, content: {application/json: {schema: {type: object, properties: {noteFinale: {type: integer, description: "in half points"}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/audit:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    get:
      summary: The commission's audit log (its lots, distribution, closing, reopening; not the sheets'), newest first, 200 at most
      responses:
        "200": {description: Audit, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object, properties: {le: {type: string, format: date-time}, acteur: {type: string}, action: {type: string}, avant: {type: [string, "null"]}, apres: {type: [string, "null"]}, motif: {type: [string, "null"]}, lot: {type: [string, "null"]}}}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/fiches/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: A candidate's evaluation sheet in the grading editor (subject, barème, grid, suggested mark, version)
      responses:
        "200": {description: Sheet, content: {application/json: {schema: {$ref: "#/components/schemas/Fiche"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    put:
      summary: Save the grid (draft or final), an absence or an override with its reason; carries the version read (409 with the current sheet when stale)
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Enregistrement"}
      responses:
        "200": {description: Sheet, content: {application/json: {schema: {$ref: "#/components/schemas/Fiche"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/fiches/{id}/tirage:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Draw the candidate's subject at random among the slot's (server-side, audited; refused under embargo)
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [version], properties: {version: {type: integer}}}
      responses:
        "200": {description: Sheet, content: {application/json: {schema: {$ref: "#/components/schemas/Fiche"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/fiches/{id}/sujet:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Record the subject the candidate drew on paper, where the slot allows it or offers one subject only
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [version, sujetId], properties: {version: {type: integer}, sujetId: {type: string, format: uuid}}}
      responses:
        "200": {description: Sheet, content: {application/json: {schema: {$ref: "#/components/schemas/Fiche"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/fiches/{id}/offre:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: The subjects the sheet's slot offers (titles once visible), and whether the examiner records the one drawn on paper
      responses:
        "200":
          description: The offer
          content:
            application/json:
              schema:
                type: object
                required: [enregistrement, visible, sujets]
                properties:
                  enregistrement: {type: boolean, description: "the slot allows recording a subject (choix) or offers one only; otherwise the platform draws"}
                  visible: {type: boolean, description: "every offered subject's embargo is over"}
                  sujets:
                    type: array
                    items:
                      type: object
                      properties: {id: {type: string, format: uuid}, code: {type: string}, dominante: {type: [string, "null"]}, visibleFrom: {type: string, format: date-time}, titre: {type: [string, "null"]}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/fiches/{id}/audit:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: The sheet's append-only audit log (who, when, before, after, why)
      responses:
        "200": {description: Audit, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object, properties: {le: {type: string, format: date-time}, acteur: {type: string}, action: {type: string}, avant: {type: [string, "null"]}, apres: {type: [string, "null"]}, motif: {type: [string, "null"]}}}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/groupes/{id}/verrouillage:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Lock a lot once every candidate is graded or absent (its examiner, or on their behalf the centre, its référent, a convoked coordinator, the académie's gestionnaire; audited; 409 lists those missing; emits lot.locked)
      responses:
        "200": {description: Locked, content: {application/json: {schema: {type: object, properties: {candidats: {type: integer}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/groupes/{id}/deverrouillage:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Unlock a lot with a reason (centre, référent, convoked coordinator, gestionnaire; audited; emits lot.unlocked)
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Motif"}
      responses:
        "204": {description: Unlocked}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "400": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/secondes-lectures:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    get:
      summary: "The commission's second looks (harmonisation before closing): both marks, the gap and its flag, the outcome (coordinator, centre, référent, gestionnaire)"
      responses:
        "200": {description: "The second looks", content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/SecondeLecture"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    post:
      summary: "Ask second looks on graded sheets picked by hand (coordinator of the exam in the académie, the centre or its référent); the reader is another examiner of the commission, never the sheet's examiner nor of its lot, named or the least busy"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [fiches]
              properties:
                fiches: {type: array, items: {type: string, format: uuid}, minItems: 1, maxItems: 100}
                lecteurId: {type: string, format: uuid, description: "the second reader (intervenant id)"}
      responses:
        "201": {description: "The second looks", content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/SecondeLecture"}}}}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/secondes-lectures/echantillon:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    post:
      summary: "Ask second looks on a random sample of k graded sheets per examiner of the commission (without a look yet)"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [parExaminateur]
              properties:
                parExaminateur: {type: integer, minimum: 1, maximum: 20}
      responses:
        "201": {description: "The second looks", content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/SecondeLecture"}}}}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/secondes-lectures/{lecture}/arbitrage:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
      - {name: lecture, in: path, required: true, schema: {type: string, format: uuid}}
    post:
      summary: "Settle a read second look with a mandatory reason: keep the first mark, take the second, or set another; the sheet's final mark takes it (version, audit)"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [choix, motif]
              properties:
                choix: {type: string, enum: [premiere, seconde, autre]}
                noteFinale: {type: integer, minimum: 0, maximum: 40, description: "with autre, in half points"}
                motif: {type: string, minLength: 1, maxLength: 1000}
      responses:
        "200": {description: Settled, content: {application/json: {schema: {$ref: "#/components/schemas/SecondeLecture"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/fiches/{id}/seconde-lecture:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: "The sheet for its designated second reader, blind: the subject, its barème and the reader's own grid and mark, nothing of the first examiner's (404 for anyone else)"
      responses:
        "200": {description: Sheet, content: {application/json: {schema: {$ref: "#/components/schemas/Fiche"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    put:
      summary: "The second reader's save (draft or final; no absence nor override); carries the version read; never writes the sheet itself"
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Enregistrement"}
      responses:
        "200": {description: Sheet, content: {application/json: {schema: {$ref: "#/components/schemas/Fiche"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/mes-secondes-lectures:
    get:
      summary: "The examiner's second looks to read, and the outcome of those asked on the sheets they graded"
      responses:
        "200": {description: "Mine", content: {application/json: {schema: {type: object, properties: {aLire: {type: array, items: {type: object}}, issues: {type: array, items: {type: object}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/correction/mes-lots:
    get:
      summary: The examiner's lots (groups they belong to, on the exams × centres they are convoked to) with their sheets
      responses:
        "200": {description: My lots, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/fiches.pdf:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    get:
      summary: The evaluation sheets of a slot (?creneau=) or of the centre, one page per candidate — blank before the exam (offline fallback), as they stand after
      parameters: [{name: creneau, in: query, schema: {type: string, format: uuid}}]
      responses:
        "200": {description: PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/fiches.zip:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
    get:
      summary: After closing, the filled sheets — one PDF per candidate in a zip for the centre (centre, gestionnaire)
      responses:
        "200": {description: Zip, content: {application/zip: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
  /api/correction/fiches/{id}/pdf:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: One candidate's evaluation sheet (PDF with a QR code to the grading editor)
      responses:
        "200": {description: PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/suivi:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Progress per exam × centre (to grade, drafts, graded, absent, lots locked) — a centre itself, an académie its centres, the DSII all
      parameters: [{name: epreuve, in: query, schema: {type: string}}]
      responses:
        "200": {description: Progress, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object}}, total: {type: object}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/statistiques:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
    get:
      summary: An exam's statistics in the caller's perimeter — overall, per subject (levels per criterion, gap to the mean across the bank), per centre and académie
      parameters:
        - {name: academie, in: query, schema: {type: string}}
        - {name: centre, in: query, schema: {type: string}}
      responses:
        "200": {description: Statistics, content: {application/json: {schema: {$ref: "#/components/schemas/Statistiques"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/statistiques/examinateurs:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
    get:
      summary: "Harmonisation: per examiner and per lot of the caller's perimeter (named), count, mean, spread, levels per criterion, gaps to the other sheets of the same subjects (académie, nation) and the severity/leniency indicator"
      description: "z = (examiner's mean − the others' mean on the same subjects) ÷ (their standard deviation ÷ √n), the examiner's own sheets left out of the national reference; from 8 graded sheets; indulgent at z ≥ 3, sévère at z ≤ −3. A coordinator reads the exams they coordinate (403 otherwise) in their académie; another académie's examiners are not listed."
      responses:
        "200": {description: "Examiners and lots", content: {application/json: {schema: {$ref: "#/components/schemas/StatistiquesExaminateurs"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/mes-statistiques:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: "The examiner's own marks per exam (count, mean, distribution), and against the anonymous mean of the others on the same subjects (no other examiner named)"
      responses:
        "200": {description: Statistics, content: {application/json: {schema: {type: object, properties: {epreuves: {type: object, additionalProperties: {$ref: "#/components/schemas/Serie"}}, comparaisons: {type: object, additionalProperties: {$ref: "#/components/schemas/MesureExaminateur"}}, masquees: {type: object, description: "Per exam, why a reference is withheld: fewer than autresMinimum other examiners graded the same subjects", additionalProperties: {type: string}}, autresMinimum: {type: integer}, methode: {type: string}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/creneaux/{creneau}/emargement.pdf:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
      - {name: creneau, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      summary: The slot's attendance sheet (feuille d'émargement) — exam, centre, day, half-day, rooms, one line per candidate in alphabetical order with a box to sign; whoever reads the commission's sheets
      responses:
        "200": {description: PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/creneaux/{creneau}/convocations.pdf:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
      - {name: creneau, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      summary: The convocations of the slot's candidates, one page each (the centre, the académie's gestionnaire)
      responses:
        "200": {description: PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/epreuves/{epreuve}/centres/{centre}/creneaux/{creneau}/absences:
    parameters:
      - {name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}
      - {name: epreuve, in: path, required: true, schema: {type: string}}
      - {name: centre, in: path, required: true, schema: {type: string}}
      - {name: creneau, in: path, required: true, schema: {type: string, format: uuid}}
    post:
      summary: The centre records the slot's absent candidates from the attendance sheet (unjustified unless said); a sheet whose grading has begun, or in a locked lot, is left as it stands and named; a replay changes nothing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [fiches]
              properties:
                fiches: {type: array, items: {type: string, format: uuid}, minItems: 1, maxItems: 5000}
                absence: {type: string, enum: [injustifiee, justifiee], default: injustifiee}
      responses:
        "200":
          description: What was recorded
          content:
            application/json:
              schema:
                type: object
                properties:
                  absents: {type: array, items: {type: string}, description: numbers turned absent}
                  dejaRecensees: {type: integer}
                  refus: {type: array, items: {type: object, properties: {numero: {type: string}, nom: {type: string}, motif: {type: string}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/candidats/{numero}/convocation.pdf:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}, {name: numero, in: path, required: true, schema: {type: string}}]
    get:
      summary: A candidate's convocation (exam, day, half-day, centre, room), one page per exam; the centre hosting them, their school of origin, their académie's gestionnaire (404 for anyone else); 409 before they are placed in a slot
      responses:
        "200": {description: PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/etablissements/{uai}/convocations:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}, {name: uai, in: path, required: true, schema: {type: string}}]
    get:
      summary: A school's pupils with their exam, centre, day, half-day and room (the school itself, its académie's gestionnaire)
      responses:
        "200":
          description: The pupils, in alphabetical order
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items:
                      type: object
                      properties: {ficheId: {type: string, format: uuid}, numero: {type: string}, nom: {type: string}, prenoms: {type: string}, uaiOrigine: {type: string}, session: {type: integer}, epreuve: {type: string}, centre: {type: string}, academie: {type: string}, jour: {type: string, format: date}, demiJournee: {type: string, enum: [matin, apres-midi]}, salle: {type: string}, statut: {type: string}, absence: {type: string}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/etablissements/{uai}/convocations.pdf:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}, {name: uai, in: path, required: true, schema: {type: string}}]
    get:
      summary: Every placed pupil's convocation of a school in one PDF, in alphabetical order
      responses:
        "200": {description: PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/candidats.csv:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: The candidates published to the centres with their centre and half-day slot, as a CSV file (UTF-8 with BOM, ;), in the caller's perimeter
      parameters:
        - {name: epreuve, in: query, schema: {type: string, enum: [T011B, T012B, T010B, T029B, T030B]}}
      responses:
        "200": {description: "numero;nom;prenoms;etablissement_origine;epreuve;centre;jour;demi_journee", content: {text/csv: {schema: {type: string}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/correction/sessions/{annee}/fils:
    parameters: [{name: annee, in: path, required: true, schema: {type: integer, minimum: 2020, maximum: 2100}}]
    get:
      summary: Message threads the caller may read (commission and académie threads) with unread counts
      responses:
        "200": {description: Threads, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/Fil"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    post:
      summary: Open a thread on a commission (with centre) or on the académie's exam, with its first message (emits message.posted)
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [epreuve, titre, texte], properties: {epreuve: {type: string}, centre: {type: [string, "null"]}, titre: {type: string, maxLength: 200}, texte: {type: string, maxLength: 5000}}}
      responses:
        "201": {description: Opened, content: {application/json: {schema: {$ref: "#/components/schemas/Created"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/correction/fils/{id}/messages:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: A thread's messages (immutable); the caller has then read them
      responses:
        "200": {description: Messages, content: {application/json: {schema: {type: object, properties: {fil: {$ref: "#/components/schemas/Fil"}, items: {type: array, items: {type: object, properties: {id: {type: integer}, auteur: {type: string}, role: {type: string}, texte: {type: string}, le: {type: string, format: date-time}}}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    post:
      summary: Post a message in a thread (emits message.posted; its examiners and coordinators get a mail notice, batched)
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [texte], properties: {texte: {type: string, maxLength: 5000}}}
      responses:
        "201": {description: Posted}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/referentiel/me:
    get:
      summary: The caller as Referentiel (Référentiel Sujet) sees them
      responses:
        "200": {description: Identity, content: {application/json: {schema: {$ref: "#/components/schemas/WhoAmI"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "503": {$ref: "#/components/responses/Problem"}
  /api/correction/me:
    get:
      summary: The caller as Correction (Santorin) sees them
      responses:
        "200": {description: Identity, content: {application/json: {schema: {$ref: "#/components/schemas/WhoAmI"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "503": {$ref: "#/components/responses/Problem"}
  /api/referentiel/epreuves:
    get:
      summary: The five practical exams
      responses:
        "200": {description: Exams, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {$ref: "#/components/schemas/Epreuve"}}}}}}}
        "401": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets:
    get:
      summary: Subjects, filtered and paginated (dsii, admin)
      parameters:
        - {name: epreuve, in: query, schema: {type: string}}
        - {name: session, in: query, schema: {type: integer}}
        - {name: statut, in: query, schema: {$ref: "#/components/schemas/StatutSujet"}}
        - {name: dominante, in: query, schema: {type: string}}
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - {name: perPage, in: query, schema: {type: integer, minimum: 1, maximum: 200}}
      responses:
        "200": {description: A page, content: {application/json: {schema: {$ref: "#/components/schemas/SujetPage"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    post:
      summary: Create a draft subject (dsii)
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/SujetInput"}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Sujet"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: A subject with its documents and barème versions (dsii, admin)
      responses:
        "200": {description: The subject, content: {application/json: {schema: {$ref: "#/components/schemas/Sujet"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
    put:
      summary: Update a draft subject (dsii)
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/SujetInput"}}}}
      responses:
        "200": {description: The subject, content: {application/json: {schema: {$ref: "#/components/schemas/Sujet"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets/{id}/bareme:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    put:
      summary: Save the draft barème (a validated version is never changed; the change becomes the next version)
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Bareme"}}}}
      responses:
        "200": {description: The draft version, content: {application/json: {schema: {$ref: "#/components/schemas/BaremeVersion"}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/referentiel/baremes/verification:
    post:
      summary: Check a barème without storing it (every violation at once; the editor's live validation)
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Bareme"}}}}
      responses:
        "200":
          description: The verdict
          content:
            application/json:
              schema:
                type: object
                required: [valide, sommePoids, violations]
                properties:
                  valide: {type: boolean}
                  sommePoids: {type: integer}
                  violations: {type: array, items: {type: object, properties: {field: {type: string}, reason: {type: string}}}}
        "400": {$ref: "#/components/responses/Problem"}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets/{id}/documents/{nature}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
      - {name: nature, in: path, required: true, schema: {type: string, enum: [sujet, examinateur]}}
    put:
      summary: Upload the subject document or the examiner document (PDF, 20 MB at most; dsii)
      parameters: [{name: nom, in: query, schema: {type: string, maxLength: 200}}]
      requestBody: {required: true, content: {application/pdf: {schema: {type: string, format: binary}}}}
      responses:
        "200": {description: The subject, content: {application/json: {schema: {$ref: "#/components/schemas/Sujet"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "413": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
    get:
      summary: >-
        Download a document: dsii and admin always; the centre, examiners and coordinators a published subject's
        from its visibleFrom only (403 before; 404 for a draft or withdrawn subject)
      responses:
        "200": {description: The PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets/{id}/materiel:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    get:
      summary: >-
        A subject's material list, to prepare the laboratory: dsii and admin always; the centre, examiners and
        coordinators a published subject's at any time (404 for a draft or withdrawn one), its title and
        documents only once visible
      responses:
        "200":
          description: The material list
          content:
            application/json:
              schema:
                type: object
                required: [id, epreuve, session, code, materiel, visible, documents]
                properties:
                  id: {type: string, format: uuid}
                  epreuve: {type: string}
                  session: {type: integer}
                  code: {type: string}
                  dominante: {type: [string, "null"]}
                  titre: {type: [string, "null"], description: "only once visible"}
                  materiel: {type: array, items: {type: string}}
                  visibleFrom: {type: [string, "null"], format: date-time}
                  visible: {type: boolean, description: "whether the caller may read the documents now"}
                  documents:
                    type: array
                    description: "empty until visible"
                    items:
                      type: object
                      properties: {nature: {type: string, enum: [sujet, examinateur]}, nom: {type: string}, taille: {type: integer}, sha256: {type: string}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets/{id}/validate:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Validate the draft (subject document and a valid barème required; the barème version is frozen)
      responses:
        "200": {description: Validated, content: {application/json: {schema: {$ref: "#/components/schemas/Sujet"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets/{id}/reopen:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Back to draft (validated, not published, subjects)
      responses:
        "200": {description: Draft again, content: {application/json: {schema: {$ref: "#/components/schemas/Sujet"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets/{id}/publish:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Publish a validated subject (emits sujet.published; content embargoed until visibleFrom)
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, required: [visibleFrom], properties: {visibleFrom: {type: string, format: date-time}}}}}
      responses:
        "200": {description: Published, content: {application/json: {schema: {$ref: "#/components/schemas/Sujet"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
        "422": {$ref: "#/components/responses/Problem"}
  /api/referentiel/sujets/{id}/withdraw:
    parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
    post:
      summary: Withdraw a subject (emits sujet.withdrawn; its barème versions are kept)
      responses:
        "200": {description: Withdrawn, content: {application/json: {schema: {$ref: "#/components/schemas/Sujet"}}}}
        "401": {$ref: "#/components/responses/Problem"}
        "403": {$ref: "#/components/responses/Problem"}
        "404": {$ref: "#/components/responses/Problem"}
        "409": {$ref: "#/components/responses/Problem"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT (EdDSA), description: "Access token, 15 minutes at most"}
  responses:
    Problem:
      description: An error (RFC 9457)
      content: {application/problem+json: {schema: {$ref: "#/components/schemas/Problem"}}}
  schemas:
    Problem:
      type: object
      required: [type, title, status]
      properties:
        type: {type: string}
        title: {type: string}
        status: {type: integer}
        detail: {type: string}
        errors:
          type: array
          items:
            type: object
            required: [field, reason]
            properties: {field: {type: string}, reason: {type: string}, line: {type: integer}}
    Health:
      type: object
      required: [status, service, database, broker]
      properties:
        status: {type: string, enum: [up, down]}
        service: {type: string}
        database: {type: string, enum: [up, down]}
        broker: {type: string, enum: [up, down]}
    Role:
      type: string
      enum: [dsii, gestionnaire, etablissement, centre, examinateur, coordinateur, referent, admin]
    Scope:
      type: string
      description: "national, academie:<code> or uai:<UAI>"
      pattern: "^(national|academie:[A-Za-z0-9]{1,16}|uai:[A-Za-z0-9]{1,16})$"
    LoginRequest:
      type: object
      required: [login, password]
      properties:
        login: {type: string, minLength: 1, maxLength: 128}
        password: {type: string, maxLength: 128}
    RefreshRequest:
      type: object
      required: [refreshToken]
      properties: {refreshToken: {type: string}}
    ActivateRequest:
      type: object
      required: [login, activationCode, password]
      properties:
        login: {type: string, maxLength: 128}
        activationCode: {type: string, maxLength: 128}
        password: {type: string, minLength: 12, maxLength: 128}
    Compte:
      type: object
      required: [id, login, nom, role, scope, etat]
      properties:
        id: {type: string, format: uuid}
        login: {type: string}
        nom: {type: string}
        role: {$ref: "#/components/schemas/Role"}
        scope: {$ref: "#/components/schemas/Scope"}
        email: {type: [string, "null"]}
        academie: {type: [string, "null"], description: the académie whose gestionnaire keeps the account}
        etat: {type: string, enum: [actif, en_attente, desactive], description: en_attente until the owner chooses a password}
        derniereConnexion: {type: [string, "null"], format: date-time}
        avis: {type: string, description: where the link went (creation)}
    Avis:
      type: object
      required: [avis]
      properties:
        avis: {type: string}
    User:
      type: object
      required: [id, login, displayName, role, scope]
      properties:
        id: {type: string, format: uuid}
        login: {type: string}
        displayName: {type: string}
        role: {$ref: "#/components/schemas/Role"}
        scope: {$ref: "#/components/schemas/Scope"}
    TokenResponse:
      type: object
      required: [accessToken, tokenType, expiresIn, refreshToken, user]
      properties:
        accessToken: {type: string}
        tokenType: {type: string, const: Bearer}
        expiresIn: {type: integer, description: seconds}
        refreshToken: {type: string}
        user: {$ref: "#/components/schemas/User"}
    Epreuve:
      type: object
      properties:
        code: {type: string}
        libelle: {type: string}
        filiere: {type: string, enum: [BCG, BTN]}
        dureeMinutes: {type: integer}
        dominantes: {type: array, items: {type: string}}
    StatutSujet: {type: string, enum: [brouillon, valide, publie, retire]}
    SujetInput:
      type: object
      required: [epreuve, session, code, titre]
      properties:
        epreuve: {type: string, enum: [T011B, T012B, T010B, T029B, T030B]}
        session: {type: integer, minimum: 2020, maximum: 2100}
        code: {type: string, pattern: "^[A-Za-z0-9._-]{1,32}$"}
        titre: {type: string, minLength: 1, maxLength: 200}
        dominante: {type: [string, "null"], description: "physique or chimie for T011B and T030B"}
        materiel: {type: array, maxItems: 100, items: {type: string, maxLength: 200}}
    Sujet:
      type: object
      properties:
        id: {type: string, format: uuid}
        epreuve: {type: string}
        session: {type: integer}
        code: {type: string}
        titre: {type: string}
        dominante: {type: [string, "null"]}
        materiel: {type: array, items: {type: string}}
        statut: {$ref: "#/components/schemas/StatutSujet"}
        visibleFrom: {type: [string, "null"], format: date-time}
        documents:
          type: array
          items:
            type: object
            properties: {nature: {type: string, enum: [sujet, examinateur]}, nom: {type: string}, taille: {type: integer}, sha256: {type: string}}
        baremes: {type: array, items: {$ref: "#/components/schemas/BaremeVersion"}}
    SujetPage:
      type: object
      properties:
        items: {type: array, items: {$ref: "#/components/schemas/Sujet"}}
        page: {type: integer}
        perPage: {type: integer}
        total: {type: integer}
    Bareme:
      type: object
      required: [criteres]
      description: "Weights sum to exactly 20; level values within [0, 1], not increasing from A to D"
      properties:
        criteres:
          type: array
          items:
            type: object
            required: [code, libelle, poids, echelle]
            properties:
              code: {type: string, maxLength: 16}
              libelle: {type: string, maxLength: 200}
              partie: {type: [string, "null"]}
              poids: {type: integer, minimum: 1, maximum: 20}
              echelle:
                type: object
                required: [type]
                properties:
                  type: {type: string, enum: [niveaux, points]}
                  valeurs:
                    type: object
                    description: "Fractions as strings, e.g. {\"A\":\"1\",\"B\":\"2/3\",\"C\":\"1/3\",\"D\":\"0\"}"
        appels:
          type: array
          items: {type: object, required: [code, libelle], properties: {code: {type: string}, libelle: {type: string}}}
        plafonds:
          type: object
          properties:
            mineure: {type: string, enum: [A, B, C, D]}
            majeure: {type: string, enum: [A, B, C, D]}
            solution: {type: string, enum: [A, B, C, D]}
    BaremeVersion:
      type: object
      properties:
        version: {type: integer}
        valide: {type: boolean}
        validatedAt: {type: [string, "null"], format: date-time}
        bareme: {$ref: "#/components/schemas/Bareme"}
    Etablissement:
      type: object
      properties:
        uai: {type: string, pattern: "^[0-9]{7}[A-Z]$"}
        nom: {type: string}
        academie: {type: string}
        commune: {type: string}
        autonome: {type: boolean}
        centre:
          type: [object, "null"]
          properties: {capaciteDemiJournee: {type: integer}, epreuves: {type: array, items: {type: string}}}
    Academie:
      type: object
      properties: {code: {type: string}, nom: {type: string}, nature: {type: string, enum: [academie, regroupement]}}
    CentreDEpreuve:
      type: object
      required: [capaciteDemiJournee, demiJournees, epreuves, salles]
      properties:
        capaciteDemiJournee: {type: integer, minimum: 1, maximum: 1000}
        demiJournees: {type: integer, minimum: 1, maximum: 40}
        epreuves: {type: array, items: {type: string, enum: [T011B, T012B, T010B, T029B, T030B]}}
        salles: {type: array, maxItems: 100, items: {type: string, minLength: 1, maxLength: 60}}
    FicheEtablissement:
      type: object
      properties:
        etablissement:
          type: object
          properties:
            uai: {type: string, pattern: "^[0-9]{7}[A-Z]$"}
            nom: {type: string}
            commune: {type: string}
            academie: {type: string}
            autonome: {type: boolean}
            latitude: {type: [number, "null"]}
            longitude: {type: [number, "null"]}
        centre:
          oneOf: [{type: "null"}, {$ref: "#/components/schemas/CentreDEpreuve"}]
    AnnuaireReport:
      type: object
      properties:
        lignes: {type: integer}
        crees: {type: integer}
        modifies: {type: integer}
        inchanges: {type: integer}
        encodage: {type: string, enum: [UTF-8, Windows-1252]}
        separateur: {type: string}
        nombreErreurs: {type: integer}
        erreurs:
          type: array
          items: {type: object, properties: {line: {type: integer}, column: {type: string}, reason: {type: string}}}
    ImportReport:
      type: object
      properties:
        lignes: {type: integer}
        candidats: {type: integer}
        inscriptions: {type: integer}
        encodage: {type: string, enum: [UTF-8, Windows-1252]}
        separateur: {type: string}
        nombreErreurs: {type: integer}
        erreurs:
          type: array
          items: {type: object, properties: {line: {type: integer}, column: {type: string}, reason: {type: string}}}
    Sessions:
      type: object
      properties: {items: {type: array, items: {type: object, properties: {annee: {type: integer}, etat: {type: string}}}}}
    CandidatPage:
      type: object
      properties:
        page: {type: integer}
        perPage: {type: integer}
        total: {type: integer}
        items: {type: array, items: {$ref: "#/components/schemas/Candidat"}}
    Candidat:
      type: object
      properties:
        id: {type: string, format: uuid}
        numero: {type: string}
        nom: {type: string}
        prenoms: {type: string}
        naissance: {type: string, format: date}
        categorie: {type: string, enum: [scolaire, individuel, cned, morea]}
        uai: {type: [string, "null"]}
        division: {type: [string, "null"]}
        filiere: {type: string, enum: [BCG, BTN]}
        epreuves: {type: array, items: {type: string}}
        centres: {type: array, items: {type: string}, description: "the centre each of epreuves is assigned to, empty while unassigned"}
        statuts: {type: array, items: {type: string, enum: [inscrit, dispense, absent_justifie, absent_injustifie, note]}, description: "each registration's status"}
    Delegation:
      type: object
      required: [epreuve, uai]
      properties: {epreuve: {type: string}, uai: {type: string}}
    Delegations:
      type: object
      properties: {items: {type: array, items: {$ref: "#/components/schemas/Delegation"}}}
    Personne:
      type: object
      required: [login, nom, prenom]
      properties:
        login: {type: string, maxLength: 128}
        nom: {type: string, maxLength: 100}
        prenom: {type: string, maxLength: 100}
        email: {type: [string, "null"], maxLength: 200}
        uai: {type: [string, "null"]}
        divisions: {type: [array, "null"], maxItems: 50, items: {type: string, maxLength: 20}, description: "divisions taught this year (conflicts of interest)"}
        discipline: {type: [string, "null"], maxLength: 100}
    Designation:
      type: object
      properties:
        id: {type: string, format: uuid}
        role: {type: string, enum: [examinateur, coordinateur]}
        epreuve: {type: string}
        centre: {type: [string, "null"]}
        intervenant: {type: object, properties: {id: {type: string, format: uuid}, login: {type: string}, nom: {type: string}, prenom: {type: string}, email: {type: [string, "null"]}, uai: {type: [string, "null"]}}}
    TypeMission:
      type: object
      required: [code, libelle, kind, remuneration]
      properties: {code: {type: string}, libelle: {type: string}, kind: {type: string, enum: [examinateur, coordinateur]}, remuneration: {type: string, description: "code of its pay type"}}
    TypeRemuneration:
      type: object
      required: [code, libelle, mode, montantCentimes, missions]
      properties:
        code: {type: string}
        libelle: {type: string}
        mode: {type: string, enum: [par_candidat, forfait]}
        montantCentimes: {type: integer, minimum: 0}
        missions: {type: array, items: {type: string, enum: [examinateur, coordinateur]}}
    Reglementation:
      type: object
      required: [typesMission, typesRemuneration]
      properties:
        typesMission: {type: array, items: {$ref: "#/components/schemas/TypeMission"}}
        typesRemuneration: {type: array, items: {$ref: "#/components/schemas/TypeRemuneration"}}
    ReglementationVersion:
      type: object
      properties: {session: {type: integer}, version: {type: integer}, chargeeLe: {type: string, format: date-time}, reglementation: {$ref: "#/components/schemas/Reglementation"}}
    ParametresSession:
      type: object
      properties:
        session: {type: integer}
        academie: {type: string}
        dateDebut: {type: string, format: date}
        dateFin: {type: string, format: date}
        observations: {type: string}
        typeMissionExaminateur: {type: string}
        typeMissionCoordinateur: {type: string}
        reglementationVersion: {type: integer}
        ouverteLe: {type: [string, "null"], format: date-time}
        rafraichieLe: {type: [string, "null"], format: date-time}
    Mission:
      type: object
      properties:
        id: {type: string, format: uuid}
        session: {type: integer}
        academie: {type: string}
        epreuve: {type: string}
        kind: {type: string, enum: [examinateur, coordinateur]}
        centre: {type: [string, "null"], description: "the centre d'épreuve; null for the académie's Santorin centre"}
        typeMission: {type: string}
        dateDebut: {type: string, format: date}
        dateFin: {type: string, format: date}
        observations: {type: string}
        active: {type: boolean, description: "false once nobody is exported for it any more"}
        reglementationVersion: {type: integer}
    MissionDetail:
      type: object
      properties:
        mission: {$ref: "#/components/schemas/Mission"}
        intervenants:
          type: array
          items: {type: object, properties: {id: {type: string, format: uuid}, login: {type: string}, nom: {type: string}, prenom: {type: string}, uai: {type: [string, "null"]}, convocationId: {type: [string, "null"], format: uuid}, exporte: {type: boolean, description: in Cyclades' export for the mission}, designePar: {type: [string, "null"], description: "authority that designated them (academie:<code> or uai:<UAI>)"}, convoquePar: {type: [string, "null"], description: authority that issued the active convocation}, convocable: {type: boolean, description: the caller may convoke them}, lisible: {type: boolean, description: the caller may read their convocation}, annulable: {type: boolean, description: the caller may cancel their convocation}}}
    Convoked:
      type: object
      properties: {id: {type: string, format: uuid}, impression: {type: string}, courriel: {type: [string, "null"], description: "where the person's copy (PDF and activation code) is mailed; null without an address"}, avis: {type: [string, "null"], description: "what the issuer is told (mailed, or to hand over the printed copy)"}}
    Convocation:
      type: object
      properties:
        id: {type: string, format: uuid}
        statut: {type: string, enum: [emise, annulee]}
        mission: {$ref: "#/components/schemas/Mission"}
        intervenant: {type: object, properties: {id: {type: string, format: uuid}, login: {type: string}, nom: {type: string}, prenom: {type: string}}}
        emiseLe: {type: string, format: date-time}
        annuleeLe: {type: [string, "null"], format: date-time}
        motifAnnulation: {type: [string, "null"]}
        autorite: {type: string, description: "who issued it: academie:<code> or uai:<UAI>"}
    ServiceFait:
      type: object
      properties:
        missionId: {type: string, format: uuid}
        epreuve: {type: string}
        kind: {type: string, enum: [examinateur, coordinateur]}
        role: {type: string, enum: [examinateur, coordinateur], description: "the work paid (second readers to come)"}
        centres: {type: array, items: {type: string}, description: "the centres whose closings reported this work"}
        intervenantId: {type: string, format: uuid}
        login: {type: [string, "null"]}
        nom: {type: [string, "null"]}
        prenom: {type: [string, "null"]}
        candidatsEvalues: {type: integer}
        typeRemuneration: {type: string}
        montantCentimes: {type: integer, description: "priced by the mission's pay type"}
    Created:
      type: object
      properties: {id: {type: string, format: uuid}}
    SecondeLecture:
      type: object
      properties:
        id: {type: string, format: uuid}
        ficheId: {type: string, format: uuid}
        numero: {type: string}
        nom: {type: string}
        prenoms: {type: string}
        origine: {type: string, enum: [choix, echantillon]}
        demandeePar: {type: string}
        demandeeLe: {type: string, format: date-time}
        premierExaminateur: {type: string}
        lecteur: {type: string}
        statut: {type: string, enum: [demandee, lue, tranchee]}
        notePremiere: {type: integer, description: half points}
        noteSeconde: {type: [integer, "null"]}
        ecart: {type: [integer, "null"], description: "half points between the two marks"}
        signalee: {type: boolean, description: "gap of 2 points or more, or a criterion 2 levels apart"}
        choix: {type: [string, "null"], enum: [premiere, seconde, autre, null]}
        noteRetenue: {type: [integer, "null"]}
        motif: {type: [string, "null"]}
        trancheePar: {type: [string, "null"]}
        trancheeLe: {type: [string, "null"], format: date-time}
    Recorrection:
      type: object
      properties:
        id: {type: string, format: uuid}
        ficheId: {type: string, format: uuid}
        session: {type: integer}
        epreuve: {type: string}
        centre: {type: string}
        numero: {type: string}
        nom: {type: string}
        prenoms: {type: string}
        motif: {type: string}
        demandeePar: {type: string}
        demandeeLe: {type: string, format: date-time}
        etat: {type: string, enum: [ouverte, faite]}
        faitePar: {type: [string, "null"]}
        faiteLe: {type: [string, "null"], format: date-time}
        noteAvant: {type: [integer, "null"], description: "in half points"}
        noteApres: {type: [integer, "null"], description: "in half points"}
    Motif:
      type: object
      required: [motif]
      properties: {motif: {type: string, minLength: 1, maxLength: 1000}}
    FichesRequest:
      type: object
      required: [fiches]
      properties: {fiches: {type: array, items: {type: string, format: uuid}, minItems: 1, maxItems: 5000}}
    CommissionVue:
      type: object
      properties:
        commission: {type: object, properties: {session: {type: integer}, epreuve: {type: string}, centre: {type: string}, academie: {type: string}, etat: {type: string, enum: [ouverte, close]}}}
        groupes: {type: array, items: {type: object, properties: {id: {type: string, format: uuid}, nom: {type: string}, membres: {type: array, items: {type: string, format: uuid}}, verrouille: {type: boolean}, candidats: {type: integer}, notes: {type: integer}, absents: {type: integer}}}}
        creneaux: {type: array, items: {type: object, properties: {id: {type: string, format: uuid}, jour: {type: string, format: date}, demiJournee: {type: string}, sujets: {type: array, items: {type: string, format: uuid}}, choix: {type: boolean}, candidats: {type: integer}, capacite: {type: integer, description: "4 per examiner of the groups"}}}}
        candidats: {type: integer}
        nonDistribues: {type: integer}
    FicheResume:
      type: object
      properties:
        id: {type: string, format: uuid}
        candidatId: {type: string, format: uuid}
        numero: {type: string}
        nom: {type: string}
        prenoms: {type: string}
        division: {type: [string, "null"]}
        uaiOrigine: {type: [string, "null"]}
        groupeId: {type: [string, "null"], format: uuid}
        creneauId: {type: [string, "null"], format: uuid}
        statut: {type: string, enum: [a_noter, brouillon, notee, absent]}
        noteFinale: {type: [integer, "null"], description: "half points out of 20"}
        version: {type: integer}
    Grille:
      type: object
      properties:
        evaluations: {type: array, items: {type: object, required: [code, evaluation], properties: {code: {type: string}, evaluation: {type: object, description: '{"type":"niveau","niveau":"A"} or {"type":"points","demiPoints":7}'}}}}
        appels: {type: array, items: {type: object, required: [code, heure], properties: {code: {type: string}, heure: {type: string, format: date-time}}}}
        aides: {type: array, items: {type: object, required: [critere, aide, heure], properties: {critere: {type: string}, aide: {type: string, enum: [mineure, majeure, solution]}, heure: {type: string, format: date-time}}}}
        commentaires: {type: object, additionalProperties: {type: string, maxLength: 2000}}
        commentaire: {type: [string, "null"], maxLength: 2000}
    Enregistrement:
      type: object
      required: [version]
      properties:
        version: {type: integer, description: "the version read; a stale one gets 409 with the current sheet"}
        grille: {$ref: "#/components/schemas/Grille"}
        absence: {type: [string, "null"], enum: [injustifiee, justifiee, null]}
        finaliser: {type: boolean}
        noteFinale: {type: [integer, "null"], minimum: 0, maximum: 40, description: "override of the suggested mark, in half points"}
        motifAjustement: {type: [string, "null"]}
        saisieDifferee: {type: boolean}
    Fiche:
      type: object
      properties:
        id: {type: string, format: uuid}
        numero: {type: string}
        sujet: {type: [object, "null"]}
        bareme: {type: [object, "null"]}
        grille: {$ref: "#/components/schemas/Grille"}
        statut: {type: string, enum: [a_noter, brouillon, notee, absent]}
        noteSuggeree: {type: [integer, "null"]}
        noteFinale: {type: [integer, "null"]}
        manquants: {type: array, items: {type: string}}
        plafonds: {type: object, additionalProperties: {type: string, enum: [A, B, C, D]}}
        version: {type: integer}
    Serie:
      type: object
      properties:
        effectif: {type: integer}
        moyenne: {type: [number, "null"], description: "out of 20"}
        ecartType: {type: [number, "null"]}
        distribution: {type: array, items: {type: integer}, description: "marks per whole point, 0 to 20"}
    Statistiques:
      type: object
      properties:
        ensemble: {$ref: "#/components/schemas/Serie"}
        sujets: {type: array, items: {type: object, properties: {sujetId: {type: string, format: uuid}, code: {type: string}, serie: {$ref: "#/components/schemas/Serie"}, ecartALaMoyenne: {type: [number, "null"]}, niveaux: {type: object, additionalProperties: {type: object, additionalProperties: {type: integer}}}}}}
        centres: {type: array, items: {type: object, properties: {code: {type: string}, serie: {$ref: "#/components/schemas/Serie"}}}}
        academies: {type: array, items: {type: object, properties: {code: {type: string}, serie: {$ref: "#/components/schemas/Serie"}}}}
    ReferenceExaminateur:
      type: object
      properties:
        copies: {type: integer, description: "the examiner's sheets whose subject others graded too"}
        moyenne: {type: [number, "null"], description: "out of 20, the others' mean on the same subjects"}
        ecart: {type: [number, "null"], description: "the examiner's mean minus that reference"}
    MesureExaminateur:
      type: object
      properties:
        effectif: {type: integer}
        moyenne: {type: [number, "null"]}
        ecartType: {type: [number, "null"]}
        niveaux: {type: object, additionalProperties: {type: object, additionalProperties: {type: integer}}, description: "per criterion, sheets per level"}
        academie: {$ref: "#/components/schemas/ReferenceExaminateur"}
        national: {$ref: "#/components/schemas/ReferenceExaminateur"}
        z: {type: [number, "null"]}
        indicateur: {type: string, enum: [indulgent, severe, dans_la_norme, echantillon_insuffisant]}
    StatistiquesExaminateurs:
      type: object
      properties:
        epreuve: {type: string}
        methode: {type: string}
        effectifMinimum: {type: integer}
        seuil: {type: number}
        examinateurs: {type: array, items: {type: object, properties: {id: {type: string, format: uuid}, nom: {type: string}, mesure: {$ref: "#/components/schemas/MesureExaminateur"}}}}
        lots: {type: array, items: {type: object, properties: {id: {type: string, format: uuid}, nom: {type: string}, centre: {type: string}, mesure: {$ref: "#/components/schemas/MesureExaminateur"}}}}
    Fil:
      type: object
      properties:
        id: {type: string, format: uuid}
        session: {type: integer}
        epreuve: {type: string}
        academie: {type: string}
        centre: {type: [string, "null"]}
        titre: {type: string}
        creePar: {type: string}
        creeLe: {type: string, format: date-time}
        messages: {type: integer}
        nonLus: {type: integer}
    WhoAmI:
      type: object
      required: [userId, login, role, scope]
      properties:
        userId: {type: string, format: uuid}
        login: {type: string}
        role: {$ref: "#/components/schemas/Role"}
        scope: {$ref: "#/components/schemas/Scope"}
"""#
}
