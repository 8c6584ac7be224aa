"""`python -m bot.console COMMAND`: manage coordinator accounts.

  create-user USERNAME --name "Display Name"   add a coordinator (asks for the password)
  set-password USERNAME                        change a password (signs the user out everywhere)
  deactivate USERNAME / activate USERNAME      stop or allow a coordinator's sign-in
  list-users                                   who can sign in

Passwords are asked twice on a terminal, or read from the first line of
standard input with --password-stdin (for scripts). The database is
DATABASE_URL (default var/cik.db) unless --url is given; the tables come from
`python -m bot.storage upgrade`, which `make run` applies.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.console import auth
from bot.storage.db import UnitOfWork, make_engine, make_session_factory
from bot.storage.models import Coordinator


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise auth.AuthError("the two passwords differ")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.console", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="database URL (default: DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-user", help="add a coordinator")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="the name patients and colleagues see")
    create.add_argument("--password-stdin", action="store_true")
    change = sub.add_parser("set-password", help="change a coordinator's password")
    change.add_argument("username")
    change.add_argument("--password-stdin", action="store_true")
    for name in ("deactivate", "activate"):
        sub.add_parser(name, help=f"{name} a coordinator").add_argument("username")
    sub.add_parser("list-users", help="list the coordinators")
    return parser


def _run(args: argparse.Namespace, uow: UnitOfWork) -> str:
    if args.command == "create-user":
        user = auth.create_user(uow, args.username, args.name, _password(args.password_stdin))
        return f"created coordinator {user.username} ({user.display_name})"
    if args.command == "set-password":
        user = auth.set_password(uow, args.username, _password(args.password_stdin))
        return f"password changed for {user.username}; their sessions were ended"
    if args.command in ("deactivate", "activate"):
        user = auth.set_active(uow, args.username, args.command == "activate")
        return f"{user.username} is now {'active' if user.active else 'inactive'}"
    users = uow.session.execute(select(Coordinator).order_by(Coordinator.username)).scalars().all()
    return "\n".join(f"{u.username}\t{u.display_name}\t{'active' if u.active else 'inactive'}"
                     for u in users) or "no coordinators yet"


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        factory = make_session_factory(make_engine(args.url)) if args.url else None
        with UnitOfWork(factory) as uow:
            message = _run(args, uow)
    except auth.AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, ValueError) as exc:
        reason = getattr(exc, "orig", None) or exc
        print(f"error: the database is not usable ({reason}); "
              "run `python -m bot.storage upgrade` first", file=sys.stderr)
        return 2
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
