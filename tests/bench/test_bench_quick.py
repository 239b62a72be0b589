"""The benchmark harness in quick mode, so that `make bench` cannot rot."""

import json
import subprocess
import sys

import pytest

from support.servers import ROOT

pytestmark = pytest.mark.integration  # starts servers or Rasa processes


def test_quick_benchmark_measures_both_configs(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.runtime", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    figures = json.loads(out.read_text())
    for name in ("overstag", "rasa-init"):
        run = figures[name]
        assert run["train_s"] > 0 and run["start_s"] > 0 and run["peak_rss_mb"] > 100
        assert run["first_answer_s"] > run["start_s"]
        long = run["long"]
        assert 0 < long["p50_turns_1_20_ms"] and 0 < long["p50_turns_180_200_ms"]
        assert long["growth"] == round(
            long["p50_turns_180_200_ms"] / long["p50_turns_1_20_ms"], 2
        )
        for level in ("c1", "c8"):
            assert (
                0 < run[level]["p50_ms"] <= run[level]["p95_ms"]
                and run[level]["msgs_per_s"] > 0
            )
    assert "ratio" in result.stdout and "8 conv: msgs/s" in result.stdout
    assert "long conv: turns 180-200 / 1-20" in result.stdout
    assert "process start to first answer (s)" in result.stdout
