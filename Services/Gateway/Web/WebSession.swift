import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// The web pages' session: the access token and the refresh token in two cookies, HttpOnly (no
/// script reads them), SameSite=Strict (no other site sends them), Secure unless served on
/// localhost. The proxy turns the access cookie into the `Authorization` header the services
/// expect, so the pages' scripts call the same API as every other client.
enum WebSession {
    static let access = "ece_jeton"
    static let refresh = "ece_renouvellement"

    static func cookies(_ request: Request) -> [String: String] {
        var result: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2 { result[pair[0]] = pair[1] }
            }
        }
        return result
    }

    static func setCookies(_ tokens: AuthController.TokenResponse, secure: Bool) -> [String] {
        [cookie(access, tokens.accessToken, maxAge: tokens.expiresIn, secure: secure),
         cookie(refresh, tokens.refreshToken, maxAge: 12 * 3600, secure: secure)]
    }

    static func append(_ cookies: [String], to headers: inout HTTPFields) {
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
    }

    static func clearCookies(secure: Bool) -> [String] {
        [cookie(access, "", maxAge: 0, secure: secure), cookie(refresh, "", maxAge: 0, secure: secure)]
    }

    private static func cookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
