# Two commands: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(PY) -m rasa
STAMP  := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)
# The widget's browser dependency (socket.io-client) from the npm registry.
WEB_STAMP := web/node_modules/.installed-$(shell sha256sum web/package-lock.json | cut -c1-16)

export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

# The sentence encoder (bot/understanding): pinned weights converted to ONNX once.
ENCODER := models/encoder/manifest.json

.PHONY: help install browser encoder model run test test-python test-validate test-stories test-nlu bench lock clean

help:
	@echo "make run    set up, train if needed, start the assistant"
	@echo "make test   set up, train if needed, run every test"
	@echo "make bench  set up, train if needed, print speed, memory and accuracy figures"

$(STAMP): requirements.lock
	@rm -f $(VENV)/.installed-*
	@test -x $(PY) || "$$(scripts/find-python310)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

$(WEB_STAMP): web/package-lock.json
	@rm -f web/node_modules/.installed-*
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP) $(WEB_STAMP)

# Debian's chromium + chromedriver for the browser tests (installed once).
browser:
	@scripts/ensure-chromium

$(ENCODER): $(STAMP) bot/understanding/encoder.lock.json bot/understanding/build.py
	$(PY) -m bot.understanding.build

encoder: install $(ENCODER)

model: install $(ENCODER)
	@$(PY) scripts/train_if_changed.py

run: model
	$(PY) -m bot.launcher

test: model test-validate test-python test-stories test-nlu
	@echo "All tests passed."

test-validate: model
	$(RASA) data validate --fail-on-warnings

test-python: model browser
	$(PY) -m pytest

test-stories: model
	$(RASA) test core --model models/cik.tar.gz --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out results/stories

test-nlu: model
	$(RASA) test nlu --model models/cik.tar.gz --nlu tests/nlu/heldout.yml --out results/nlu
	$(PY) scripts/check_nlu_eval.py results/nlu

bench: model
	$(PY) -m bench

lock: install
	$(PY) -m pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) models results var web/node_modules
