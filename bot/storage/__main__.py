"""`python -m bot.storage upgrade|current|downgrade REV [--url URL]`.

upgrade    apply the migrations up to the newest revision (safe to repeat)
current    print the revision the database is at
downgrade  go back to a revision ("base" drops every table)

The database is DATABASE_URL (bot.config; default var/cik.db) unless --url is given.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from sqlalchemy.exc import SQLAlchemyError

from bot.storage import migrate


def _names(revisions: Sequence[str]) -> str:
    return ", ".join(migrate.describe(r) for r in revisions) if revisions else "empty (no migration applied)"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.storage", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="database URL (default: DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("upgrade", help="apply the migrations up to the newest revision")
    sub.add_parser("current", help="print the revision the database is at")
    down = sub.add_parser("downgrade", help="go back to a revision ('base' drops every table)")
    down.add_argument("revision")
    args = parser.parse_args(argv)

    where = migrate.shown(args.url)
    try:
        if args.command == "current":
            revisions = migrate.current(args.url)
            head = migrate.head()
            state = "up to date" if revisions == (head,) else f"newest is {migrate.describe(head)}"
            print(f"{where}: {_names(revisions)}; {state}")
        elif args.command == "upgrade":
            before, after = migrate.upgrade(args.url)
            if before == after:
                print(f"{where}: already at {_names(after)}; nothing to do")
            else:
                print(f"{where}: upgraded from {_names(before)} to {_names(after)}")
        else:
            before, after = migrate.downgrade(args.url, args.revision)
            if before == after:
                print(f"{where}: already at {_names(after)}; nothing to do")
            else:
                print(f"{where}: downgraded from {_names(before)} to {_names(after)}")
    except SQLAlchemyError as exc:
        print(f"{where}: database error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
