"""Throughput and p95 of one Rasa server against two workers and two replicas, on
this machine, through HAProxy with the Redis lock store (scripts/local_cluster.py).

    python -m bench.cluster_throughput [--conversations 8] [--messages 30]

Each setup serves the same load (concurrent conversations, one message at a time
each) and prints messages per second, p50 and p95, and the ratio to one server.
A row of `make bench`; figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Dict, List

from scripts.local_cluster import LocalCluster

MESSAGES = [
    "She has no time at all this month.",
    "He is afraid his photo ends up on the intranet.",
    "She thinks her work is nothing special.",
    "His manager has to approve it first.",
    "She does not want to be filmed.",
    "He wants to read the text before it is published.",
]
SETUPS = {
    "1 server, 1 worker": {"replicas": 1, "env": {}},
    "1 server, 2 workers": {"replicas": 1, "env": {"SANIC_WORKERS": "2"}},
    "2 replicas, 1 worker each": {"replicas": 2, "env": {}},
}


def load(cluster: LocalCluster, conversations: int, messages: int) -> Dict:
    timings: List[float] = []
    lock = threading.Lock()

    def conversation(number: int) -> None:
        for k in range(messages):
            body = json.dumps(
                {
                    "sender": f"bench-{number}",
                    "message": MESSAGES[k % len(MESSAGES)],
                    "message_id": f"b{k}",
                }
            ).encode()
            request = urllib.request.Request(
                f"{cluster.url}/webhooks/rest/webhook",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as reply:
                reply.read()
            with lock:
                timings.append(time.perf_counter() - started)

    # one message per conversation first: model and connections warm
    warm = [threading.Thread(target=conversation, args=(n,)) for n in range(2)]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    timings.clear()
    threads = [
        threading.Thread(target=conversation, args=(n + 100,))
        for n in range(conversations)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(timings)
    return {
        "messages_per_s": round(len(timings) / elapsed, 2),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=8)
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = {}
    for name, setup in SETUPS.items():
        cluster = LocalCluster(
            Path(tempfile.mkdtemp(prefix="overstag-bench-")),
            replicas=setup["replicas"],
            env=setup["env"],
        )
        try:
            cluster.start()
            results[name] = load(cluster, args.conversations, args.messages)
        finally:
            cluster.stop()
        print(name, results[name], flush=True)
    base = results["1 server, 1 worker"]
    print(
        f"\n{'setup':<28}{'msg/s':>8}{'ratio':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p95 ratio':>11}"
    )
    for name, r in results.items():
        print(
            f"{name:<28}{r['messages_per_s']:>8}"
            f"{r['messages_per_s'] / base['messages_per_s']:>8.2f}"
            f"{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p95_ms'] / base['p95_ms']:>11.2f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
