"""The console's pages (/console...) and its JSON API (/api/handoffs...).

Pages need a signed-in coordinator (cookie session, CSRF token on every form);
the API needs ``Authorization: Bearer <CONSOLE_API_TOKEN>``. Every view and
change of a case is written to the audit log. Patient text is shown through
Jinja's autoescaping only: nothing a patient wrote is ever markup.

The database calls are short synchronous units of work (SQLAlchemy 1.4); the
Rasa calls are asynchronous (`bot.web.rasa`).
"""
from __future__ import annotations

import logging
import secrets
from collections import OrderedDict
from datetime import datetime
from typing import Any, Callable, Optional
from urllib.parse import quote

from jinja2 import Environment
from sanic import Blueprint, response
from sanic.request import Request

from bot.config import ConsoleSettings
from bot.console import auth
from bot.handoff import service
from bot.handoff.service import HandoffError
from bot.storage.db import UnitOfWork
from bot.storage.models import CLOSED, HANDOFF_STATUSES, Coordinator, utcnow
from bot.web.history import transcript
from bot.web.rasa import RasaUnavailable

log = logging.getLogger(__name__)

SESSION_COOKIE = "cik_console"
LOGIN_CSRF_COOKIE = "cik_login_csrf"
FILTERS = {"active": service.ACTIVE, "all": HANDOFF_STATUSES, **{s: (s,) for s in HANDOFF_STATUSES}}
REASONS = {
    "intake_complete": "Finished the case questions",
    "patient_request": "Asked to talk to a person",
    "not_understood": "Assistant could not understand twice",
    "red_flag": "Red flag (possible emergency)",
}
# Largest id SQLite and PostgreSQL store; bigger numbers in a URL are simply "not found".
MAX_ID = 2 ** 63 - 1
# What the case page says after a change (fixed texts: nothing from the URL is shown).
DONE = {
    "claimed": "You have the conversation; the assistant is quiet.",
    "claimed_again": "The conversation is already yours.",
    "closed": "Closed; the assistant answers the patient again.",
    "closed_quietly": "Closed. The patient had not been told that anyone joined, so nothing was sent.",
    "replied": "Reply sent.",
    "noted": "Note added.",
    "not_emergency": "Marked as not an emergency. Thank you: this is counted to measure the red-flag net.",
}
# How the console names each red-flag category (bot/safety/categories.yml).
RED_FLAG_LABELS = {
    "bleeding": "Coughing or vomiting blood, bleeding", "breathlessness": "Breathlessness",
    "chest_pain": "Chest pain", "collapse": "Collapse, fainting, unresponsive",
    "confusion": "New confusion or drowsiness", "seizure": "Seizure",
    "neutropenic_sepsis": "Fever or rigors during treatment (possible neutropenic sepsis)",
    "stroke": "Stroke signs", "spinal_cord_compression": "Possible spinal cord compression",
    "svco": "Possible superior vena cava obstruction", "hypercalcaemia": "Possible hypercalcaemia",
    "severe_diarrhoea": "Severe diarrhoea", "infusion_reaction": "Infusion or allergic reaction",
    "opioid_toxicity": "Possible opioid toxicity", "self_harm": "Thoughts of suicide or self-harm",
}
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# How a specialist centre reads a referral: diagnosis first, contact last.
SUMMARY_GROUPS = (
    ("Diagnosis and histology", ("diagnosis", "histology")),
    ("Stage", ("stage",)),
    ("Treatment history and setting", ("setting",)),
    ("Molecular profile", ("egfr", "alk", "pdl1")),
    ("Performance status", ("ecog",)),
    ("Age", ("age",)),
    ("Country", ("country",)),
    ("Contact", ("contact_name", "contact_email", "contact_phone")),
    ("Who is writing", ("respondent",)),
)
LABELS = {"egfr": "EGFR", "alk": "ALK", "pdl1": "PD-L1", "ecog": "ECOG", "contact_name": "Name",
          "contact_email": "Email", "contact_phone": "Phone"}


def humanize(value: Any) -> str:
    if value is None:
        return "not given"
    if isinstance(value, (list, tuple)):  # the treatment list: "first line chemotherapy, immunotherapy"
        return ", ".join(humanize(item) for item in value) or "not given"
    return str(value).replace("_", " ")


def ago(moment: Optional[datetime], now: Optional[datetime] = None) -> str:
    if moment is None:
        return ""
    minutes = int(((now or utcnow()) - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"


def summary_groups(profile: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for title, fields in SUMMARY_GROUPS:
        rows = [(LABELS.get(f, f.replace("_", " ").capitalize()), humanize(profile[f]))
                for f in fields if f in profile]
        groups.append((title, rows))
    return groups


def _no_store(resp: response.HTTPResponse) -> response.HTTPResponse:
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Content-Security-Policy"] = PAGE_POLICY
    return resp


def register_console(app, templates: Environment, settings: ConsoleSettings,
                     uow_factory: Callable[[], UnitOfWork] = UnitOfWork) -> None:
    """Add the console pages and the JSON API to the web app."""
    pages = Blueprint("console", url_prefix="/console")
    sent_replies: OrderedDict[str, None] = OrderedDict()  # reply form ids already sent (double clicks)
    api = Blueprint("console_api", url_prefix="/api")
    templates.filters["humanize"] = humanize
    templates.filters["ago"] = ago

    def render(template: str, status: int = 200, **context) -> response.HTTPResponse:
        html = templates.get_template(template).render(reasons=REASONS, **context)
        return _no_store(response.html(html, status=status))

    def signed_in(request: Request) -> Optional[auth.SignedIn]:
        with uow_factory() as uow:
            return auth.session_user(uow, request.cookies.get(SESSION_COOKIE), settings)

    if settings.proxies:
        app.config.PROXIES_COUNT = settings.proxies

    def to_login(request: Request) -> response.HTTPResponse:
        """Back to sign-in, then to where the coordinator was going (a console path only)."""
        target = request.path if request.method == "GET" and request.path.startswith("/console/") else ""
        resp = response.redirect("/console/login" + (f"?next={_quote(target)}" if target else ""))
        if request.cookies.get(SESSION_COOKIE):
            resp.cookies[SESSION_COOKIE] = ""
            resp.cookies[SESSION_COOKIE]["max-age"] = 0
            resp.cookies[SESSION_COOKIE]["path"] = "/"
        return resp

    def form_ok(request: Request, user: auth.SignedIn) -> bool:
        return auth.csrf_ok(user.csrf_token, request.form.get("csrf_token"))

    def coordinator(uow: UnitOfWork, user: auth.SignedIn) -> Coordinator:
        return uow.session.get(Coordinator, user.user_id)

    # ----- sign-in -----------------------------------------------------------

    @pages.get("/login")
    async def login_page(request: Request):
        token = secrets.token_urlsafe(24)
        expired = "The form expired. Please sign in again." if request.args.get("expired") else None
        resp = render("console/login.html", csrf_token=token, error=expired,
                      next=_safe_next(request.args.get("next")))
        _set_cookie(resp, LOGIN_CSRF_COOKIE, token, settings, path="/console/login", max_age=3600)
        return resp

    @pages.post("/login")
    async def login(request: Request):
        expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
        if not auth.same_secret(expected, request.form.get("csrf_token")):
            return response.redirect("/console/login?expired=1")  # a fresh form and cookie
        username = (request.form.get("username") or "").strip()
        target = _safe_next(request.form.get("next"))
        ip = _client_ip(request)
        try:
            with uow_factory() as uow:
                user = auth.authenticate(uow, username, request.form.get("password") or "", ip, settings)
                if user is None:
                    service.audit(uow, username.lower()[:64] or "-", "login_failed", ip=ip)
                    token = csrf = None
                else:
                    token, csrf = auth.start_session(uow, user, settings)
                    service.audit(uow, user.username, "login", ip=ip)
        except auth.TooManyAttempts as exc:
            resp = render("console/login.html", status=429, csrf_token=expected, error=str(exc), next=target)
            resp.headers["Retry-After"] = str(exc.retry_after)
            return resp
        if token is None:
            return render("console/login.html", status=401, csrf_token=expected, next=target,
                          error="The user name or the password is wrong.")
        resp = response.redirect(target or "/console")
        # Lax, not Strict: a case link in an email or chat must open signed in.
        # Every change is a POST with a CSRF token.
        _set_cookie(resp, SESSION_COOKIE, token, settings, path="/", max_age=settings.session_max_hours * 3600,
                    same_site="Lax")
        return resp

    @pages.post("/logout")
    async def logout(request: Request):
        user = signed_in(request)
        if user and form_ok(request, user):
            with uow_factory() as uow:
                auth.end_session(uow, request.cookies.get(SESSION_COOKIE))
                service.audit(uow, user.username, "logout")
        return to_login(request)

    # ----- the queue and a case -------------------------------------------------

    @pages.get("/")
    async def queue(request: Request):
        user = signed_in(request)
        if user is None:
            return to_login(request)
        chosen = request.args.get("status", "active")
        if chosen not in FILTERS:
            chosen = "active"
        with uow_factory() as uow:
            cases = service.queue(uow, FILTERS[chosen])
            names = service.coordinator_names(uow, "display_name")
            rows = [_row(case, names) for case in cases]
            counts = service.counts(uow)
            red_flags = service.red_flag_counts(uow)
            service.audit(uow, user.username, "viewed_queue", filter=chosen)
        return render("console/queue.html", user=user, rows=rows, counts=counts, chosen=chosen,
                      filters=list(FILTERS), red_flags=red_flags)

    async def render_case(request: Request, user: auth.SignedIn, handoff_id: int, flash: Optional[str] = None,
                          error: Optional[str] = None, draft: str = "", status: int = 200):
        with uow_factory() as uow:
            case = _find_case(uow, handoff_id)
            if case is None:
                return render("console/error.html", status=404, user=user, message=f"There is no case {handoff_id}.")
            view = _row(case, service.coordinator_names(uow, "display_name"))
            notes = [(note.text, name, note.created_at) for note, name in service.notes(uow, case.id)]
            stored_transcript = list(case.transcript or [])
            conversation_id = case.conversation_id
            service.audit(uow, user.username, "viewed", case.id)
        live, messages = await _live_transcript(request, conversation_id, stored_transcript)
        return render("console/case.html", status=status, user=user, case=view, notes=notes, messages=messages,
                      live=live, flash=flash, error=error, draft=draft, reply_id=secrets.token_urlsafe(16))

    @pages.get("/cases/<handoff_id:int>")
    async def case_page(request: Request, handoff_id: int):
        user = signed_in(request)
        if user is None:
            return to_login(request)
        return await render_case(request, user, handoff_id, flash=DONE.get(request.args.get("done", "")))

    @pages.post("/cases/<handoff_id:int>/<verb:claim|close|reply|note|not-emergency>")
    async def change_case(request: Request, handoff_id, verb: str):
        handoff_id = int(handoff_id)  # the route's int type is lost when a regex segment follows
        user = signed_in(request)
        if user is None:
            return to_login(request)
        if not form_ok(request, user):
            return render("console/error.html", status=403, user=user,
                          message="The form expired (CSRF check failed). Go back, reload and try again.")
        if handoff_id > MAX_ID:
            return render("console/error.html", status=404, user=user, message=f"There is no case {handoff_id}.")
        try:
            done = await CHANGES[verb](request, user, handoff_id)
        except (HandoffError, RasaUnavailable) as exc:
            draft = request.form.get("text") or "" if verb == "reply" else ""
            return await render_case(request, user, handoff_id, error=str(exc), draft=draft, status=409)
        return response.redirect(f"/console/cases/{handoff_id}?done={done}")

    async def tell_chat(request: Request, conversation_id: str, intent: str, user: auth.SignedIn) -> None:
        try:
            await request.app.ctx.rasa.trigger_intent(conversation_id, intent,
                                                      {"coordinator_name": user.display_name})
        except RasaUnavailable as exc:
            log.warning("%s for %s not delivered: %s", intent, conversation_id, exc)
            raise HandoffError("the patient's chat could not be reached just now, so nothing changed; "
                               "please try again in a moment") from exc

    async def do_claim(request: Request, user: auth.SignedIn, handoff_id: int) -> str:
        with uow_factory() as uow:
            case, changed = service.claim(uow, handoff_id, coordinator(uow, user))
            conversation_id = case.conversation_id
        if not changed:
            return "claimed_again"
        try:
            await tell_chat(request, conversation_id, "EXTERNAL_handoff_claimed", user)
        except HandoffError:
            with uow_factory() as uow:
                service.release(uow, handoff_id, coordinator(uow, user))
            raise
        return "claimed"

    async def do_close(request: Request, user: auth.SignedIn, handoff_id: int) -> str:
        with uow_factory() as uow:
            case = service.get_handoff(uow, handoff_id)
            conversation_id, was_claimed = case.conversation_id, case.status == "claimed"
        if was_claimed:  # the assistant must be back before the case says so
            await tell_chat(request, conversation_id, "EXTERNAL_handoff_closed", user)
        with uow_factory() as uow:
            service.close(uow, handoff_id, coordinator(uow, user))
        return "closed" if was_claimed else "closed_quietly"

    async def do_reply(request: Request, user: auth.SignedIn, handoff_id: int) -> str:
        text = service.check_reply(request.form.get("text") or "")
        reply_id = (request.form.get("reply_id") or "")[:64]
        if reply_id and reply_id in sent_replies:
            return "replied"  # the same form sent twice (a double click): the patient gets it once
        with uow_factory() as uow:
            case = service.get_handoff(uow, handoff_id)
            if case.status == CLOSED:
                raise HandoffError("the case is closed; if the patient asks for a coordinator again, a new case opens")
            conversation_id, needs_claim = case.conversation_id, case.status == "open"
        if needs_claim:
            await do_claim(request, user, handoff_id)
        try:
            await request.app.ctx.rasa.send_bot_message(
                conversation_id, text, {"sender": "coordinator", "name": user.display_name})
        except RasaUnavailable as exc:
            log.warning("reply to %s not delivered: %s", conversation_id, exc)
            raise HandoffError("the reply could not be delivered just now; it is still in the box below, "
                               "please send it again in a moment") from exc
        if reply_id:
            sent_replies[reply_id] = None
            while len(sent_replies) > 10_000:
                sent_replies.popitem(last=False)
        with uow_factory() as uow:
            service.audit(uow, user.username, "replied", handoff_id, length=len(text))
        return "replied"

    async def do_note(request: Request, user: auth.SignedIn, handoff_id: int) -> str:
        with uow_factory() as uow:
            service.add_note(uow, handoff_id, coordinator(uow, user), request.form.get("text") or "")
        return "noted"

    async def do_not_emergency(request: Request, user: auth.SignedIn, handoff_id: int) -> str:
        with uow_factory() as uow:
            service.mark_not_emergency(uow, handoff_id, coordinator(uow, user))
        return "not_emergency"

    CHANGES = {"claim": do_claim, "close": do_close, "reply": do_reply, "note": do_note,
               "not-emergency": do_not_emergency}

    # ----- JSON API (contract §6) ----------------------------------------------

    def api_caller(request: Request) -> Optional[str]:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if not settings.api_token or scheme.lower() != "bearer" or not token:
            return None
        return "api" if auth.same_secret(settings.api_token, token.strip()) else None

    def unauthorized() -> response.HTTPResponse:
        return response.json({"error": "a valid bearer token is required"}, status=401,
                             headers={"WWW-Authenticate": 'Bearer realm="cik-console"'})

    @api.get("/handoffs")
    async def api_list(request: Request):
        if api_caller(request) is None:
            return unauthorized()
        try:
            limit = min(max(int(request.args.get("limit", 100)), 1), 500)
            offset = min(max(int(request.args.get("offset", 0)), 0), MAX_ID)
        except ValueError:
            return response.json({"error": "limit and offset must be whole numbers"}, status=400)
        status = request.args.get("status")
        if status is not None and status not in HANDOFF_STATUSES:
            return response.json({"error": f"status must be one of {', '.join(HANDOFF_STATUSES)}"}, status=400)
        with uow_factory() as uow:
            cases = service.newest_first(uow, limit, offset, status)
            names = service.coordinator_names(uow)
            body = [service.to_api(case, names) for case in cases]
            service.audit(uow, "api", "listed", count=len(body))
        return response.json(body, headers={"Cache-Control": "no-store"})

    @api.get("/handoffs/<handoff_id:int>")
    async def api_one(request: Request, handoff_id: int):
        if api_caller(request) is None:
            return unauthorized()
        with uow_factory() as uow:
            case = _find_case(uow, handoff_id)
            if case is None:
                return response.json({"error": f"there is no case {handoff_id}"}, status=404)
            body = service.to_api(case, service.coordinator_names(uow))
            service.audit(uow, "api", "viewed", case.id)
        return response.json(body, headers={"Cache-Control": "no-store"})

    app.blueprint(pages)
    app.blueprint(api)


async def _live_transcript(request: Request, conversation_id: str, stored: list) -> tuple[bool, list]:
    """The conversation as it is now (with messages after the handoff), or as stored."""
    try:
        return True, transcript(await request.app.ctx.rasa.events(conversation_id))
    except RasaUnavailable as exc:
        log.warning("live transcript of %s unavailable: %s", conversation_id, exc)
        return False, stored


def _find_case(uow: UnitOfWork, handoff_id: int):
    """The case, or None for an unknown id (or one too big for the database)."""
    if handoff_id > MAX_ID:
        return None
    try:
        return service.get_handoff(uow, handoff_id)
    except service.HandoffNotFound:
        return None


def _row(case, names: dict[int, str]) -> dict:
    eligibility = case.eligibility or {}
    return {
        "id": case.id, "conversation_id": case.conversation_id, "channel": case.channel,
        "reason": case.reason, "priority": case.priority, "status": case.status,
        "created_at": case.created_at, "claimed_at": case.claimed_at, "closed_at": case.closed_at,
        "assigned": names.get(case.assigned_to) if case.assigned_to else None,
        "tier": eligibility.get("tier"), "eligibility": eligibility,
        "summary": summary_groups(case.profile or {}),
        "red_flag": None if not case.red_flag_category else {
            "category": case.red_flag_category,
            "label": RED_FLAG_LABELS.get(case.red_flag_category, humanize(case.red_flag_category)),
            "text": case.red_flag_text or "",
            "not_emergency_at": case.not_emergency_at,
            "not_emergency_by": names.get(case.not_emergency_by) if case.not_emergency_by else None,
        },
    }


def _client_ip(request: Request) -> str:
    """The client's address: from X-Forwarded-For when FORWARDED_PROXIES says a proxy is trusted."""
    return (request.remote_addr or request.ip or "unknown")[:64]


def _safe_next(target: Optional[str]) -> str:
    """A console path to go to after sign-in; anything else (another site, //host) is dropped."""
    if target and target.startswith("/console/") and "//" not in target and "\\" not in target:
        return target
    return ""


def _quote(text: str) -> str:
    return quote(text, safe="/")


def _set_cookie(resp: response.HTTPResponse, name: str, value: str, settings: ConsoleSettings,
                path: str, max_age: int, same_site: str = "Strict") -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = same_site
    cookie["path"] = path
    cookie["max-age"] = max_age
    if settings.cookie_secure:
        cookie["secure"] = True
