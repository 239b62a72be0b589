"""Runtime benchmark: Overstag against the untuned `rasa init` config, side by side.

For each config: training time from scratch (empty Rasa cache), time from process
start to serving (the launcher, as `make run` starts it) and to the first answer,
latency p50/p95 and throughput at 1, 8 (50 messages each) and 32 concurrent
conversations over REST with objection messages in both languages, one long
conversation (200 messages: p50 over its first 150 and by turn band, 1-20,
90-110 and 180-200, with how much the last band costs against the first), and
peak resident memory of the Rasa server.

    python -m bench.runtime [--quick] [--json bench/results.json]

--quick uses small counts and one training epoch for the untuned config, so that
`make test` keeps the harness working; its figures are not the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {
    "overstag": ROOT / "config.yml",
    "rasa-init": ROOT / "bench" / "config_rasa_init.yml",
}
MESSAGES = [
    "She is afraid her words will end up online forever",
    "Ik ben helemaal niet interessant, vraag iemand anders",
    "He has no time this month, they're launching the new system",
    "Mijn leidinggevende moet daar eerst toestemming voor geven",
    "Last time a journalist twisted my words",
    "Ik vind het doodeng om gefilmd te worden",
    "Another suggestion",
    "Nog een suggestie",
]


def _env(extra: Dict[str, str]) -> Dict[str, str]:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    env.update(extra)
    return env


def quick_config(config: Path, workdir: Path) -> Path:
    text = re.sub(r"epochs: \d+", "epochs: 1", config.read_text())
    path = workdir / f"quick-{config.name}"
    path.write_text(text)
    return path


def train(name: str, config: Path, workdir: Path) -> Dict[str, float]:
    cache = workdir / f"cache-{name}"
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--config",
            str(config),
            "--out",
            str(workdir),
            "--fixed-model-name",
            name,
            "--quiet",
        ],
        cwd=ROOT,
        env=_env({"RASA_CACHE_DIRECTORY": str(cache)}),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return {"train_s": round(time.monotonic() - started, 1)}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, model: Path, workdir: Path, stock: bool = False) -> None:
        self.port = _free_port()
        self.env = _env(
            {
                "OVERSTAG_PORT": str(self.port),
                "OVERSTAG_ACTIONS_PORT": str(_free_port()),
                "OVERSTAG_DATA_DIR": str(workdir / f"data-{model.stem}"),
                "OVERSTAG_API_TOKEN": "bench",
                # the baseline is stock Rasa: none of Overstag's runtime fixes
                # (overstag/rasa_patches/)
                "OVERSTAG_STOCK_RASA": "1" if stock else "0",
            }
        )
        # SQLite in the data dir, as make run
        self.env.pop("OVERSTAG_DATABASE_URL", None)
        self.model = model

    def start(self, timeout: float = 600) -> float:
        started = time.monotonic()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "overstag.launcher",
                "--model",
                str(self.model),
                "--quiet",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()

        def pump() -> None:
            for line in self.process.stdout:
                if "Overstag is ready" in line:
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"{self.model.name} did not start")
        return round(time.monotonic() - started, 2)

    def rasa_pid(self) -> Optional[int]:
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            for pid in (task / "children").read_text().split():
                command = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
                if (
                    command[1:2] == ["-m"]
                    and command[2] in ("rasa", "overstag.serve")
                    and command[3] == "run"
                ):
                    return int(pid)
        return None

    def peak_memory_mb(self) -> float:
        pid = self.rasa_pid()
        status = Path(f"/proc/{pid}/status").read_text()
        return round(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024, 1)

    def say(self, sender: str, text: str) -> float:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=120) as reply:
            if not json.loads(reply.read()):
                raise RuntimeError("empty answer")
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


def load(server: Server, concurrency: int, turns: int, tag: str) -> Dict[str, float]:
    """`concurrency` conversations at once, each `turns` messages in a row."""

    def conversation(number: int) -> List[float]:
        return [
            server.say(
                f"{tag}-{concurrency}-{number}", MESSAGES[(number + t) % len(MESSAGES)]
            )
            for t in range(turns)
        ]

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = sorted(
            latency
            for result in pool.map(conversation, range(concurrency))
            for latency in result
        )
    wall = time.monotonic() - started
    return {
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(
            latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000, 1
        ),
        "msgs_per_s": round(len(latencies) / wall, 1),
    }


LONG_TURNS, QUICK_LONG_TURNS = 200, 24
BANDS = ((1, 20), (90, 110), (180, 200))


def long_conversation(server: Server, turns: int, tag: str) -> Dict[str, float]:
    """One conversation of `turns` messages in a row: a turn's cost as the
    conversation grows (issue 17)."""
    spent = [
        server.say(f"{tag}-long", MESSAGES[t % len(MESSAGES)]) * 1000
        for t in range(turns)
    ]
    result = {"p50_first_150_ms": round(statistics.median(spent[:150]), 1)}
    scale = turns / LONG_TURNS  # quick mode: the same bands, shrunk
    for first, last in BANDS:
        band = spent[max(0, int((first - 1) * scale)) : max(1, int(last * scale))]
        result[f"p50_turns_{first}_{last}_ms"] = round(statistics.median(band), 1)
    result["growth"] = round(
        result["p50_turns_180_200_ms"] / result["p50_turns_1_20_ms"], 2
    )
    return result


def reusable_baseline(name: str, previous: Path) -> Optional[Dict[str, object]]:
    """The untuned model from an earlier full run, when its inputs have not changed
    since.

    Its training takes over half an hour and does not depend on Overstag's speed
    work, so `--reuse-untuned` takes that model and its measured training time.
    """
    model = ROOT / "models" / "bench" / f"{name}.tar.gz"
    up_to_date = (
        subprocess.run(
            ["make", "-q", str(model.relative_to(ROOT))], cwd=ROOT
        ).returncode
        == 0
    )
    if not (model.exists() and up_to_date and previous.exists()):
        return None
    earlier = json.loads(previous.read_text()).get(name, {})
    if "train_s" not in earlier:
        return None
    return {"train_s": earlier["train_s"], "train_reused": True, "model": str(model)}


def measure(
    name: str,
    config: Path,
    workdir: Path,
    quick: bool,
    reuse: Optional[Dict[str, object]] = None,
) -> Dict[str, object]:
    if reuse:
        result: Dict[str, object] = dict(reuse)
        model = Path(str(result.pop("model")))
    else:
        result = train(
            name, quick_config(config, workdir) if quick else config, workdir
        )
        model = workdir / f"{name}.tar.gz"
        if not quick and name != "overstag":
            # the same model `make evaluate` scores, so it need not train it again
            (ROOT / "models" / "bench").mkdir(parents=True, exist_ok=True)
            shutil.copy(model, ROOT / "models" / "bench" / f"{name}.tar.gz")
    server = Server(model, workdir, stock=name != "overstag")
    result["start_s"] = server.start()
    try:
        first = server.say(f"warmup-{name}", MESSAGES[0])
        result["first_answer_s"] = round(result["start_s"] + first, 2)
        # the first answer's own time against a later one's: nothing heavy waits
        # for the first message
        result["first_turn_ms"] = round(first * 1000, 1)
        turns = 2 if quick else 10
        per_level = {1: turns * 3, 8: 2 if quick else 50, 32: turns}
        levels = (1, 8) if quick else (1, 8, 32)
        for concurrency in levels:
            result[f"c{concurrency}"] = load(
                server, concurrency, per_level[concurrency], name
            )
        result["long"] = long_conversation(
            server, QUICK_LONG_TURNS if quick else LONG_TURNS, name
        )
        result["peak_rss_mb"] = server.peak_memory_mb()
    finally:
        server.stop()
    return result


def ratios(ours: Dict, theirs: Dict) -> List[List[str]]:
    rows = []

    def add(label: str, a: float, b: float) -> None:
        rows.append([label, f"{a:g}", f"{b:g}", f"{a / b:.2f}x" if b else "-"])

    add("training from scratch (s)", ours["train_s"], theirs["train_s"])
    add("process start to serving (s)", ours["start_s"], theirs["start_s"])
    add(
        "process start to first answer (s)",
        ours["first_answer_s"],
        theirs["first_answer_s"],
    )
    add("first answer's own time (ms)", ours["first_turn_ms"], theirs["first_turn_ms"])
    for key, label in (
        ("p50_first_150_ms", "long conv: p50 over 150 msgs (ms)"),
        ("p50_turns_1_20_ms", "long conv: p50 turns 1-20 (ms)"),
        ("p50_turns_90_110_ms", "long conv: p50 turns 90-110 (ms)"),
        ("p50_turns_180_200_ms", "long conv: p50 turns 180-200 (ms)"),
        ("growth", "long conv: turns 180-200 / 1-20"),
    ):
        add(label, ours["long"][key], theirs["long"][key])
    for level in ("c1", "c8", "c32"):
        if level in ours and level in theirs:
            add(
                f"{level[1:]} conv: p50 (ms)",
                ours[level]["p50_ms"],
                theirs[level]["p50_ms"],
            )
            add(
                f"{level[1:]} conv: p95 (ms)",
                ours[level]["p95_ms"],
                theirs[level]["p95_ms"],
            )
            add(
                f"{level[1:]} conv: msgs/s",
                ours[level]["msgs_per_s"],
                theirs[level]["msgs_per_s"],
            )
    add("peak RSS, Rasa server (MB)", ours["peak_rss_mb"], theirs["peak_rss_mb"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--reuse-untuned",
        action="store_true",
        help="reuse the untuned model and training time of an earlier full run if"
        " still current",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="overstag-bench-") as tmp:
        results = {}
        for name, config in CONFIGS.items():
            reuse = None
            if args.reuse_untuned and not args.quick and name != "overstag":
                reuse = reusable_baseline(name, Path(args.json))
                how = (
                    "reusing the model of an earlier run"
                    if reuse
                    else "training from scratch"
                )
                print(f"{name}: {how}")
            results[name] = measure(name, config, Path(tmp), args.quick, reuse)
    results["machine"] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "quick": args.quick,
    }
    rows = ratios(results["overstag"], results["rasa-init"])
    width = max(len(r[0]) for r in rows)
    print(f"{'':<{width}}  {'overstag':>10}  {'rasa init':>10}  {'ratio':>7}")
    for label, ours, theirs, ratio in rows:
        print(f"{label:<{width}}  {ours:>10}  {theirs:>10}  {ratio:>7}")
    Path(args.json).write_text(json.dumps(results, indent=2))
    if results["rasa-init"].get("train_reused"):
        print(
            "\n(rasa init training time: measured in an earlier full run with the"
            " same inputs)"
        )
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
