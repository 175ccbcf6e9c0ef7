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

    static func setCookies(_ tokens: AuthController.TokenResponse, secure: Bool) -> [Cookie] {
        [cookie(access, tokens.accessToken, maxAge: tokens.expiresIn, secure: secure),
         cookie(refresh, tokens.refreshToken, maxAge: 12 * 3600, secure: secure)]
    }

    static func append(_ cookies: [Cookie], to headers: inout HTTPFields) {
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie.description)) }
    }

    static func clearCookies(secure: Bool) -> [Cookie] {
        [cookie(access, "", maxAge: 0, secure: secure), cookie(refresh, "", maxAge: 0, secure: secure)]
    }

    private static func cookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
