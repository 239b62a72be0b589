"""The shape of the code: imports run one way, actions mirror the rules, every
action the domain names is registered and nothing else, and importing does no I/O."""

import ast
import json
import os
import subprocess
import sys

import yaml

from support.servers import ROOT


def _modules(folder: str):
    return sorted(p for p in (ROOT / folder).rglob("*.py") if ".venv" not in p.parts)


def _imported(path):
    """Every module name a file imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_nothing_under_overstag_imports_actions():
    offenders = {
        str(path.relative_to(ROOT)): name
        for path in _modules("overstag")
        for name in _imported(path)
        if name == "actions" or name.startswith("actions.")
    }
    assert offenders == {}


def test_the_check_finds_an_import_of_actions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from actions.coaching import X\n")
    assert "actions.coaching" in set(_imported(sample))


def test_one_actions_module_per_rules_file():
    rules = {p.stem for p in (ROOT / "data" / "rules").glob("*.yml")}
    modules = {p.stem for p in (ROOT / "actions").glob("*.py")} - {"__init__", "base"}
    assert modules == rules


def test_the_action_server_registers_exactly_the_domains_actions():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert set(executor.actions) == set(domain["actions"])


def test_importing_every_module_reads_and_writes_nothing(tmp_path):
    """No I/O at import: a fresh process, with an empty data folder named and no
    database URL set, imports every module of actions/ and overstag/ and creates
    nothing; the action server's modules leave Rasa and TensorFlow unloaded."""
    names = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for folder in ("actions", "overstag")
        for p in _modules(folder)
        if p.name != "__main__.py"
    ]
    script = (
        "import importlib, json, sys\n"
        "actions = [n for n in NAMES if n.startswith('actions')]\n"
        "for n in actions: importlib.import_module(n)\n"
        "light = not any(m == 'rasa' or m.startswith(('rasa.', 'tensorflow'))"
        " for m in sys.modules)\n"
        "for n in NAMES: importlib.import_module(n)\n"
        "print(json.dumps({'light': light}))\n"
    ).replace("NAMES", json.dumps(names))
    data = tmp_path / "data"
    env = {**os.environ, "OVERSTAG_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    env.pop("OVERSTAG_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"light": True}
    assert not data.exists(), "importing created the data folder"
