"""For requests that arrive by e-mail: a user's data exported or erased, and the
retention periods applied now.

    python -m overstag.privacy export (--user ID | --email ADDRESS) [--output FILE]
    python -m overstag.privacy erase (--user ID | --email ADDRESS) [--yes]
    python -m overstag.privacy expire

A user id is the one Overstag gave them ("oidc:...", "proxy:<name>",
"slack:<team>:<user>", "teams:<tenant>:<user>", "rest:<tool>:<sender>", "local");
--email finds the users who signed in with that address. The database is
OVERSTAG_DATABASE_URL's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional

from overstag import clock, settings
from overstag.privacy import records, retention
from overstag.storage import database, storage


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m overstag.privacy")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="everything stored, as JSON")
    export.add_argument("--output", help="a file (made owner-only); default stdout")
    erase = commands.add_parser("erase", help="delete every row about the user")
    erase.add_argument("--yes", action="store_true", help="no question asked")
    for command in (export, erase):
        who = command.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="the user id")
        who.add_argument("--email", help="the e-mail address they signed in with")
    commands.add_parser("expire", help="apply the retention periods now")
    args = parser.parse_args(argv)

    engine = database.engine()
    if args.command in ("export", "erase"):
        users = [args.user] if args.user else storage().accounts.with_email(args.email)
        if not users:
            print("No user has that e-mail address.", file=sys.stderr)
            return 1
    if args.command == "export":
        documents = [records.export_user(engine, user) for user in users]
        exported = documents[0] if len(documents) == 1 else documents
        text = json.dumps(exported, ensure_ascii=False, indent=1)
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
            answer = input(f"Erase everything about {', '.join(users)}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                print("Nothing erased.")
                return 1
        removed = {}
        for user in users:
            for table, count in records.erase_user(engine, user).items():
                removed[table] = removed.get(table, 0) + count
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
