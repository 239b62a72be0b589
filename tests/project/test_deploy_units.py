"""The systemd units and the env example in deploy/, checked as text: no systemd runs
here, so the units are parsed, and handed to `systemd-analyze verify` when it is
installed."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from support.servers import ROOT

DEPLOY = ROOT / "deploy"
SERVERS = ("actions", "rasa")
SECRET_NAME = re.compile(r"[A-Z0-9_]*(TOKEN|PASSWORD|SECRET)[A-Z0-9_]*")
# a secret-looking name given a value, anywhere in a line
SECRET_ASSIGNMENT = re.compile(SECRET_NAME.pattern + r"=\S")
SYNTAX_PROBLEM = re.compile(r"Unknown key|Unknown section|Invalid|Failed to parse")
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ReadWritePaths": "/var/lib/overstag",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
    "LockPersonality": "yes",
    "RestrictRealtime": "yes",
    "SystemCallArchitectures": "native",
    "CapabilityBoundingSet": "",
}
ENV_VARIABLES = {
    "OVERSTAG_API_TOKEN",
    "OVERSTAG_ACTIONS_TOKEN",
    "OVERSTAG_ADVICE_API_TOKEN",
    "OVERSTAG_DATABASE_URL",
    "OVERSTAG_HOST",
    "OVERSTAG_PORT",
    "OVERSTAG_ACTIONS_HOST",
    "OVERSTAG_ACTIONS_PORT",
    "OVERSTAG_SLACK_BOT_TOKEN",
    "OVERSTAG_SLACK_SIGNING_SECRET",
    "OVERSTAG_TEAMS_APP_ID",
    "OVERSTAG_TEAMS_APP_PASSWORD",
    "OVERSTAG_TEAMS_TENANT_ID",
}


def unit_path(server):
    return DEPLOY / f"overstag-{server}.service"


def parse(text):
    # strict: a key given twice would be a mistake in these units (systemd would
    # quietly take the last one, or append); keys keep their case, values their '%'
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser


@pytest.fixture(params=SERVERS)
def server(request):
    return request.param


@pytest.fixture
def unit(server):
    return parse(unit_path(server).read_text())


def test_a_unit_has_the_three_sections(unit):
    assert unit.sections() == ["Unit", "Service", "Install"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_a_unit_runs_the_launcher_for_its_own_server_only(unit, server):
    command = shlex.split(unit["Service"]["ExecStart"])
    assert os.path.isabs(command[0]) and os.path.basename(command[0]) == "python"
    assert command[0] == "/opt/overstag/.venv/bin/python"
    assert command[1:] == ["-m", "overstag.launcher", "--only", server]
    assert unit["Service"]["WorkingDirectory"] == "/opt/overstag"


def test_a_unit_is_restarted_and_runs_unprivileged(unit):
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert service["RestartSec"] == "2"
    assert service["UMask"] == "0077"
    assert service["User"] == service["Group"] == "overstag"
    assert service["User"] not in ("root", "0")


def test_a_unit_keeps_its_state_and_settings_in_the_right_places(unit):
    service = unit["Service"]
    assert service["EnvironmentFile"] == "/etc/overstag/overstag.env"
    assert shlex.split(service["Environment"]) == [
        "OVERSTAG_DATA_DIR=/var/lib/overstag",
        "RASA_TELEMETRY_ENABLED=false",
    ]
    assert service["StateDirectory"] == "overstag"
    assert service["StateDirectoryMode"] == "0700"


def test_a_unit_is_hardened(unit):
    service = unit["Service"]
    assert {key: service.get(key) for key in HARDENING} == HARDENING


def test_the_rasa_server_starts_after_the_action_server():
    unit = parse(unit_path("rasa").read_text())["Unit"]
    for key in ("After", "Wants"):
        assert set(unit[key].split()) == {
            "overstag-actions.service",
            "network-online.target",
        }
    service = parse(unit_path("rasa").read_text())["Service"]
    assert int(service["TimeoutStartSec"]) >= 180


def test_no_unit_holds_a_secret(server):
    text = unit_path(server).read_text()
    assert not [line for line in text.splitlines() if SECRET_ASSIGNMENT.search(line)]


def test_the_secret_check_sees_a_secret():
    assert SECRET_ASSIGNMENT.search("Environment=OVERSTAG_API_TOKEN=abc")
    assert SECRET_ASSIGNMENT.search("Environment=X=1 OVERSTAG_TEAMS_APP_PASSWORD=pw")
    assert not SECRET_ASSIGNMENT.search("# OVERSTAG_SLACK_SIGNING_SECRET=")


def _env_example():
    """{name: value} of every `# NAME=value` line; any other line is a comment."""
    assigned = {}
    for line in (DEPLOY / "overstag.env.example").read_text().splitlines():
        assert not line.strip() or line.startswith("#"), f"not commented: {line}"
        match = re.fullmatch(r"#\s*([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            assert match.group(1) not in assigned, f"{match.group(1)} twice"
            assigned[match.group(1)] = match.group(2)
    return assigned


def test_the_env_example_names_every_variable_and_no_secret():
    assigned = _env_example()
    assert set(assigned) == ENV_VARIABLES
    secrets = {name: v for name, v in assigned.items() if SECRET_NAME.fullmatch(name)}
    assert len(secrets) == 6 and set(secrets.values()) == {""}
    url = assigned["OVERSTAG_DATABASE_URL"]
    assert url.startswith("postgresql://")
    assert re.fullmatch(r"postgresql://\w+:<password>@[\w.:]+/\w+", url)
    assert assigned["OVERSTAG_HOST"] == assigned["OVERSTAG_ACTIONS_HOST"] == "127.0.0.1"
    assert (assigned["OVERSTAG_PORT"], assigned["OVERSTAG_ACTIONS_PORT"]) == (
        "5005",
        "5055",
    )


def test_the_env_example_names_only_variables_overstag_reads():
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "overstag").rglob("*.py")
    )
    assert {name for name in ENV_VARIABLES if f'"{name}"' not in source} == set()


def test_the_readme_installs_these_files():
    readme = (DEPLOY / "README.md").read_text()
    for name in ("overstag-actions.service", "overstag-rasa.service"):
        assert f"deploy/{name}" in readme
    assert "install -m 600 deploy/overstag.env.example /etc/overstag/overstag.env" in (
        readme
    )
    assert "systemctl daemon-reload" in readme and "enable --now" in readme
    assert "journalctl -u overstag-rasa" in readme and "TLS" in readme


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd_analyze = pytest.mark.skipif(
    not SYSTEMD_ANALYZE, reason="systemd-analyze is not installed"
)


def _verify(folder, texts):
    """systemd-analyze verify's complaints about the syntax of these units."""
    paths = []
    for name, text in texts.items():
        # verify wants ExecStart's program to exist
        text = text.replace("/opt/overstag/.venv/bin/python", sys.executable)
        (folder / name).write_text(text)
        paths.append(str(folder / name))
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", *paths],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0"},
    )
    output = (result.stdout + result.stderr).splitlines()
    return [line for line in output if SYNTAX_PROBLEM.search(line)]


@needs_systemd_analyze
def test_systemd_analyze_accepts_the_units(tmp_path):
    texts = {unit_path(s).name: unit_path(s).read_text() for s in SERVERS}
    assert _verify(tmp_path, texts) == []


@needs_systemd_analyze
def test_systemd_analyze_would_see_a_mistake(tmp_path):
    text = unit_path("actions").read_text().replace("UMask=0077", "UMask=0o77")
    text = text.replace("Restart=always", "Restart=always\nRestartAfter=2")
    problems = _verify(tmp_path, {"overstag-actions.service": text})
    assert len(problems) == 2, problems
