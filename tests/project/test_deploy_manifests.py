"""The container deployment in deploy/ (the Dockerfile, docker-compose.yml with its
haproxy.cfg, the Kubernetes manifests), checked without an engine: no Docker and
no cluster run here.

- The Kubernetes manifests validate, strictly, against the schemas of two Kubernetes
  versions that `kubernetes-validate` ships; docker-compose.yml against the Compose
  Specification's JSON schema (`check-jsonschema --builtin-schema
  vendor.compose-spec`). Both tools live in .venv-deploy (`make deploy-validators`,
  requirements-deploy.txt): they need a jsonschema newer than Rasa 3.6 allows.
- haproxy.cfg passes `haproxy -c` when HAProxy is installed, and keeps no stickiness.
- Every variable the files set is one Overstag's code reads (or Rasa's, Python's,
  listed below with the reason), every command is the launcher's, read by the
  launcher's own argument parser, and the settings of each container pass the
  launcher's own start-up checks.
- The probes, resource requests, disruption budgets and selectors fit together, and
  no secret value is written in any file: the Kubernetes Secret is only referenced,
  the compose file takes every secret from the environment.

Each validator is shown a broken copy as well, so that it is seen to fail.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import yaml

from support.servers import ROOT

DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose" / "docker-compose.yml"
HAPROXY_CFG = DEPLOY / "compose" / "haproxy.cfg"
KUBERNETES = DEPLOY / "kubernetes"
DOCS = ROOT / "docs" / "deployment.md"
DEPLOY_VENV = Path(os.environ.get("DEPLOY_VENV") or ROOT / ".venv-deploy")
KUBERNETES_VALIDATE = DEPLOY_VENV / "bin" / "kubernetes-validate"
CHECK_JSONSCHEMA = DEPLOY_VENV / "bin" / "check-jsonschema"
# the oldest and the newest release kubernetes-validate 1.37 ships schemas for that
# the manifests are meant for (policy/v1 PodDisruptionBudgets, networking.k8s.io/v1)
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
SERVERS = ("rasa", "actions")
PORT_VARIABLE = {"rasa": "OVERSTAG_PORT", "actions": "OVERSTAG_ACTIONS_PORT"}
REPLICAS = 2
LAUNCHER = ["python", "-m", "overstag.launcher"]
SECRET_REF = "overstag-secrets"
CONFIG_MAP = "overstag-config"

# a secret by its name: tokens, passwords, secrets, and the URLs that carry a password
SECRET_NAME = re.compile(
    r"[A-Z0-9_]*(TOKEN|PASSWORD|SECRET)[A-Z0-9_]*|[A-Z0-9_]*_(DATABASE|REDIS)_URL"
    r"|REDISCLI_AUTH"
)
# how Overstag's code reads a variable: os.environ.get("X"), os.getenv("X"),
# settings._env("X"), config._listed("X"), os.environ["X"], env.setdefault("X", ...)
READS = re.compile(
    r"""(?:environ\.get|getenv|_env|_listed|\.setdefault)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
# variables that are not Overstag's own: the file of the installed Rasa that reads
# each (the test checks the name is there), and why the deployment sets it
RASA_READS = {
    "SANIC_WORKERS": (
        "constants.py",
        "Sanic workers per Rasa server (ENV_SANIC_WORKERS); Overstag's settings "
        "check it against OVERSTAG_REDIS_URL",
    ),
    "RASA_TELEMETRY_ENABLED": ("telemetry.py", "no telemetry from a server"),
}
# set in the image for Python, pip (at build time) and TensorFlow, never read by
# Overstag's code; the reason for each
RUNTIME_VARIABLES = {
    "PYTHONPATH": "the launcher and Rasa import overstag and actions from the code",
    "PYTHONUNBUFFERED": "log lines reach the container's log at once",
    "PYTHONDONTWRITEBYTECODE": "the code is compiled at build time; it is read-only",
    "PIP_DISABLE_PIP_VERSION_CHECK": "pip at build time: no look-up of a newer pip",
    "PIP_NO_CACHE_DIR": "pip at build time: no cache left in the image",
    "TF_CPP_MIN_LOG_LEVEL": "TensorFlow's C++ log level, as the Makefile exports it",
}
# settings the cluster work adds (OVERSTAG_REDIS_URL turns on the shared lock
# store and duplicate detection); the Rasa servers' files must set them
CLUSTER_VARIABLES = ("OVERSTAG_REDIS_URL", "SANIC_WORKERS")
# the only paths the load balancer and the Ingress forward (deploy/README.md)
PUBLIC_PATHS = ("/webhooks/", "/api/")
STICKY = re.compile(
    r"^\s*(cookie|stick|stick-table|appsession|persist|hash-type)\b"
    r"|^\s*balance\s+(source|uri|url_param|hdr|rdp-cookie)\b"
    r"|^\s*(server|server-template|default-server)\b.*\scookie\s",
    re.MULTILINE,
)


# --- what the code reads ----------------------------------------------------------


def _rasa_dir():
    return Path(importlib.util.find_spec("rasa").submodule_search_locations[0])


def overstag_reads():
    """Every variable name a string literal in overstag/**/*.py reads."""
    names = set()
    for path in (ROOT / "overstag").rglob("*.py"):
        for match in READS.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


def known_variables():
    return overstag_reads() | set(RASA_READS)


def unknown(names):
    return sorted(set(names) - known_variables())


def test_the_scan_finds_what_the_code_reads():
    reads = overstag_reads()
    # one read each way: environ.get, _env, _listed, setdefault
    assert {
        "OVERSTAG_DATABASE_URL",
        "OVERSTAG_ACTIONS_TOKEN",
        "OVERSTAG_TRUSTED_PROXIES",
        "RASA_TELEMETRY_ENABLED",
    } <= reads
    assert set(CLUSTER_VARIABLES) <= known_variables()
    assert unknown(["OVERSTAG_ACTION_TOKEN", "OVERSTAG_PORT"]) == [
        "OVERSTAG_ACTION_TOKEN"
    ]


def test_rasa_reads_the_variables_listed_as_rasas():
    for name, (filename, _) in RASA_READS.items():
        assert f'"{name}"' in (_rasa_dir() / filename).read_text(), name


# --- the launcher's own reading of a command --------------------------------------


class _ParsedError(Exception):
    pass


def launcher_arguments(args, monkeypatch):
    """The launcher's parser's reading of `args` (its main() up to where it starts
    preparing), or None when the parser refuses them."""
    from overstag import launcher

    seen = {}
    parse = argparse.ArgumentParser.parse_args

    def parse_and_keep(self, *given, **named):
        seen["args"] = parse(self, *given, **named)
        return seen["args"]

    def stop():
        raise _ParsedError

    with monkeypatch.context() as patch:
        patch.setattr(argparse.ArgumentParser, "parse_args", parse_and_keep)
        patch.setattr(launcher, "prepare", stop)
        try:
            launcher.main(list(args))
        except _ParsedError:
            return seen["args"]
        except SystemExit:
            return None
    raise AssertionError("the launcher went past its parser")


def assert_runs_the_launcher(command, server, monkeypatch):
    assert command[:3] == LAUNCHER, command
    args = launcher_arguments(command[3:], monkeypatch)
    assert args is not None, f"the launcher refuses {command[3:]}"
    assert args.only == server


def test_the_launcher_parser_refuses_a_process_it_does_not_know(monkeypatch):
    assert launcher_arguments(["--only", "rasa"], monkeypatch).only == "rasa"
    assert launcher_arguments(["--only", "worker"], monkeypatch) is None
    assert launcher_arguments(["--only"], monkeypatch) is None


def prepared(env, tmp_path, monkeypatch):
    """What the launcher's start-up checks say about a container with this
    environment (None: it would start)."""
    from overstag import launcher

    for name in list(os.environ):
        if name.startswith("OVERSTAG_") or name in RASA_READS:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OVERSTAG_DATA_DIR", str(tmp_path / "data"))
    umask = os.umask(0o022)  # prepare() sets the umask for the servers it starts
    os.umask(umask)
    try:
        return launcher.prepare()
    finally:
        os.umask(umask)


def sample_secret(name):
    """A stand-in value of the shape the setting wants."""
    if name.endswith("DATABASE_URL"):
        return "postgresql://overstag:stand-in@postgres:5432/overstag"
    if name.endswith("REDIS_URL"):
        return "redis://:stand-in@redis:6379/0"
    return "stand-in-" + name.lower()


# --- the validators ----------------------------------------------------------------


def _tool(path):
    if not path.exists():
        pytest.fail(
            f"{path.name} is not in {DEPLOY_VENV}: run `make deploy-validators`"
        )
    return str(path)


def kubernetes_validate(paths, version):
    result = subprocess.run(
        [
            _tool(KUBERNETES_VALIDATE),
            "--strict",
            "--kubernetes-version",
            version,
            "--quiet",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, (result.stdout + result.stderr).strip()


def compose_validate(path):
    result = subprocess.run(
        [
            _tool(CHECK_JSONSCHEMA),
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, (result.stdout + result.stderr).strip()


HAPROXY = shutil.which("haproxy")
needs_haproxy = pytest.mark.skipif(
    not HAPROXY,
    reason="haproxy is not installed (apt-get install haproxy; `make haproxy`)",
)


def haproxy_check(path):
    result = subprocess.run(
        [HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True, timeout=60
    )
    return result.returncode, (result.stdout + result.stderr).strip()


# --- the Kubernetes manifests ----------------------------------------------------


def manifest_paths():
    return sorted(KUBERNETES.glob("*.yaml"))


def documents():
    found = []
    for path in manifest_paths():
        found += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def of_kind(kind):
    return [doc for doc in documents() if doc["kind"] == kind]


def deployment(server):
    (found,) = [d for d in of_kind("Deployment") if _component(d) == server]
    return found


def _component(doc):
    return doc["metadata"]["labels"]["app.kubernetes.io/component"]


def _container(server):
    (container,) = deployment(server)["spec"]["template"]["spec"]["containers"]
    return container


def _selects(selector, labels):
    return bool(selector) and selector.items() <= labels.items()


def _pod_labels(doc):
    return doc["spec"]["template"]["metadata"]["labels"]


def config_map():
    (found,) = of_kind("ConfigMap")
    assert found["metadata"]["name"] == CONFIG_MAP
    return found["data"]


def container_variables(server):
    """{name: value} the container sets: the ConfigMap, then its own env (a Secret
    reference stands as None)."""
    container = _container(server)
    variables = {}
    for source in container.get("envFrom", []):
        assert source["configMapRef"]["name"] == CONFIG_MAP
        variables.update(config_map())
    for entry in container.get("env", []):
        variables[entry["name"]] = entry.get("value")
    return variables


def test_the_manifests_hold_what_the_deployment_needs():
    kinds = sorted(doc["kind"] for doc in documents())
    assert kinds == sorted(
        ["ConfigMap", "Ingress", "NetworkPolicy"]
        + ["Deployment", "Service", "PodDisruptionBudget"] * len(SERVERS)
    )
    assert {_component(d) for d in of_kind("Deployment")} == set(SERVERS)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_the_manifests_validate_against_the_kubernetes_schemas(version):
    assert kubernetes_validate(manifest_paths(), version) == (0, "")


def test_kubernetes_validate_sees_a_mistake(tmp_path):
    text = (KUBERNETES / "rasa.yaml").read_text()
    typo = tmp_path / "typo.yaml"
    typo.write_text(text.replace("readinessProbe:", "readinesProbe:"))
    wrong_type = tmp_path / "wrong-type.yaml"
    wrong_type.write_text(text.replace("replicas: 2", 'replicas: "two"'))
    for broken, problem in ((typo, "readinesProbe"), (wrong_type, "'two'")):
        status, output = kubernetes_validate([broken], KUBERNETES_VERSIONS[-1])
        assert status != 0 and problem in output, output


def test_each_deployment_runs_its_server_with_the_launcher(monkeypatch):
    for server in SERVERS:
        assert deployment(server)["spec"]["replicas"] == REPLICAS
        assert_runs_the_launcher(_container(server)["command"], server, monkeypatch)
        assert "args" not in _container(server)


def test_every_variable_the_manifests_set_is_one_the_code_reads():
    for server in SERVERS:
        assert unknown(container_variables(server)) == [], server
    assert unknown(config_map()) == []
    assert set(CLUSTER_VARIABLES) <= set(container_variables("rasa"))


def test_the_manifests_settings_pass_the_launchers_checks(tmp_path, monkeypatch):
    for server in SERVERS:
        variables = container_variables(server)
        refs = {
            entry["name"]: entry["valueFrom"]["secretKeyRef"]
            for entry in _container(server).get("env", [])
            if "valueFrom" in entry
        }
        required = {name for name, ref in refs.items() if not ref.get("optional")}
        env = {
            name: value if value is not None else sample_secret(name)
            for name, value in variables.items()
            if name not in refs or name in required
        }
        # the Secret with its required keys only, and with every optional one too
        assert prepared(env, tmp_path / "required", monkeypatch) is None, server
        full = {**env, **{name: sample_secret(name) for name in refs}}
        assert prepared(full, tmp_path / "full", monkeypatch) is None, server
    open_without_sign_in = {**config_map(), "OVERSTAG_AUTH": "local"}
    assert "OVERSTAG_AUTH=oidc or proxy" in prepared(
        open_without_sign_in, tmp_path / "local", monkeypatch
    )


def test_the_servers_reach_each_other_through_the_services():
    settings = config_map()
    services = {doc["metadata"]["name"]: doc for doc in of_kind("Service")}
    url = urllib.parse.urlsplit(settings["OVERSTAG_ACTIONS_URL"])
    service = services[url.hostname]
    assert _selects(service["spec"]["selector"], _pod_labels(deployment("actions")))
    assert url.port == service["spec"]["ports"][0]["port"] and url.path == "/webhook"
    for server in SERVERS:
        (port,) = _container(server)["ports"]
        assert port["containerPort"] == int(settings[PORT_VARIABLE[server]])
    assert settings["OVERSTAG_HOST"] == settings["OVERSTAG_ACTIONS_HOST"] == "0.0.0.0"


def test_every_container_has_probes_on_an_open_route():
    from overstag import action_server

    rasa_server = (_rasa_dir() / "server.py").read_text()
    # Rasa's GET / has no auth decorator (its /status wants the token)
    assert '@app.get("/")\n    async def hello' in rasa_server
    open_paths = {"rasa": {"/"}, "actions": action_server.OPEN_PATHS}
    for server in SERVERS:
        container = _container(server)
        (port,) = container["ports"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            check = container[probe]["httpGet"]
            assert check["path"] in open_paths[server], (server, probe)
            assert check["port"] in (port["name"], port["containerPort"])
            assert "token" not in check["path"].lower()
        # the model loads before the server answers: the start-up probe waits for it
        startup = container["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] >= (
            180 if server == "rasa" else 60
        )


def test_every_container_requests_resources_and_runs_unprivileged():
    for server in SERVERS:
        container = _container(server)
        resources = container["resources"]
        assert {"cpu", "memory"} <= resources["requests"].keys(), server
        assert "memory" in resources["limits"], server
        pod = deployment(server)["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert pod["automountServiceAccountToken"] is False
        # a Service named overstag-actions would otherwise set
        # OVERSTAG_ACTIONS_PORT=tcp://<address>:5055 in every pod
        assert pod["enableServiceLinks"] is False
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert config_map()["OVERSTAG_DATA_DIR"] in mounts and "/tmp" in mounts


def test_each_budget_and_service_selects_its_own_deployments_pods():
    for kind in ("PodDisruptionBudget", "Service"):
        for doc in of_kind(kind):
            spec = doc["spec"]
            selector = (
                spec["selector"]["matchLabels"]
                if kind != "Service"
                else (spec["selector"])
            )
            chosen = [
                _component(d)
                for d in of_kind("Deployment")
                if _selects(selector, _pod_labels(d))
            ]
            assert chosen == [_component(doc)], (kind, doc["metadata"]["name"])
            server = chosen[0]
            if kind == "PodDisruptionBudget":
                # an eviction can go ahead, and never takes the last replica
                assert (
                    1 <= spec["minAvailable"] < deployment(server)["spec"]["replicas"]
                )
            else:
                assert spec.get("sessionAffinity", "None") == "None"
                (port,) = spec["ports"]
                (container_port,) = _container(server)["ports"]
                assert port["targetPort"] in (
                    container_port["name"],
                    container_port["containerPort"],
                )
    for doc in of_kind("Deployment"):
        selector = doc["spec"]["selector"]["matchLabels"]
        assert _selects(selector, _pod_labels(doc))


def test_the_selector_check_sees_a_budget_that_selects_nothing():
    assert not _selects({"app.kubernetes.io/component": "rasa-server"}, {"a": "b"})
    assert not _selects({}, {"app.kubernetes.io/component": "rasa"})


def test_only_the_rasa_servers_reach_the_action_servers():
    (policy,) = of_kind("NetworkPolicy")
    assert _selects(
        policy["spec"]["podSelector"]["matchLabels"], _pod_labels(deployment("actions"))
    )
    ((rule,),) = [r["from"] for r in policy["spec"]["ingress"]]
    assert _selects(rule["podSelector"]["matchLabels"], _pod_labels(deployment("rasa")))


def test_the_ingress_forwards_the_public_paths_to_the_rasa_service_only():
    (ingress,) = of_kind("Ingress")
    assert not any(
        "affinity" in key or "sticky" in key
        for key in ingress["metadata"].get("annotations", {})
    )
    (rule,) = ingress["spec"]["rules"]
    assert (
        rule["host"]
        == urllib.parse.urlsplit(config_map()["OVERSTAG_PUBLIC_URL"]).hostname
    )
    assert config_map()["OVERSTAG_PUBLIC_URL"].startswith("https://")
    assert rule["host"] in ingress["spec"]["tls"][0]["hosts"]
    paths = rule["http"]["paths"]
    assert tuple(p["path"] for p in paths) == PUBLIC_PATHS
    assert {p["backend"]["service"]["name"] for p in paths} == {"overstag-rasa"}


def secret_problems(server):
    """Secret-named variables of a container that do not come from the Secret."""
    problems = []
    for entry in _container(server).get("env", []):
        name = entry["name"]
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if SECRET_NAME.fullmatch(name) and not (
            ref and ref["name"] == SECRET_REF and ref["key"] == name
        ):
            problems.append(name)
    return problems


def test_no_secret_is_written_in_the_manifests():
    assert of_kind("Secret") == []
    for server in SERVERS:
        assert secret_problems(server) == [], server
    assert [name for name in config_map() if SECRET_NAME.fullmatch(name)] == []
    # no URL with a password, whatever its variable is called
    text = "\n".join(path.read_text() for path in manifest_paths())
    assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", text)


def test_the_secret_check_sees_a_secret(monkeypatch):
    assert SECRET_NAME.fullmatch("OVERSTAG_DATABASE_URL")
    assert SECRET_NAME.fullmatch("OVERSTAG_TEAMS_APP_PASSWORD")
    assert not SECRET_NAME.fullmatch("OVERSTAG_PUBLIC_URL")
    leaky = {
        "name": "rasa",
        "env": [{"name": "OVERSTAG_API_TOKEN", "value": "abc"}],
    }
    monkeypatch.setitem(globals(), "_container", lambda server: leaky)
    assert secret_problems("rasa") == ["OVERSTAG_API_TOKEN"]


# --- docker-compose.yml ----------------------------------------------------------


def compose():
    # PyYAML resolves the merge keys (<<: *anchor) as Compose does
    return yaml.safe_load(COMPOSE.read_text())


def overstag_services():
    """{server: service} of the services built from deploy/Dockerfile."""
    services = {}
    for name, service in compose()["services"].items():
        if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile":
            services[name] = service
    return services


INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?([?-])([^}]*))?\}")


def interpolate(value, env):
    """Compose's ${NAME:?message} and ${NAME:-default}, from `env`."""

    def one(match):
        name, kind, default = match.groups()
        if name in env:
            return env[name]
        assert kind == "-", f"{name} must be set"
        return default

    return INTERPOLATION.sub(one, str(value))


def test_the_compose_file_validates_against_the_compose_specification():
    assert compose_validate(COMPOSE) == (0, "ok -- validation done")


def test_the_compose_schema_sees_a_mistake(tmp_path):
    text = COMPOSE.read_text()
    typo = tmp_path / "typo.yml"
    typo.write_text(text.replace("      replicas: 2", "      replica: 2", 1))
    wrong_type = tmp_path / "wrong-type.yml"
    wrong_type.write_text(text.replace("  restart: unless-stopped", "  restart: 3", 1))
    for broken, problem in ((typo, "'replica'"), (wrong_type, "3 is not of type")):
        status, output = compose_validate(broken)
        assert status != 0 and problem in output, output


def test_compose_runs_each_server_with_the_launcher(monkeypatch):
    services = overstag_services()
    assert set(services) == set(SERVERS)
    for server, service in services.items():
        assert_runs_the_launcher(service["command"], server, monkeypatch)
        assert service["deploy"]["replicas"] == REPLICAS
        assert "container_name" not in service  # it would allow one replica only
        assert "ports" not in service  # only the balancer is published


def test_every_variable_compose_sets_is_one_the_code_reads():
    for server, service in overstag_services().items():
        assert unknown(service["environment"]) == [], server
    assert set(CLUSTER_VARIABLES) <= set(overstag_services()["rasa"]["environment"])


def compose_host_variables():
    """The variables compose itself reads from the shell or .env: {name: required}."""
    found = {}
    for match in INTERPOLATION.finditer(COMPOSE.read_text()):
        name, kind, _ = match.groups()
        found[name] = found.get(name, False) or kind == "?"
    return found


def sample_host_env():
    return {
        name: sample_secret(name) if SECRET_NAME.fullmatch(name) else "stand-in"
        for name, required in compose_host_variables().items()
        if required
    } | {
        "OVERSTAG_PUBLIC_URL": "https://overstag.example.org",
        "OVERSTAG_OIDC_ISSUER": "https://login.example.org/realms/newsroom",
    }


def test_the_compose_settings_pass_the_launchers_checks(tmp_path, monkeypatch):
    host = sample_host_env()
    for server, service in overstag_services().items():
        env = {k: interpolate(v, host) for k, v in service["environment"].items()}
        assert prepared(env, tmp_path / server, monkeypatch) is None, server
        url = env["OVERSTAG_DATABASE_URL"]
        assert urllib.parse.urlsplit(url).hostname in compose()["services"]
    with pytest.raises(AssertionError, match="OVERSTAG_API_TOKEN must be set"):
        interpolate(
            overstag_services()["rasa"]["environment"]["OVERSTAG_API_TOKEN"], {}
        )


def compose_secret_problems(services):
    """Secret-named variables given a value in the file instead of the environment."""
    problems = []
    for name, service in services.items():
        for variable, value in (service.get("environment") or {}).items():
            if not SECRET_NAME.fullmatch(variable):
                continue
            value = str(value)
            whole = INTERPOLATION.fullmatch(value)
            # a token: ${ITSELF:?...} or, when optional, ${ITSELF:-} (empty)
            token = whole and whole.group(2) == "?" or (whole and not whole.group(3))
            # a URL: only its password is interpolated, and required
            url = re.fullmatch(
                r"[a-z]+://[^:/@]*:\$\{[A-Z_]+:\?[^}]*\}@[^\s]+", value
            ) and not re.search(r"://[^:/@]*:[^$/@][^/@]*@", value)
            if not (token or url):
                problems.append(f"{name}.{variable}")
    return problems


def test_no_secret_is_written_in_the_compose_file():
    services = compose()["services"]
    assert compose_secret_problems(services) == []
    required = {n for n, req in compose_host_variables().items() if req}
    assert {
        "OVERSTAG_API_TOKEN",
        "OVERSTAG_ACTIONS_TOKEN",
        "OVERSTAG_ADVICE_API_TOKEN",
        "OVERSTAG_SESSION_SECRET",
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
    } <= required
    leaky = {
        "rasa": {"environment": {"OVERSTAG_API_TOKEN": "abc"}},
        "db": {"environment": {"POSTGRES_PASSWORD": "${POSTGRES_PASSWORD:-secret}"}},
        "web": {
            "environment": {
                "OVERSTAG_DATABASE_URL": "postgresql://u:pw@db:5432/overstag"
            }
        },
    }
    assert compose_secret_problems(leaky) == [
        "rasa.OVERSTAG_API_TOKEN",
        "db.POSTGRES_PASSWORD",
        "web.OVERSTAG_DATABASE_URL",
    ]


def test_the_docs_name_every_variable_compose_reads_from_the_environment():
    docs = DOCS.read_text()
    missing = [name for name in compose_host_variables() if f"{name}=" not in docs]
    assert missing == []


def test_the_compose_services_fit_together():
    data = compose()
    services = data["services"]
    for name, service in services.items():
        assert "healthcheck" in service or name == "haproxy", name
        for needed, condition in (service.get("depends_on") or {}).items():
            assert needed in services and "healthcheck" in services[needed]
            assert condition["condition"] == "service_healthy"
        assert set(service.get("networks", [])) <= set(data.get("networks", {}))
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (COMPOSE.parent / source).exists(), source
            else:
                assert source in data.get("volumes", {}), source
    for server, service in overstag_services().items():
        assert service["deploy"]["resources"]["reservations"].keys() >= {
            "cpus",
            "memory",
        }
        check = " ".join(service["healthcheck"]["test"])
        port = service["environment"][PORT_VARIABLE[server]]
        path = "/" if server == "rasa" else "/health"
        assert f"http://127.0.0.1:{port}{path}'" in check, server
    # the Rasa servers reach the action servers through the balancer
    url = urllib.parse.urlsplit(services["rasa"]["environment"]["OVERSTAG_ACTIONS_URL"])
    assert url.hostname == "haproxy" and url.path == "/webhook"
    assert f"bind :{url.port}" in HAPROXY_CFG.read_text()


# --- haproxy.cfg -----------------------------------------------------------------


def haproxy_sections():
    """{'backend rasa': [its lines], ...}, comments left out."""
    sections, current = {}, None
    for raw in HAPROXY_CFG.read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            current = line.strip()
            sections[current] = []
        else:
            sections[current].append(line.strip())
    return sections


@needs_haproxy
def test_haproxy_accepts_its_config():
    status, output = haproxy_check(HAPROXY_CFG)
    assert status == 0, output


@needs_haproxy
def test_haproxy_would_see_a_mistake(tmp_path):
    text = HAPROXY_CFG.read_text()
    for mistake, problem in (
        (("balance roundrobin", "balance roundrobbin"), "balance only supports"),
        (("option redispatch", "option redispatched"), "unknown option"),
    ):
        broken = tmp_path / "haproxy.cfg"
        broken.write_text(text.replace(*mistake, 1))
        status, output = haproxy_check(broken)
        assert status != 0 and problem in output, output


def test_haproxy_balances_round_robin_without_stickiness():
    text = HAPROXY_CFG.read_text()
    assert not STICKY.search("\n".join(map(str, haproxy_sections().values())))
    assert not STICKY.search(text)
    sections = haproxy_sections()
    services = compose()["services"]
    for server, section, path in (
        ("rasa", "backend rasa", "/"),
        ("actions", "listen actions", "/health"),
    ):
        lines = sections[section]
        assert "balance roundrobin" in lines
        assert f"http-check send meth GET uri {path}" in lines
        (template,) = [line for line in lines if line.startswith("server-template")]
        _, _, slots, address = shlex.split(template)[:4]
        host, port = address.split(":")
        assert host == server and int(slots) == services[server]["deploy"]["replicas"]
        assert port == services[server]["environment"][PORT_VARIABLE[server]]
    defaults = sections["defaults"]
    assert any(
        line.startswith("default-server") and " check" in line for line in defaults
    )
    frontend = sections["frontend overstag"]
    assert (
        "http-request deny deny_status 404 unless { path_beg %s }"
        % " ".join(PUBLIC_PATHS)
        in frontend
    )


def test_the_stickiness_check_sees_stickiness():
    for sticky in (
        "backend rasa\n    cookie SERVERID insert indirect",
        "backend rasa\n    stick-table type ip size 1m",
        "backend rasa\n    stick on src",
        "backend rasa\n    balance source",
        "backend rasa\n    server r1 rasa:5005 check cookie r1",
    ):
        assert STICKY.search(sticky), sticky
    assert not STICKY.search("backend rasa\n    balance roundrobin")


# --- the Dockerfile --------------------------------------------------------------


def dockerfile_instructions():
    """[(INSTRUCTION, arguments)], continuation lines joined, comments left out."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_the_image_installs_the_requirements_and_trains_the_model(monkeypatch):
    steps = dockerfile_instructions()
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.10-")
    runs = [rest for word, rest in steps if word == "RUN"]
    assert any("pip install -r requirements.txt" in run for run in runs)
    train = [run for run in runs if "rasa train" in run]
    assert train and "--fixed-model-name overstag --out models" in train[0]
    copied = [rest.split() for word, rest in steps if word == "COPY"]
    # never the whole checkout: var/ holds the tokens and the SQLite file
    assert all(sources[0] != "." for sources in copied)
    sources = {source for *given, _ in copied for source in given}
    for needed in ("overstag", "actions", "content", "data", "web", "domain.yml"):
        assert needed in sources, needed
    (user,) = [rest for word, rest in steps if word == "USER"]
    assert user not in ("root", "0")
    (command,) = [json.loads(rest) for word, rest in steps if word == "CMD"]
    assert_runs_the_launcher(command, "rasa", monkeypatch)
    assert not [word for word, _ in steps if word == "ENTRYPOINT"]


def test_every_variable_the_image_sets_is_known():
    names = []
    for word, rest in dockerfile_instructions():
        if word == "ENV":
            names += [pair.split("=", 1)[0] for pair in shlex.split(rest)]
    assert "OVERSTAG_DATA_DIR" in names
    assert [n for n in names if n not in RUNTIME_VARIABLES and unknown([n])] == []


# --- the docs --------------------------------------------------------------------


def test_the_docs_explain_each_file():
    docs = DOCS.read_text()
    for path in (DOCKERFILE, COMPOSE, HAPROXY_CFG, *manifest_paths()):
        assert str(path.relative_to(ROOT)) in docs, path.name
    assert "kubectl create secret generic overstag-secrets" in docs
    assert "docs/deployment.md" in (DEPLOY / "README.md").read_text()
