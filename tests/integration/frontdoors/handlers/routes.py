"""Routes shared by every front door's handler: each door wraps them in its own powertools resolver."""

import base64
import hashlib
import json

from aws_lambda_powertools.event_handler import Response, content_types

PNG = b"\x89PNG\r\n\x1a\n\x00\xff\xfe"


def register(app):
    @app.get("/hello")
    def hello():
        event = app.current_event
        cookies = list(event.get("cookies") or [])
        if not cookies:
            header = event.headers.get("cookie") or event.headers.get("Cookie") or ""
            cookies = [part.strip() for part in header.split(";") if part.strip()]
        body = {
            "cookies": sorted(cookies),
            "who": event.headers.get("x-who") or event.headers.get("X-Who"),
            "q": event.get_query_string_value("q"),
            "tags": event.get_multi_value_query_string_values("tag")
            if hasattr(event, "get_multi_value_query_string_values")
            else None,
            "path": event.path,
        }
        return Response(
            200,
            content_types.APPLICATION_JSON,
            json.dumps(body),
            headers={"X-Multi": ["a", "b"]},
            cookies=["s=1", "t=2"],
        )

    @app.get("/empty")
    def empty():
        return Response(status_code=204, content_type=None, body=None)

    @app.get("/image")
    def image():
        return Response(200, "image/png", PNG)

    @app.post("/echo")
    def echo():
        event = app.current_event
        raw = event.body or ""
        data = base64.b64decode(raw) if event.is_base64_encoded else raw.encode()
        return {
            "base64": app.current_event.is_base64_encoded,
            "sha256": hashlib.sha256(data).hexdigest(),
        }

    @app.get("/boom")
    def boom():
        raise RuntimeError("the function failed")

    @app.get("/secure")
    def secure():
        context = app.current_event.raw_event["requestContext"]
        identity = context.get("identity") or (context.get("authorizer") or {}).get("iam") or {}
        return {"caller": identity.get("accessKey") or identity.get("userArn")}

    return app
