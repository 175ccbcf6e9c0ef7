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
    through the gateway. Errors are application/problem+json (RFC 9457). Authenticate with
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
            properties: {field: {type: string}, reason: {type: string}}
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
