# salesproc: `make run` for a demo CRM on SQLite, `make test` for the test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run install migrate demo test lint format worker beat web clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "  salesproc is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo "  Log in as admin, manager1, manager2, rep1..rep4; the password is: demo"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The checks run as on a development machine, even against CI's PostgreSQL and Redis
# (which would otherwise mean production: DEBUG off, SECRET_KEY required).
test: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

web: install
	$(VENV)/bin/gunicorn salesproc.wsgi --bind 0.0.0.0:$(PORT) --workers 3

worker: install
	$(VENV)/bin/celery -A salesproc worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A salesproc beat --loglevel=info

clean:
	rm -rf $(VENV) salesproc.sqlite3 staticfiles
