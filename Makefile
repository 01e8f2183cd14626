# Task runner: each target is a command of the README (Quick start, Offline preview, checks). `make help` lists them.
# The first two are exactly the Quick start's two commands; the rest assume the venv they create.
.PHONY: help preview test lint typecheck generate check-generated ci

PY := venv/bin/python
STACK ?= production

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

preview: ## Quick start 1: install the hash-locked preview set, run the offline preview (STACK=production)
	python3 -m venv venv && venv/bin/pip install -q uv==0.13.9 && venv/bin/uv pip install -q --python venv/bin/python -r requirements.lock && venv/bin/python -m preview $(STACK)

test: ## Quick start 2: install the hash-locked dev set, run the whole test suite (what .ci/run runs)
	python3 -m venv venv && venv/bin/pip install -q uv==0.13.9 && venv/bin/uv pip install -q --python venv/bin/python --compile-bytecode -r requirements-dev.lock && venv/bin/python -m pytest -n auto

lint: ## ruff lint and format check
	venv/bin/ruff check . && venv/bin/ruff format --check .

typecheck: ## mypy over the program, the preview, the pack and the operations tool
	venv/bin/mypy components preview policies ops

generate: ## regenerate every generated file from its one source
	$(PY) tools/gen_config_doc.py && $(PY) tools/gen_project_config.py && $(PY) tools/gen_outputs_contract.py && $(PY) tools/gen_cost_doc.py && $(PY) tools/gen_taggable.py && $(PY) tools/gen_package_schema.py && $(PY) tools/gen_alert_routes.py && $(PY) tools/gen_replacements.py

check-generated: ## fail when a generated file is stale (the tests check the same)
	$(PY) tools/gen_config_doc.py --check && $(PY) tools/gen_project_config.py --check && $(PY) tools/gen_outputs_contract.py --check && $(PY) tools/gen_cost_doc.py --check && $(PY) tools/gen_taggable.py --check && $(PY) tools/gen_package_schema.py --check && $(PY) tools/gen_alert_routes.py --check && $(PY) tools/gen_replacements.py --check

ci: ## what CI runs on a clean clone
	./.ci/run
