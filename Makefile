# Overstag: `make run` to use it, `make test` to check it. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MODEL := models/overstag.tar.gz
MODEL_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(filter-out overstag/nlu/evaluate.py,$(wildcard overstag/nlu/*.py)) overstag/facts.py

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export PYTHONWARNINGS := ignore::DeprecationWarning
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: install train run cluster test test-fast check format check-content validate evaluate bench browser postgres redis haproxy oidc-provider deploy-validators clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt scripts/find-python.sh
	@PYTHON=$$(scripts/find-python.sh) && echo "Using $$PYTHON" && \
	  { [ -x $(PY) ] || $$PYTHON -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.3.1
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@mkdir -p var models
	@touch $@

train: $(MODEL)

$(MODEL): $(MODEL_INPUTS) | install
	$(PY) -m rasa train --fixed-model-name overstag --out models --quiet

run: install $(MODEL)
	$(PY) -m overstag.launcher --model $(MODEL)

# Two replicas on PostgreSQL and Redis behind HAProxy, on this machine (docs/cluster.md).
cluster: install $(MODEL) postgres redis haproxy
	$(PY) -m scripts.local_cluster

validate: install
	$(PY) -m rasa data validate --fail-on-warnings --quiet

UNTUNED := models/bench/rasa-init.tar.gz

$(UNTUNED): bench/config_rasa_init.yml domain.yml $(shell find data -name '*.yml') | install
	$(PY) -m rasa train --config bench/config_rasa_init.yml --fixed-model-name rasa-init --out models/bench --quiet

evaluate: install $(MODEL) $(UNTUNED)
	$(PY) -m overstag.nlu.evaluate --model $(MODEL) --untuned $(UNTUNED) --tfidf

# Full runtime benchmark (trains both configs from scratch: over half an hour); figures in docs/benchmarks.md.
# BENCH_ARGS=--reuse-untuned reuses the untuned model and its training time while its inputs are unchanged.
bench: install postgres redis haproxy
	$(PY) -m bench.runtime --json bench/results.json $(BENCH_ARGS)
	$(PY) -m bench.cluster_throughput --json bench/cluster.json

# Chromium drives the web page test; Debian's package, never a downloaded build.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser test needs Chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# PostgreSQL for the test that runs Overstag on it; Debian's package, run on loopback by the test.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "The PostgreSQL test needs: sudo apt-get install postgresql" >&2; exit 1; fi; }

# Redis for the conversation lock across servers; Debian's package, run on loopback.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else echo "The cluster needs Redis: sudo apt-get install redis-server" >&2; exit 1; fi; }

# HAProxy, the cluster's balancer (and the check of deploy/compose/haproxy.cfg).
haproxy:
	@{ command -v haproxy || test -x /usr/sbin/haproxy; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	  else echo "The cluster needs HAProxy: sudo apt-get install haproxy" >&2; exit 1; fi; }

# The deployment files' validators (kubernetes-validate, check-jsonschema), in a venv
# of their own: they need jsonschema >= 4.18, Rasa 3.6 pins < 4.18.
DEPLOY_VENV := .venv-deploy
deploy-validators: $(DEPLOY_VENV)/.installed

$(DEPLOY_VENV)/.installed: requirements-deploy.txt scripts/find-python.sh
	@PYTHON=$$(scripts/find-python.sh) && { [ -x $(DEPLOY_VENV)/bin/python ] || $$PYTHON -m venv $(DEPLOY_VENV); }
	$(DEPLOY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-deploy.txt
	@touch $@

# The local OpenID Connect provider of the sign-in tests, in a venv of its own:
# it needs pydantic 2, Rasa 3.6 pydantic 1.
OIDC_VENV := .venv-oidc
oidc-provider: $(OIDC_VENV)/.installed

$(OIDC_VENV)/.installed: requirements-oidc.txt scripts/find-python.sh
	@PYTHON=$$(scripts/find-python.sh) && { [ -x $(OIDC_VENV)/bin/python ] || $$PYTHON -m venv $(OIDC_VENV); }
	$(OIDC_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-oidc.txt
	@touch $@

# Lint and format check (ruff, configured in pyproject.toml); `make format` fixes what it can.
check: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Every gap in the editable content at once; CONTENT=dir checks another folder.
CONTENT ?= content
check-content: install
	$(PY) -m overstag.content_check --content $(CONTENT)

test: check install $(MODEL) browser postgres redis haproxy oidc-provider deploy-validators
	$(PY) -m pytest tests

# The inner loop: unit tests only (no servers, database servers, browser, Rasa process or model).
test-fast: install deploy-validators
	$(PY) -m pytest tests -m "not integration"

clean:
	rm -rf models/*.tar.gz .rasa var
