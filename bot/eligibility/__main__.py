"""`python -m bot.eligibility`: one profile as JSON on stdin, one result as JSON on stdout.

Exit status 0 with the result; 2 with one line on stderr naming the bad field
(`input` for the whole document) and nothing on stdout; 1 if the rules file is broken.
"""
from __future__ import annotations

import json
import sys

from bot.eligibility.engine import RulesError, evaluate
from bot.eligibility.schema import ProfileError, show

USAGE = "usage: python -m bot.eligibility < profile.json"


def _object_without_duplicates(pairs: list) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise ProfileError(key, "is given more than once")
        result[key] = value
    return result


def read_profile(raw: bytes) -> dict:
    """The JSON object in `raw`, or ProfileError (field "input" when it is not one)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError("input", "is not UTF-8 text") from None
    try:
        data = json.loads(text, object_pairs_hook=_object_without_duplicates)
    except json.JSONDecodeError as exc:
        raise ProfileError("input", f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(data, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(data), "a number")
        raise ProfileError("input", f"must be one JSON object of profile fields, got {kind}: {show(data)}")
    return data


def main(argv: list | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        if argv[0] in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        print(f"error: arguments: none expected, got {' '.join(argv)} ({USAGE})", file=sys.stderr)
        return 2
    try:
        result = evaluate(read_profile(sys.stdin.buffer.read()))
    except ProfileError as exc:
        print(f"error: {exc.field}: {exc.message}", file=sys.stderr)
        return 2
    except RulesError as exc:
        print(f"error: rules: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result.to_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
