# fanout — operations CLI for SNS→SQS fan-out systems.
# Usage: make <target> [REGION=<aws-region>] [PREFIX=/usr/local]

SWIFT   ?= swift
PREFIX  ?= /usr/local
REGION  ?= eu-west-1
BIN     := .build/release/fanout

.DEFAULT_GOAL := help
.PHONY: help requirements deps build release install uninstall test completions readme clean

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
	scripts/with-moto.sh $(SWIFT) test --skip-build

completions: build ## Regenerate completions/ and the README command reference from the command spec
	.build/debug/fanout completions bash > completions/fanout.bash
	.build/debug/fanout completions zsh > completions/_fanout
	.build/debug/fanout completions fish > completions/fanout.fish

clean: ## Remove build products
	rm -rf .build

readme: build ## Regenerate the README's command reference from the command spec
	@scripts/readme-reference.sh .build/debug/fanout README.md
