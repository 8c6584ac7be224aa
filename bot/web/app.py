"""The project's web app: the patients' chat page, the embeddable widget and its history.

Routes (contract §5, port ``WEB_PORT``):

``/chat``                    the chat, full size (the widget in ``full`` mode)
``/widget.js``               the one-tag embeddable widget; ``/static/...`` its assets
``/embed``                   how a website embeds the widget, with a live example
``/privacy``                 the privacy note the widget links to
``/chat/history/<id>``       a conversation's messages, for the widget after a reload
``/health``                  liveness for the launcher
``/console...``, ``/api/...``  the coordinators' console and JSON API (`bot.console.views`)

The same process works the notification outbox and imports spooled handoffs
(`bot.handoff`), in a background task.

The web app reads conversations from the Rasa HTTP API on loopback with the
server's token; the token never reaches a browser.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request

from bot.config import PROJECT_ROOT, ConsoleSettings, NotifySettings, Settings
from bot.console.views import register_console
from bot.handoff import spool
from bot.handoff.notifications import Dispatcher
from bot.handoff.requests import store_request
from bot.storage.db import UnitOfWork, default_session_factory
from bot.web.history import transcript
from bot.web.rasa import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"
CONSOLE_TEMPLATE_DIR = HERE.parent / "console" / "templates"
SOCKET_IO_CLIENT = PROJECT_ROOT / "web" / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
CONVERSATION_ID = re.compile(r"^[0-9a-f]{32}$")


def public_rasa_url(config: Settings, request: Request) -> str:
    """The socket.io server as a browser on this page can reach it."""
    if config.rasa_public_url:
        return config.rasa_public_url
    host = urlsplit(f"//{request.host}").hostname or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"{request.scheme}://{host}:{config.rasa_port}"


def content_security_policy(rasa_url: str) -> str:
    parts = urlsplit(rasa_url)
    websocket = ("wss" if parts.scheme == "https" else "ws") + f"://{parts.netloc}"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"connect-src 'self' {parts.scheme}://{parts.netloc} {websocket}",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def outbox_dispatcher(notify: NotifySettings, console_url: str):
    """The background loop: import spooled handoffs, then send the notifications that are due."""
    factory = default_session_factory()
    return Dispatcher(factory, notify,
                      before_dispatch=lambda: spool.replay(store_request, lambda: UnitOfWork(factory)))


def create_app(config: Settings, console: ConsoleSettings, notify: NotifySettings | None = None,
               name: str = "cik_web") -> Sanic:
    """The web app; with `notify`, it also works the notification outbox in the background."""
    app = Sanic(name)
    app.config.ACCESS_LOG = False
    templates = Environment(loader=FileSystemLoader([TEMPLATE_DIR, CONSOLE_TEMPLATE_DIR]),
                            autoescape=select_autoescape(["html"]))
    register_console(app, templates, console)

    def page(request: Request, template: str, **context) -> response.HTTPResponse:
        rasa_url = public_rasa_url(config, request)
        html = templates.get_template(template).render(
            rasa_url=rasa_url, team_contact=config.team_contact, **context)
        return response.html(html, headers={"Content-Security-Policy": content_security_policy(rasa_url)})

    @app.listener("before_server_start")
    async def open_client(app_: Sanic, _loop) -> None:
        app_.ctx.http = aiohttp.ClientSession()
        app_.ctx.rasa = RasaClient(config.rasa_url, config.rasa_api_token, app_.ctx.http)

    @app.listener("after_server_start")
    async def start_outbox(app_: Sanic, _loop) -> None:
        if notify is not None:
            app_.ctx.outbox = outbox_dispatcher(notify, console.public_url)
            app_.add_task(app_.ctx.outbox.run())

    @app.listener("before_server_stop")
    async def stop_outbox(app_: Sanic, _loop) -> None:
        if getattr(app_.ctx, "outbox", None) is not None:
            app_.ctx.outbox.stop()

    @app.listener("after_server_stop")
    async def close_client(app_: Sanic, _loop) -> None:
        await app_.ctx.http.close()

    @app.middleware("response")
    async def security_headers(_request: Request, resp: response.HTTPResponse) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")

    @app.get("/")
    async def index(_request: Request):
        return response.redirect("/chat")

    @app.get("/chat")
    async def chat(request: Request):
        return page(request, "chat.html")

    @app.get("/embed")
    async def embed(request: Request):
        return page(request, "embed.html", origin=f"{request.scheme}://{request.host}")

    @app.get("/privacy")
    async def privacy(request: Request):
        return page(request, "privacy.html")

    @app.get("/widget.js")
    async def widget(_request: Request):
        return await response.file(STATIC_DIR / "widget.js", mime_type="text/javascript",
                                   headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"})

    @app.get("/static/vendor/socket.io.min.js")
    async def socket_io_client(_request: Request):
        if not SOCKET_IO_CLIENT.exists():
            return response.text("socket.io-client is not installed: run `make run`", status=503)
        return await response.file(SOCKET_IO_CLIENT, mime_type="text/javascript",
                                   headers={"Access-Control-Allow-Origin": "*"})

    app.static("/static", str(STATIC_DIR))

    @app.get("/chat/history/<conversation_id:str>")
    async def history(request: Request, conversation_id: str):
        cors = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"}
        if not CONVERSATION_ID.match(conversation_id):
            return response.json({"error": "not a conversation id"}, status=400, headers=cors)
        try:
            events = await request.app.ctx.rasa.events(conversation_id)
        except RasaUnavailable as exc:
            logger.warning("history of %s unavailable: %s", conversation_id, exc)
            return response.json({"error": "the assistant is not reachable right now"}, status=503,
                                 headers=cors)
        return response.json({"conversation_id": conversation_id, "messages": transcript(events)},
                             headers=cors)

    @app.get("/health")
    async def health(_request: Request):
        return response.json({"status": "ok"})

    return app
