"""`python -m bot.web [--host H] [--port P]`: serve the web app (the launcher starts it).

It needs the Rasa server's HTTP API token in RASA_API_TOKEN to read conversation
histories; the launcher passes it.
"""
from __future__ import annotations

import argparse
import logging
import sys

from bot.config import load_console_settings, load_notify_settings, load_settings
from bot.web.app import SOCKET_IO_CLIENT, create_app


def main(argv: list[str] | None = None) -> int:
    try:
        settings = load_settings()
        load_console_settings(), load_notify_settings()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=settings.bind_host)
    parser.add_argument("--port", type=int, default=settings.web_port)
    args = parser.parse_args(argv)
    if not settings.rasa_api_token:
        print("error: RASA_API_TOKEN is not set; start the web app with `make run`", file=sys.stderr)
        return 2
    if not SOCKET_IO_CLIENT.exists():
        print(f"error: {SOCKET_IO_CLIENT} is missing; `make run` installs it (npm ci)", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings, load_console_settings(),
                     load_notify_settings())
    app.run(host=args.host, port=args.port, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
