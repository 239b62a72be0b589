"""Coaching-turn latency of two checkouts, side by side, in one long conversation.

    python -m bench.turn_latency BASELINE_DIR [CURRENT_DIR] [--turns 200] [--single]

Each checkout's own launcher starts its servers (its own code and trained model:
run `make train` in the baseline checkout first) on free ports and a fresh data
dir; one REST conversation then sends `--turns` coaching messages, one at a time.
Printed: p50/p95 of turns 1-20, 90-110 (with 110 turns or more) and the last 20,
how much the last 20 cost against the first 20 in each checkout (issue 17), and
the ratio current/baseline.
`--single` sends single-concern messages only (the same work on both sides even
when the current code coaches more concerns per message).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
SINGLE = [
    "She is afraid her words will end up online forever",
    "Ik ben helemaal niet interessant, vraag iemand anders",
    "My manager has to okay that first",
    "Hij wil eerst de tekst lezen voordat het gepubliceerd wordt",
]
MIXED = SINGLE + [
    "He has no time at all this month and his boss has to approve it first",
    "another suggestion",
    "Ze wil niet met naam en foto in het blad en heeft geen tijd",
    "nog een suggestie",
]


def conversation(root: Path, messages: List[str], turns: int) -> List[float]:
    """Milliseconds per turn, against the servers of the checkout at `root`."""
    sys.path.insert(0, str(root / "tests"))
    for name in [m for m in sys.modules if m.startswith("support")]:
        del sys.modules[name]
    from support.servers import Servers

    servers = Servers(Path(tempfile.mkdtemp(prefix="overstag-latency-")))
    servers.start()
    try:
        spent = []
        for turn in range(turns):
            body = {"sender": "latency", "message": messages[turn % len(messages)]}
            request = urllib.request.Request(
                servers.base + "/webhooks/rest/webhook",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
            spent.append((time.perf_counter() - started) * 1000)
        return spent
    finally:
        servers.stop()
        sys.path.remove(str(root / "tests"))


def percentiles(values: List[float]) -> Tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return round(statistics.median(ordered), 1), round(p95, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("baseline", type=Path)
    parser.add_argument("current", type=Path, nargs="?", default=ROOT)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--single", action="store_true")
    args = parser.parse_args()
    messages = SINGLE if args.single else MIXED
    figures: Dict[str, Dict[str, Tuple[float, float]]] = {}
    for name, root in (("baseline", args.baseline), ("current", args.current)):
        spent = conversation(root.resolve(), messages, args.turns)
        figures[name] = {"first 20": percentiles(spent[:20])}
        if len(spent) >= 110:
            figures[name]["turns 90-110"] = percentiles(spent[89:110])
        figures[name]["last 20"] = percentiles(spent[-20:])
        growth = figures[name]["last 20"][0] / figures[name]["first 20"][0]
        print(name, figures[name], f"last 20 / first 20: {growth:.2f}x", flush=True)
    for part in figures["current"]:
        before, after = figures["baseline"][part][0], figures["current"][part][0]
        print(f"{part}: p50 {before} -> {after} ms, ratio {after / before:.2f}")


if __name__ == "__main__":
    main()
