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

    static func setCookies(_ tokens: Authentification.TokenResponse, secure: Bool) -> [Cookie] {
        [cookie(access, tokens.accessToken, maxAge: tokens.expiresIn, secure: secure),
         cookie(refresh, tokens.refreshToken, maxAge: 12 * 3600, secure: secure)]
    }

    static func append(_ cookies: [Cookie], to headers: inout HTTPFields) {
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie.description)) }
    }

    /// The message a redirect leaves for the page it leads to (« Lot verrouillé », a refusal). In a
    /// cookie of this site, not in the address: any link could put its own words into an address
    /// and have the platform's page show them (a message naming a number to call).
    static let message = "ece_message"

    static func messageCookie(_ text: String, secure: Bool) -> Cookie {
        cookie(message, Data(String(text.prefix(1_000)).utf8).base64EncodedString(), maxAge: 300, secure: secure)
    }

    static func messageLu(_ request: Request) -> String? {
        request.cookies[message].flatMap { Data(base64Encoded: $0.value) }.flatMap { String(data: $0, encoding: .utf8) }
    }

    /// Sent with the page that showed the message, so it is shown once.
    static func messageEfface(secure: Bool) -> Cookie { cookie(message, "", maxAge: 0, secure: secure) }

    static func clearCookies(secure: Bool) -> [Cookie] {
        [cookie(access, "", maxAge: 0, secure: secure), cookie(refresh, "", maxAge: 0, secure: secure)]
    }

    private static func cookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
