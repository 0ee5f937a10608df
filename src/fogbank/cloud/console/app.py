"""The console's WSGI application: one route per page, server-side templates, JSON for charts and invokes.

Every page reads through `CloudReader` (the cloud's public APIs). `?fragment=1` returns only the part of a
page that changes, which the page's script polls for live updates.

Example (the redirect and the origin guard read nothing, so no cloud is needed):
    >>> from werkzeug.test import Client
    >>> console = Client(ConsoleApp(CloudReader("http://127.0.0.1:4566", "us-east-1"), port=4580))
    >>> console.get("/", headers={"Host": "127.0.0.1:4580"}).headers["Location"]
    '/_fogbank/console/stacks'
    >>> console.get("/", headers={"Host": "evil.example:4580"}).get_data(as_text=True)  # DNS rebinding
    "fogbank console: host 'evil.example:4580' is not this console; open it at http://127.0.0.1:4580/\\n"
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from jinja2 import ChoiceLoader, Environment, PackageLoader
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from fogbank.cloud.console.guard import refusal
from fogbank.cloud.console.reader import CloudReader
from fogbank.report.html import environment as report_environment

__all__ = ["CONSOLE_PATH", "ConsoleApp"]

CONSOLE_PATH = "/_fogbank/console"
_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_MINUTES = (5, 15, 60, 180, 1440)

Page = Callable[..., Response]


class ConsoleApp:
    """Routes, the origin guard, and rendering."""

    def __init__(self, reader: CloudReader, port: int, endpoint: str = "") -> None:
        self.reader = reader
        self.port = port
        self.endpoint = endpoint
        base = report_environment()
        self.templates = Environment(
            loader=ChoiceLoader([PackageLoader("fogbank.cloud.console", "templates"), base.loader]),  # type: ignore[list-item]
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters.update(base.filters)
        self.templates.globals.update(base.globals)
        from fogbank.cloud.console import views

        self.views = views
        p = CONSOLE_PATH
        self.routes = Map(
            [
                Rule("/", endpoint="home"),
                Rule(f"{p}/", endpoint="home"),
                Rule(f"{p}/stacks", endpoint="stacks"),
                Rule(f"{p}/stacks/<name>", endpoint="stack"),
                Rule(f"{p}/functions", endpoint="functions"),
                Rule(f"{p}/functions/<name>", endpoint="function"),
                Rule(f"{p}/functions/<name>/invoke", endpoint="invoke", methods=["POST"]),
                Rule(f"{p}/logs", endpoint="logs"),
                Rule(f"{p}/traces", endpoint="traces"),
                Rule(f"{p}/traces/<trace_id>", endpoint="trace"),
                Rule(f"{p}/metrics", endpoint="metrics"),
                Rule(f"{p}/api/metric", endpoint="metric_series"),
                Rule(f"{p}/static/<path:path>", endpoint="static"),
            ]
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        for key, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        reason = refusal(request, self.port)
        if reason is not None:
            return Response(f"fogbank console: {reason}\n", status=403, mimetype="text/plain")
        adapter = self.routes.bind_to_environ(request.environ)
        try:
            endpoint, arguments = adapter.match()
            if endpoint == "home":
                return redirect(f"{CONSOLE_PATH}/stacks")
            if endpoint == "static":
                return self.static(str(arguments["path"]))
            page: Page = getattr(self.views, endpoint)
            return page(self, request, **arguments)
        except HTTPException as exc:
            return exc.get_response()

    # -- helpers for the views ----------------------------------------------------------------------------
    def render(
        self, request: Request, template: str, *, title: str, section: str, **context: Any
    ) -> Response:
        fragment = request.args.get("fragment") == "1"
        html = self.templates.get_template(template).render(
            base=CONSOLE_PATH,
            title=title,
            section=section,
            fragment=fragment,
            endpoint=self.endpoint,
            minutes_choices=_MINUTES,
            **context,
        )
        return Response(html, mimetype="text/html")

    def error_page(self, request: Request, section: str, exc: Exception) -> Response:
        return self.render(request, "error.html.j2", title="error", section=section, message=aws_message(exc))

    def static(self, path: str) -> Response:
        if ".." in path.split("/"):
            raise NotFound()
        resource = resources.files("fogbank.cloud.console").joinpath("static", *path.split("/"))
        suffix = "." + path.rsplit(".", 1)[-1]
        if not resource.is_file() or suffix not in _STATIC_TYPES:
            raise NotFound()
        response = Response(resource.read_bytes(), mimetype=_STATIC_TYPES[suffix])
        response.headers["Cache-Control"] = "max-age=3600"
        return response


def aws_message(exc: Exception) -> str:
    """An AWS error as `Code: message`, as the cloud answered it."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'Error')}: {error.get('Message', str(exc))}"
    if isinstance(exc, BotoCoreError):
        return f"the cloud did not answer: {exc}"
    return str(exc)


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, default=str), status=status, mimetype="application/json")
