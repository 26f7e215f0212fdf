# Two commands for a fresh machine with only Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint messages bench clean audit

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Migrate, load the demo, then serve the portal with a Celery worker and beat until Ctrl-C.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  党支部工作管理平台: http://$(HOST):$(PORT)/"
	@echo "  demo logins (password demo-pass-2026): admin, committee, secretary, secretary2, member"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A config worker --loglevel=WARNING --concurrency=2 & \
	$(BIN)/celery -A config beat --loglevel=WARNING & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

## Lint (ruff, bandit, import contracts), check migrations and deploy settings, then run the whole suite.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level medium
	$(BIN)/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-0123456789abcdef \
	  DJANGO_ALLOWED_HOSTS=portal.example DATABASE_URL=$${DATABASE_URL:-sqlite:///check.sqlite3} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	  ID_NUMBER_ENCRYPTION_KEY=tTPOf0y3K6wFzY1yDl6R2oHqs7e5cK7l2hSy5Yy9Gxk= ID_NUMBER_INDEX_KEY=check \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level medium
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check .

## Extract translatable strings (needs GNU gettext); the compiled .mo files are committed.
messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete -i ".venv/*" -i "var/*" -i "bench/*" -i "tests/*"
	$(BIN)/python manage.py compilemessages -l en -i .venv -i var

## Known vulnerabilities in the pinned requirements (pip-audit; needs PyPI's advisory database online, so CI, which has
## no internet, does not run it). Installs pip-audit in its own virtualenv .venv-audit.
audit:
	$(PYTHON) -m venv .venv-audit
	.venv-audit/bin/pip install --quiet -r requirements-audit.txt
	.venv-audit/bin/pip-audit --strict -r requirements.txt -r requirements-dev.txt

bench: install-dev
	bench/run

clean:
	rm -rf $(VENV) var
