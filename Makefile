# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup migrate demo check-deploy smoke bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# uv installs the same pinned requirements as pip does, in seconds rather than minutes (ADR 0056), and
	@# compiles them to bytecode as pip does, so that no later process compiles Django again (ADR 0057).
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p var

migrate: setup
	mkdir -p var
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_dictionaries
	$(MANAGE) load_demo
	@# Rounds and declarations at every stage (issue 15 point 9; skipped once loaded): not in the test seed.
	$(MANAGE) load_demo_activity

run: demo
	@# 电子证书 are signed with a development test CA (ADR 0039); made once, kept afterwards.
	$(MANAGE) make_test_ca var/signing
	@echo "职称评审管理信息系统: http://$(HOST):$(PORT)/ (演示账号见 README.md)"
	@# The job worker (Django tasks, database queue: exports, batch PDFs, imports, daily work; ADR 0036) runs
	@# beside the web server and stops with it.
	$(MANAGE) run_jobs & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup
	@# The project's bytecode and pytest's rewritten test modules are kept between the test processes even where
	@# the machine sets PYTHONDONTWRITEBYTECODE (ADR 0057): each worker and subprocess would compile them again.
	PYTHONDONTWRITEBYTECODE= DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy title_review config
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	@# The layers of title_review (.importlinter, docs/decisions/0021-enforced-layers.md).
	$(BIN)/lint-imports

check-deploy: setup
	@# A stand-in signing key and chain (ADR 0039): the check needs files where production has the real ones.
	$(MANAGE) make_test_ca var/check-deploy-signing
	DJANGO_SETTINGS_MODULE=config.settings.prod DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	DJANGO_ALLOWED_HOSTS=zc.example.gov.cn \
	DJANGO_SMS_BACKEND=title_review.verification.backends.HttpGatewayBackend \
	DJANGO_SMS_GATEWAY_URL=https://sms.example.gov.cn/send \
	DJANGO_REDIS_URL=redis://127.0.0.1:6379/1 \
	DJANGO_CERTIFICATE_SIGNING_KEY=var/check-deploy-signing/signer.key \
	DJANGO_CERTIFICATE_SIGNING_CERT=var/check-deploy-signing/signer.pem \
	DJANGO_CERTIFICATE_SIGNING_CHAIN=var/check-deploy-signing/ca.pem \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# The production stack on this machine (deploy/smoke.py, ADR 0037): config.settings.prod under gunicorn behind
# nginx, PostgreSQL (its own database title_review_smoke), Redis and an S3 server; sign in, 待审核材料, an
# export job, a 评审表 PDF. Needs nginx and PostgreSQL; .ci/run runs it.
smoke: setup
	$(BIN)/python deploy/smoke.py

# The bench-only tools (locust, gunicorn, py-spy: bench/requirements.txt), installed into the venv when missing.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): bench/requirements.txt $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $(BENCH_STAMP)

bench: setup $(BENCH_STAMP)
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/lists.py all

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Issue 12 in one run: every declaration list at ~3,000 and ~300,000 in scope, the PDF and 汇总表 ratios, every
# import against a bulk insert, the surge at 50 users — each in databases of its own (bench/README.md); writes
# bench/results/lists.md and ends with one `RESULT {json}` line.
.PHONY: bench-lists
bench-lists: setup $(BENCH_STAMP)
	$(BIN)/python bench/lists.py all
