"""Checks all editable content and lists every gap at once: `make check-content`.

    python -m overstag.content_check [--content DIR]

Coaching (objections, concessions, replies), rehearsal (personas, texts),
follow-up (the request form, e-mail, reminders), "my data" in the chat, the
web page's labels and the team view's (content/team.yml). Exit status 0 when
complete, 1 with the list of gaps; a file that cannot be read, or has an
unexpected shape, is a gap like any other, never a traceback. The launcher
runs the same check before it starts anything.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from overstag.channels import page_content
from overstag.coaching import content as coaching
from overstag.content_files import CONTENT_DIR, ContentError, read_yaml
from overstag.follow_up import content as follow_up
from overstag.privacy import chat as privacy
from overstag.rehearsal import content as rehearsal
from overstag.team import content as team


def _coaching(directory: Path) -> List[str]:
    return coaching.problems(coaching.read(directory))


def _rehearsal(directory: Path) -> List[str]:
    return rehearsal.problems(rehearsal.read(directory))


def _follow_up(directory: Path) -> List[str]:
    concessions = coaching.read(directory).concessions
    return follow_up.problems(read_yaml(directory / "follow_up.yml"), concessions)


def _privacy(directory: Path) -> List[str]:
    return privacy.problems(privacy.read(directory))


def _team(directory: Path) -> List[str]:
    return team.problems(team.read(directory))


def _page(directory: Path) -> List[str]:
    return page_content.problems(page_content.read(directory), page_content.template())


Check = Callable[[Path], List[str]]
CHECKS: List[Tuple[str, Check]] = [
    ("coaching", _coaching),
    ("rehearsal", _rehearsal),
    ("follow-up", _follow_up),
    ("privacy", _privacy),
    ("page", _page),
    ("team", _team),
]


def _run(kind: str, check: Check, directory: Path) -> List[str]:
    try:
        return [f"{kind}: {gap}" for gap in check(directory)]
    except ContentError as error:
        return [f"{kind}: {error}"]
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as error:
        # a value of the wrong shape somewhere the checks did not expect one
        return [f"{kind}: unexpected structure ({type(error).__name__}: {error})"]


def gaps(directory: Path = CONTENT_DIR) -> List[str]:
    """Every gap in the content under `directory`; empty when it is complete."""
    if not directory.is_dir():
        return [f"{directory}: not a folder"]
    # two checks may see the same slip (a word list is a bilingual text too)
    found = [gap for kind, check in CHECKS for gap in _run(kind, check, directory)]
    return list(dict.fromkeys(found))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--content", type=Path, default=CONTENT_DIR, help="content folder"
    )
    args = parser.parse_args(argv)
    found = gaps(args.content.resolve())
    if found:
        print(f"{len(found)} gap(s) in {args.content}:", file=sys.stderr)
        print("\n".join(f"- {gap}" for gap in found), file=sys.stderr)
        return 1
    print(f"Content OK: {args.content}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
