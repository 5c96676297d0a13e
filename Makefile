# locd: top-level build.
#
#   make            install missing Debian packages, build everything
#   make check      ... then run every unit and integration test
#   make run        ... then start locd on its embedded defaults
#   make check SANITIZE=1   the same under ASan+UBSan (build-san/)
#
# Modules, tests, tools and benchmarks are found by wildcard: a new .c file
# in a module directory joins that module's library; a new
# tests/unit/<module>/test_*.c joins that module's Check suite; a new
# tools/<name>/ directory becomes build/bin/<name>; bench/<name>.c becomes
# build/bin/<name>.

SHELL := /bin/sh
BUILD ?= build
SHARED ?= ../shared
CC ?= cc

ifeq ($(SANITIZE),1)
override BUILD := $(BUILD)-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
OPT ?= -O1
else
SANFLAGS :=
OPT ?= -O2
endif

PKGS := geos proj libxml-2.0 libevent libevent_openssl openssl sqlite3 \
	inih jansson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) check 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

CFLAGS := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers \
	$(OPT) -g -D_DEFAULT_SOURCE -D_GNU_SOURCE -DGEOS_USE_ONLY_R_API \
	-I. $(SANFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS) $(EXTRA_LDFLAGS)
LDLIBS = $(PKG_LIBS) -lm -lpthread

# Library modules, in link order (users before what they use).
MODULES := $(foreach m,locd filters pidf geo sip,$(if $(filter-out \
	locd/main.c,$(wildcard $(m)/*.c)),$(m)))
LIBS := $(foreach m,$(MODULES),$(BUILD)/lib/lib$(m).a)

# What each module links with (itself first), following the layering.
LINK_geo := geo
LINK_sip := sip
LINK_pidf := pidf geo
LINK_filters := filters pidf geo
LINK_tools := filters pidf geo sip
LINK_locd := locd filters pidf geo sip
libs_for = $(foreach m,$(LINK_$(1)),$(if $(filter $(m),$(MODULES)),\
	$(BUILD)/lib/lib$(m).a))

# Each module's library: every .c in its directory except locd/main.c.
define module_rules
$(1)_SRC := $$(filter-out locd/main.c,$$(wildcard $(1)/*.c))
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/obj/%.o,$$($(1)_SRC))
$(BUILD)/lib/lib$(1).a: $$($(1)_OBJ) | $(BUILD)/lib
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module_rules,$(m))))

# Binaries.
TOOLS := $(notdir $(patsubst %/,%,$(dir $(wildcard tools/*/*.c))))
TOOLS := $(sort $(TOOLS))
BENCHES := $(basename $(notdir $(wildcard bench/*.c)))
BINS := $(if $(wildcard locd/main.c),$(BUILD)/bin/locd) \
	$(foreach t,$(TOOLS),$(BUILD)/bin/$(t)) \
	$(foreach b,$(BENCHES),$(BUILD)/bin/$(b))

# Test programs (peers and fixtures driven by integration tests):
# tests/progs/<name>.c becomes $(BUILD)/tests/<name>.
TEST_PROGS := $(foreach p,$(basename $(notdir $(wildcard tests/progs/*.c))),\
	$(BUILD)/tests/$(p))

# Unit tests: one Check binary per module that has tests.
TEST_MODULES := $(sort $(notdir $(patsubst %/,%,$(dir \
	$(wildcard tests/unit/*/*.c)))))
UNIT_BINS := $(foreach m,$(TEST_MODULES),$(BUILD)/tests/unit_$(m))

.PHONY: all deps check unit integration run clean layering bench \
	bench-quick
all: deps $(LIBS) $(BINS)

deps:
	@sh mk/deps.sh

$(BUILD)/lib $(BUILD)/bin $(BUILD)/tests:
	@mkdir -p $@

$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/bin/locd: $(BUILD)/obj/locd/main.o $(call libs_for,locd) \
		| $(BUILD)/bin
	$(CC) $(LDFLAGS) -o $@ $< $(call libs_for,locd) $(LDLIBS)

define tool_rules
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/obj/%.o,$$(wildcard tools/$(1)/*.c))
$(BUILD)/bin/$(1): $$($(1)_OBJ) $(call libs_for,tools) | $(BUILD)/bin
	$$(CC) $$(LDFLAGS) -o $$@ $$($(1)_OBJ) $(call libs_for,tools) $$(LDLIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))

# A benchmark links with every library (they are static: only what it
# uses is pulled in).
$(BUILD)/bin/%: $(BUILD)/obj/bench/%.o $(LIBS) | $(BUILD)/bin
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/progs/%.o $(call libs_for,tools) \
		| $(BUILD)/tests
	$(CC) $(LDFLAGS) -o $@ $< $(call libs_for,tools) $(LDLIBS)

define unit_rules
unit_$(1)_SRC := $$(wildcard tests/unit/$(1)/*.c)
unit_$(1)_OBJ := $$(patsubst %.c,$(BUILD)/obj/%.o,$$(unit_$(1)_SRC)) \
	$(BUILD)/obj/tests/unit/$(1)_main.o
$(BUILD)/obj/tests/unit/$(1)_main.c: $$(unit_$(1)_SRC) mk/gen-test-main.sh
	@mkdir -p $$(dir $$@)
	sh mk/gen-test-main.sh $(1) $$(unit_$(1)_SRC) > $$@
$(BUILD)/obj/tests/unit/$(1)_main.o: $(BUILD)/obj/tests/unit/$(1)_main.c
	$$(CC) $$(CFLAGS) $$(PKG_CFLAGS) -c $$< -o $$@
$(BUILD)/tests/unit_$(1): $$(unit_$(1)_OBJ) $(call libs_for,$(1)) \
		| $(BUILD)/tests
	$$(CC) $$(LDFLAGS) -o $$@ $$(unit_$(1)_OBJ) $(call libs_for,$(1)) \
		$$(CHECK_LIBS) $$(LDLIBS)
# `make unit-MODULE`: build and run one module's suite only.
unit-$(1): deps $(BUILD)/tests/unit_$(1)
	$(TEST_ENV) ./$(BUILD)/tests/unit_$(1)
.PHONY: unit-$(1)
endef
$(foreach m,$(TEST_MODULES),$(eval $(call unit_rules,$(m))))

# Test environment: where the shared corpus is, where binaries are.
# Under the sanitizers Check runs in-process (CK_FORK=no) so leaks and state
# left between tests show up.
TEST_ENV = LOCD_SHARED=$(SHARED) BIN=$(BUILD)/bin SHARED=$(SHARED) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/mk/lsan.supp \
	$(if $(SANFLAGS),CK_FORK=no)

layering:
	@sh mk/check-layering.sh

unit: all $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; \
		$(TEST_ENV) ./$$t || fail=1; \
	done; exit $$fail

integration: all $(TEST_PROGS)
	@$(TEST_ENV) TESTBIN=$(BUILD)/tests sh mk/run-integration.sh

check: all layering unit integration

run: all
	./$(BUILD)/bin/locd

bench: all
	@BIN=$(BUILD)/bin sh bench/run.sh full
bench-quick: all
	@BIN=$(BUILD)/bin sh bench/run.sh quick

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------
# Fuzzing (STYLE.md 2.11), kept out of `make check`: fuzzing is not a
# test.  `make fuzz` builds every tests/fuzz/NAME.c into
# $(FUZZ_BUILD)/fuzz/NAME with clang's libFuzzer, linked against the
# module libraries compiled again with the same flags plus
# -fsanitize=fuzzer-no-link,address,undefined; `make fuzz-run
# FUZZ_SECONDS=60` runs each target in turn (one core) for that long over
# tests/fuzz/corpus/NAME/ (read only; new inputs go to
# $(FUZZ_BUILD)/fuzz/corpus/NAME/, crashes to .../crashes/NAME/), with
# tests/fuzz/NAME.dict when present.  `make fuzz-run FUZZ_TARGETS=x` runs
# one.  See tests/fuzz/README.md.
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?= -timeout=25 -rss_limit_mb=2048
FUZZ_DIR := $(FUZZ_BUILD)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers -O1 -g -D_DEFAULT_SOURCE \
	-D_GNU_SOURCE -DGEOS_USE_ONLY_R_API -I. $(FUZZ_SAN)
FUZZ_SRC := $(wildcard tests/fuzz/*.c)
FUZZ_TARGETS ?= $(basename $(notdir $(FUZZ_SRC)))
FUZZ_LIBS := $(foreach m,$(MODULES),$(FUZZ_DIR)/lib/lib$(m).a)

.PHONY: fuzz fuzz-run
.SECONDARY: $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_SRC))
fuzz: deps $(foreach t,$(FUZZ_TARGETS),$(FUZZ_DIR)/$(t))

$(FUZZ_DIR)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
		-MMD -MP -c $< -o $@

define fuzz_lib_rules
$(FUZZ_DIR)/lib/lib$(1).a: $$(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$$($(1)_SRC))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call fuzz_lib_rules,$(m))))

$(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/tests/fuzz/%.o $(FUZZ_LIBS)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_LIBS) \
		$(LDLIBS)

fuzz-run: fuzz
	@fail=""; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/crashes/$$t; \
		seeds=tests/fuzz/corpus/$$t; [ -d $$seeds ] || seeds=; \
		dict=tests/fuzz/$$t.dict; \
		[ -f $$dict ] && dict=-dict=$$dict || dict=; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		./$(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 $$dict $(FUZZ_FLAGS) \
			-artifact_prefix=$(FUZZ_DIR)/crashes/$$t/ \
			$(FUZZ_DIR)/corpus/$$t $$seeds \
			> $(FUZZ_DIR)/$$t.log 2>&1 || fail="$$fail $$t"; \
		grep -E '^#[0-9]+.*(DONE|pulse)|^stat::(number_of_executed|average_exec)' \
			$(FUZZ_DIR)/$$t.log | tail -3; \
	done; \
	if [ -n "$$fail" ]; then \
		echo "fuzz-run: failed:$$fail (see $(FUZZ_DIR)/*.log)"; \
		exit 1; \
	fi

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
