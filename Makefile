# fanout — operations CLI for SNS→SQS fan-out systems.
# Usage: make <target> [REGION=<aws-region>] [PREFIX=/usr/local]

SWIFT   ?= swift
PREFIX  ?= /usr/local
REGION  ?= eu-west-1
BIN     := .build/release/fanout
LOCAL   := .local/moto.env
# After `make local-up`, the targets below talk to the local moto server.
-include $(LOCAL)
FANOUT  := $(BIN) --region $(REGION)

.DEFAULT_GOAL := help
.PHONY: help requirements deps build release install uninstall test completions readme clean demo local-up local-down stack-up publish poll scan destroy bench

help: ## Show this help
	@echo "Usage: make <target> [REGION=<aws-region>] [PREFIX=<dir>]"
	@echo ""
	@echo "  REGION   AWS region for targets that call AWS (default: $(REGION))"
	@echo "  PREFIX   install prefix (default: $(PREFIX))"
	@echo ""
	@echo "Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

requirements: deps ## Install everything the build and tests need (apt packages, moto)
	@scripts/deps.sh --moto

deps: ## Install libcurl, libssl and libjq dev packages when missing
	@scripts/deps.sh

build: deps ## Build the debug binary (.build/debug/fanout)
	$(SWIFT) build

release: deps ## Build the optimised binary (.build/release/fanout)
	$(SWIFT) build -c release

install: release ## Install the binary and shell completions under PREFIX
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/fanout
	install -m 644 completions/fanout.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/fanout
	install -m 644 completions/_fanout $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_fanout
	install -m 644 completions/fanout.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/fanout.fish

uninstall: ## Remove what install put under PREFIX
	rm -f $(DESTDIR)$(PREFIX)/bin/fanout $(DESTDIR)$(PREFIX)/share/bash-completion/completions/fanout \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_fanout $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/fanout.fish

test: ## Run the whole test suite against local moto servers (installs what is missing)
	@scripts/deps.sh --moto
	$(SWIFT) build --build-tests
	@# One test at a time: the tests that run the binary wait for it on one of the test process's few pool threads
	@# (2 on a 2-core machine); in parallel they starve the async tests beside them, whose deadlines then fire.
	scripts/with-moto.sh $(SWIFT) test --skip-build --no-parallel

completions: build ## Regenerate completions/ and the README command reference from the command spec
	.build/debug/fanout completions bash > completions/fanout.bash
	.build/debug/fanout completions zsh > completions/_fanout
	.build/debug/fanout completions fish > completions/fanout.fish

clean: ## Remove build products
	rm -rf .build

readme: build ## Regenerate the README's command reference from the command spec
	@scripts/readme-reference.sh .build/debug/fanout README.md

demo: requirements release ## Seed 000's lifecycle end to end on a local moto server, then clean up
	@scripts/demo.sh $(BIN)

local-up: requirements ## Start a moto server for manual use; its endpoint goes to .local/moto.env
	@scripts/local-moto.sh up

local-down: ## Stop the moto server started by local-up
	@scripts/local-moto.sh down

stack-up: release ## Provision the topology (fanout stack up) and write terraform/outputs.json
	$(FANOUT) stack up

publish: release ## Publish a test message to the topic
	$(FANOUT) publish '{"text": "fanout-test-1"}'

poll: release ## Watch every queue every 10 s (Delayed/InFlight/Visible) — Ctrl+C to stop
	$(FANOUT) poll

scan: release ## Show the records the consumers wrote
	$(FANOUT) scan

destroy: release ## Delete every resource terraform/outputs.json names
	$(FANOUT) stack down

# BENCH_CANNED_MESSAGES (default 5000) sets N of the canned runs; BENCH_MESSAGES and BENCH_REPEATS those of the moto
# runs (here 1000 and 3, so that the whole target stays near 10 minutes; bench.py alone defaults to 2000 and 5).
bench: requirements release ## fanout beside boto3 and the aws CLI: canned endpoint at 0 and 20 ms, then end to end on moto
	@scripts/deps.sh --bench
	FANOUT_BIN=$(BIN) BENCH_LATENCIES="0 20" bench/with-canned.sh python3 bench/latency_bench.py
	FANOUT_BIN=$(BIN) FANOUT_SKIP_LOCALSTACK=1 BENCH_MESSAGES=$${BENCH_MESSAGES:-1000} BENCH_REPEATS=$${BENCH_REPEATS:-3} \
	  scripts/with-moto.sh python3 bench/bench.py
