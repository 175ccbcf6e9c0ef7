"""Schemathesis hooks for scripts/hostile-test.sh: every error the platform answers is
application/problem+json (RFC 9457) with its status, and no answer is a server error."""
import schemathesis


@schemathesis.check
def problem_json(response, case):
    if response.status_code < 400:
        return None
    content_type = response.headers.get("Content-Type", "")
    assert content_type.startswith("application/problem+json"), (
        f"{response.status_code} answered as {content_type!r}, not application/problem+json")
    body = response.json()
    assert isinstance(body, dict) and body.get("status") == response.status_code and body.get("title"), (
        f"problem+json without title or matching status: {body!r}")
    return None


def _raw(value):
    """Generated bodies for the non-JSON media types: sent as they are (bytes) or as UTF-8."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    data = getattr(value, "data", None)  # schemathesis' Binary
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    return str(value).encode("utf-8", "surrogatepass")


class RawSerializer:
    def as_requests(self, context, value):
        return {"data": _raw(value)}

    def as_werkzeug(self, context, value):
        return {"data": _raw(value)}


schemathesis.serializer("text/csv")(RawSerializer)
schemathesis.serializer("application/pdf")(RawSerializer)
