"""For requests that arrive by e-mail: a user's data exported or erased, and the
retention periods applied now.

    python -m overstag.privacy export --user ID [--output FILE]
    python -m overstag.privacy erase --user ID --yes
    python -m overstag.privacy expire

A user is given by a conversation id (repeat --user for each) until sign-in
gives users their own ids. The database is OVERSTAG_DATABASE_URL's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional

from overstag import clock, settings
from overstag.privacy import records, retention
from overstag.storage import database


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m overstag.privacy")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="everything stored, as JSON")
    export.add_argument("--user", action="append", required=True)
    export.add_argument("--output", help="a file (made owner-only); default stdout")
    erase = commands.add_parser("erase", help="delete every row about the user")
    erase.add_argument("--user", action="append", required=True)
    erase.add_argument("--yes", action="store_true", help="no question asked")
    commands.add_parser("expire", help="apply the retention periods now")
    args = parser.parse_args(argv)

    engine = database.engine()
    if args.command == "export":
        text = json.dumps(records.export(engine, args.user), ensure_ascii=False)
        if args.output:
            descriptor = os.open(
                args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
            )
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
        else:
            print(text)
        return 0
    if args.command == "erase":
        if not args.yes:
            answer = input(f"Erase everything about {', '.join(args.user)}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                print("Nothing erased.")
                return 1
        removed = records.erase(engine, args.user)
    else:
        removed = retention.expire(
            engine,
            clock.now(),
            settings.history_retention(),
            settings.interview_retention(),
        )
    print(", ".join(f"{table}: {count}" for table, count in removed.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
