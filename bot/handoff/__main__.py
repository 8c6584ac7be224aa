"""`python -m bot.handoff dispatch [--once] | outbox [--url URL]`: the notification outbox by hand.

dispatch   send the notifications that are due, then keep checking every
           NOTIFY_POLL_SECONDS until Ctrl-C (--once: one check, then exit)
outbox     list the notifications not delivered yet

The database is DATABASE_URL (bot.config; default var/cik.db) unless --url is
given. Exit status 0, or 2 when the settings or the database are unusable.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import datetime
from typing import Callable, Optional, Sequence, TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from bot.config import NotifySettings, load_notify_settings
from bot.handoff.notifications import (
    Attempt,
    Dispatcher,
    OutboxRow,
    count_pending,
    dispatch_due,
    list_pending,
)
from bot.storage.db import SessionFactory, database_url, make_engine, make_session_factory

ERROR_CHARS = 100
T = TypeVar("T")


class Unusable(Exception):
    """The settings or the database cannot be used; the message says why."""


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings()
        session_factory = _session_factory(args.url)
        if args.command == "outbox":
            _print_outbox(_checked(list_pending, session_factory, args.url))
        elif args.once:
            _dispatch_once(session_factory, settings, args.url)
        else:
            _dispatch_forever(session_factory, settings, args.url)
    except Unusable as exc:
        print(f"python -m bot.handoff: {exc}", file=sys.stderr)
        return 2
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.handoff", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="database URL (default: DATABASE_URL)")
    # --url also after the command; SUPPRESS keeps a --url given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default=argparse.SUPPRESS, help="database URL (default: DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True)
    dispatch = sub.add_parser("dispatch", parents=[common], help="send the notifications that are due")
    dispatch.add_argument("--once", action="store_true", help="one check, then exit")
    sub.add_parser("outbox", parents=[common], help="list the notifications not delivered yet")
    return parser


def _settings() -> NotifySettings:
    try:
        return load_notify_settings()
    except ValueError as exc:
        raise Unusable(f"settings: {exc}") from exc


# ----- The database -----------------------------------------------------------


def _shown(url: Optional[str]) -> str:
    """The database URL with its password hidden."""
    try:
        return make_url(database_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "the --url value" if url else "DATABASE_URL"


def _session_factory(url: Optional[str]) -> SessionFactory:
    try:
        return make_session_factory(make_engine(url))
    except (ArgumentError, ImportError) as exc:
        # The message of a URL that does not parse repeats it, password included: not shown.
        detail = f" ({exc})" if isinstance(exc, (NoSuchModuleError, ImportError)) else ""
        raise Unusable(f"{_shown(url)} is not a database URL this installation can use{detail}; "
                       "expected e.g. sqlite:///var/cik.db or postgresql+psycopg2://user:password@host/db"
                       ) from exc


def _checked(read: Callable[[SessionFactory], T], session_factory: SessionFactory, url: Optional[str]) -> T:
    """`read(session_factory)`, with database errors turned into one clear message."""
    try:
        return read(session_factory)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        hint = " (run `python -m bot.storage upgrade` first)" if "no such table" in reason \
            or "does not exist" in reason else ""
        raise Unusable(f"{_shown(url)}: the outbox cannot be read: {reason}{hint}") from exc


# ----- The commands -----------------------------------------------------------


def _print_outbox(rows: list[OutboxRow]) -> None:
    if not rows:
        print("The outbox is empty: every notification was delivered.")
        return
    table = [("id", "case", "kind", "tries", "next try", "last error")]
    table += [(str(r.id), str(r.handoff_id), r.kind, str(r.attempts), _when(r.next_attempt_at),
               _short(r.last_error)) for r in rows]
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]) - 1)]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)) + "  " + line[-1])
    print(f"{len(rows)} notification{'s' if len(rows) != 1 else ''} waiting")


def _dispatch_once(session_factory: SessionFactory, settings: NotifySettings, url: Optional[str]) -> None:
    _warn_if_off(settings)
    report = _checked(lambda factory: dispatch_due(factory, settings), session_factory, url)
    for attempt in report.attempts:
        print(_describe(attempt))
    print(f"sent {report.sent}, failed {report.failed}, still pending {report.pending}")


def _dispatch_forever(session_factory: SessionFactory, settings: NotifySettings, url: Optional[str]) -> None:
    pending = _checked(count_pending, session_factory, url)
    _warn_if_off(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    print(f"{_shown(url)}: {pending} pending; checking every {max(settings.poll_seconds, 1)} s. "
          "Ctrl-C stops.", flush=True)
    asyncio.run(_serve(Dispatcher(session_factory, settings)))
    print("Stopped.")


async def _serve(dispatcher: Dispatcher) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, dispatcher.stop)
    await dispatcher.run()


def _warn_if_off(settings: NotifySettings) -> None:
    if not (settings.webhook_on or settings.email_on):
        print("note: no way of notifying is configured (NOTIFY_WEBHOOK_URL; SMTP_HOST, NOTIFY_EMAIL_FROM "
              "and NOTIFY_EMAIL_TO): pending notifications stay pending", file=sys.stderr)


def _describe(attempt: Attempt) -> str:
    what = f"notification {attempt.notification_id} ({attempt.kind}, case {attempt.handoff_id})"
    if attempt.delivered:
        return f"{what}: sent"
    return f"{what}: failed (try {attempt.tries}): {attempt.error}; next try {_when(attempt.next_attempt_at)}"


def _when(moment: Optional[datetime]) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "-"


def _short(error: Optional[str]) -> str:
    text = " ".join((error or "-").split())
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
