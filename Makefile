# scxd - one non-recursive Makefile. `make V=1` shows full commands.
#
#   make            build bpf/, daemon/scxd, ctl/scxctl
#   make deps       install every build/test dependency (root) + VM kernel
#   make test       host unit tests, then the VM suite; last line "N passed, N failed"
#   make demo       boot the VM, run scxd with the default config, show status
#   make bench      benchmarks (not part of test)
#   make soak       SOAK_MINUTES (30) of mixed load in the VM (not part of test)

ifneq ($(V),1)
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif

CLANG	?= $(shell command -v clang-19 || command -v clang)
BPFTOOL	?= bpftool
CC	?= cc
PKGS	:= libbpf libsystemd libcjson inih
B	:= build
CACHE	:= $(or $(SCXD_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/scxd)
VM_KERNEL ?= 7.3

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBBPF_VERSION := $(shell pkg-config --modversion libbpf 2>/dev/null)

CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP \
	   $(PKG_CFLAGS) -D_GNU_SOURCE
LDLIBS	+= $(PKG_LIBS)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -mcpu=v3 -I$(B) -Ibpf \
	   -Wall -Wno-missing-declarations -Wno-unused-function -Werror

# The rooms and what each may include (docs/architecture.md): lib/ sees
# only bpf/'s shared headers; ctl/ sees lib/, never daemon/ internals;
# daemon/ sees lib/ and the generated skeleton; the unit tests see all.
$(B)/lib/%.o:		INCLUDES := -I$(B)/lib -Ibpf -Ilib
$(B)/ctl/%.o:		INCLUDES := -I$(B)/ctl -Ibpf -Ilib -Ictl
$(B)/daemon/%.o:	INCLUDES := -I$(B) -Ibpf -Ilib -Idaemon
$(B)/tests/%.o:		INCLUDES := -I$(B) -Ibpf -Ilib -Idaemon

# lib/: what both binaries and the unit tests share. An archive, so that
# each binary links only the objects it uses.
LIB_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard lib/*.c))
LIB	:= $(B)/libscxd.a
DAEMON_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard daemon/*.c))
CTL_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard ctl/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))
# scxctl needs JSON (the protocol) and INI (scxctl check), nothing else.
CTL_LIBS := $(shell pkg-config --libs libcjson inih 2>/dev/null)

# ctlclient: the VM cases' and the control benchmark's socket client;
# churn: the fault cases' forks, renames and cgroup moves;
# jsonget: values out of JSON documents, for the VM cases; promcheck: the
# unit tests' strict Prometheus parser, for them too; frameloop: the
# benchmark's frame loop; wakebench: its message/worker wakeups; benchsum:
# the benchmark's summary (on the host).
TOOLS := $(B)/tools/ctlclient $(B)/tools/churn $(B)/tools/jsonget $(B)/tools/promcheck $(B)/tools/frameloop \
	$(B)/tools/wakebench $(B)/tools/benchsum
all: daemon/scxd ctl/scxctl $(TOOLS)

# vmlinux.h comes from BTF: the running kernel's when it has sched_ext,
# else the VM kernel's (tools/vm-kernel.sh). Never edited by hand.
$(B)/vmlinux.h:
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(B)
	$(Q)if $(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null | grep -q "'sched_ext_ops'"; then \
		src=/sys/kernel/btf/vmlinux; \
	else \
		src=$(CACHE)/kernel/$(VM_KERNEL)/vmlinux; \
		[ -s $$src ] || { echo "no sched_ext BTF: run 'make deps' (fetches the VM kernel)" >&2; exit 1; }; \
	fi; \
	$(BPFTOOL) btf dump file $$src format c > $@.tmp && mv $@.tmp $@ && echo "    vmlinux.h from $$src"

$(B)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(B)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# bpftool 7.5 (libbpf 1.5) writes `map->link = ...` for struct_ops maps;
# libbpf < 1.5 has no such field. Drop the line only then: the loader
# attaches struct_ops itself and owns that link either way.
$(B)/%.skel.h: $(B)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@.tmp
	$(Q)if [ -n "$(LIBBPF_VERSION)" ] && ! printf '%s\n' 1.5 "$(LIBBPF_VERSION)" | sort -V -C; then \
		sed -i '/map->link = &obj->links\./d' $@.tmp; \
		echo "    libbpf $(LIBBPF_VERSION) < 1.5: dropped struct_ops map->link from skeleton"; \
	fi
	$(Q)mv $@.tmp $@

$(B)/daemon/loader.o: $(B)/scxd.skel.h

$(B)/daemon/tracer.o: $(B)/scxd_trace.skel.h

# Role "default" is also the built-in configuration: the file, as a string.
$(B)/lib/default_role.h: config/roles/default.ini
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$$/\\n"/' $< > $@.tmp && mv $@.tmp $@
$(B)/lib/config.o: $(B)/lib/default_role.h

# scxctl's help texts are plain text, one file a verb.
CTL_HELP := $(sort $(wildcard ctl/help/*.txt))
$(B)/ctl/help.h: $(CTL_HELP) tools/help2c.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)tools/help2c.sh $(CTL_HELP) > $@.tmp && mv $@.tmp $@
$(CTL_OBJS): $(B)/ctl/help.h

$(B)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(INCLUDES) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# `make SANITIZE=1`: scxd and scxctl as built in $(B)/san/ (clang, ASan,
# UBSan; see below). $(B)/flavor changes when SANITIZE does, so that the
# binaries are made again the other way.
FLAVOR := $(if $(filter 1,$(SANITIZE)),sanitized,plain)
$(B)/flavor: FORCE
	$(Q)mkdir -p $(B); [ "$$(cat $@ 2>/dev/null)" = $(FLAVOR) ] || echo $(FLAVOR) > $@
FORCE:
ifeq ($(FLAVOR),sanitized)
daemon/scxd: $(B)/san/scxd $(B)/flavor
	$(Q)cp $< $@
ctl/scxctl: $(B)/san/scxctl $(B)/flavor
	$(Q)cp $< $@
else
daemon/scxd: $(DAEMON_OBJS) $(LIB) $(B)/flavor
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter-out $(B)/flavor,$^) $(LDLIBS)

ctl/scxctl: $(CTL_OBJS) $(LIB) $(B)/flavor
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter-out $(B)/flavor,$^) $(CTL_LIBS)
endif

# The test tools: one C file each, under tests/*/tools/.
$(B)/tools/promcheck: tests/unit/promcheck.h
$(B)/tools/%: tests/vm/tools/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(CTL_LIBS)
$(B)/tools/%: tests/bench/tools/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(CTL_LIBS)
# benchsum's statistics are the daemon's (lib/stats.c).
$(B)/tools/benchsum: tests/bench/tools/benchsum.c $(LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Ibpf -Ilib -o $@ $< $(LIB) $(CTL_LIBS) -lm

# A unit test links lib/ and the daemon objects it tests: test_NAME's are
# TEST_DAEMON_NAME (the same for the sanitized build below).
TEST_DAEMON_alloc := alloc
TEST_DAEMON_topology := topology
TEST_DAEMON_targets := targets
TEST_DAEMON_state := saved
TEST_DAEMON_tunables := tunables
TEST_DAEMON_log := log
TEST_DAEMON_rivals := rivals
test_daemon_objs = $(patsubst %,$(1)/daemon/%.o,$(TEST_DAEMON_$(2)))
$(B)/tests/%: $(B)/tests/unit/%.o $(LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter-out $(LIB),$^) $(LIB) $(LDLIBS)
$(foreach t,$(UNIT_TESTS),$(eval $(t): $(call test_daemon_objs,$(B),$(t:$(B)/tests/test_%=%))))

# The same code built by clang with ASan and UBSan (and libFuzzer's
# coverage hooks, which do nothing outside a fuzzer), in $(B)/san/: the
# unit tests run again on it in make test, so that a memory error or
# undefined behaviour fails like a failed check; and the fuzz targets
# (tests/fuzz/fuzz_*.c) link it. `make fuzz` runs each target for
# FUZZ_TIME seconds; make test replays their seeds and runs each for
# FUZZ_SMOKE seconds.
SAN_CC	?= clang-19
SAN_FLAGS := -std=gnu11 -D_GNU_SOURCE -DSCXD_DEBUG -g -O1 -fno-omit-frame-pointer -Wall -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all $(PKG_CFLAGS)
SAN_LIB	:= $(B)/san/libscxd.a
SAN_UNIT_TESTS := $(patsubst $(B)/tests/%,$(B)/san/tests/%,$(UNIT_TESTS))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(B)/san/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TIME ?= 300
FUZZ_SMOKE ?= 30
$(B)/san/%.o: %.c $(B)/lib/default_role.h
	$(call msg,SANCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(SAN_CC) $(SAN_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -I$(B) -I$(B)/lib -I$(B)/ctl \
		-Ibpf -Ilib -Idaemon -Ictl -c $< -o $@
$(SAN_LIB): $(patsubst %.c,$(B)/san/%.o,$(wildcard lib/*.c))
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^
$(B)/san/tests/%: $(B)/san/tests/unit/%.o $(SAN_LIB)
	$(call msg,SANLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(SAN_CC) $(SAN_FLAGS) -o $@ $(filter-out $(SAN_LIB),$^) $(SAN_LIB) $(LDLIBS)
$(foreach t,$(SAN_UNIT_TESTS),$(eval $(t): $(call test_daemon_objs,$(B)/san,$(t:$(B)/san/tests/test_%=%))))
# scxd and scxctl so built: the VM runs its control cases against them
# (case 83).
$(B)/san/daemon/loader.o: $(B)/scxd.skel.h
$(B)/san/daemon/tracer.o: $(B)/scxd_trace.skel.h
$(B)/san/scxd: $(patsubst %.c,$(B)/san/%.o,$(wildcard daemon/*.c)) $(SAN_LIB)
	$(call msg,SANLD,$@)
	$(Q)$(SAN_CC) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)
$(patsubst %.c,$(B)/san/%.o,$(wildcard ctl/*.c)): $(B)/ctl/help.h
$(B)/san/scxctl: $(patsubst %.c,$(B)/san/%.o,$(wildcard ctl/*.c)) $(SAN_LIB)
	$(call msg,SANLD,$@)
	$(Q)$(SAN_CC) $(SAN_FLAGS) -o $@ $^ $(CTL_LIBS)
$(B)/san/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(SAN_LIB)
	$(call msg,SANLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(SAN_CC) $(SAN_FLAGS) -fsanitize=fuzzer -I$(B) -Ibpf -Ilib -Idaemon -o $@ $< $(SAN_LIB) \
		$(LDLIBS) -lm
fuzz: $(FUZZ_TARGETS)
	$(Q)tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_TARGETS)

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
# Where systemd looks, as its pkg-config file says (not under PREFIX:
# systemd reads only its own directories).
UNITDIR	?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
SYSUSERSDIR ?= $(or $(shell pkg-config --variable=sysusersdir systemd 2>/dev/null),/usr/lib/sysusers.d)
# The vendor roles; scxd searches /usr/lib/scxd/roles and
# /usr/local/lib/scxd/roles (after the admin's /etc/scxd/roles), so a
# PREFIX other than those two needs scxd --roles-dir.
ROLESDIR ?= $(PREFIX)/lib/scxd/roles
# The role a new /etc/scxd/scxd.ini selects (one of config/roles/).
ROLE	?= desktop
# scx-loader's D-Bus client is also called scxctl: ours says so in its
# first line of `scxctl version`; another one is not overwritten unless
# SCXCTL_OVERWRITE=1 (or install ours elsewhere with BINDIR=...).
OURS_RE	:= ^scxctl [0-9][^ ]* (protocol [0-9]*)$$

# /etc/scxd/scxd.ini is installed only when absent: never overwrite an
# admin's edits (a complete file from before roles came in files keeps
# working as it is). /etc/scxd/roles and scxd.ini.d start empty: they are
# where the admin replaces a role or adds a drop-in.
# Without DESTDIR (a real install), the scxd group is created and systemd
# told about the new units.
install: all
	@[ -f config/roles/$(ROLE).ini ] || { echo "install: no role '$(ROLE)' in config/roles" >&2; exit 1; }
	@if [ -e $(DESTDIR)$(BINDIR)/scxctl ] && [ "$(SCXCTL_OVERWRITE)" != 1 ] && \
	    ! $(DESTDIR)$(BINDIR)/scxctl version 2>/dev/null | head -n1 | grep -q '$(OURS_RE)'; then \
		echo "install: $(DESTDIR)$(BINDIR)/scxctl is another program's (scx-loader's?);" \
			"not overwriting it. Install with BINDIR=DIR, or SCXCTL_OVERWRITE=1." >&2; \
		exit 1; \
	fi
	install -D -m 0755 daemon/scxd $(DESTDIR)$(SBINDIR)/scxd
	install -D -m 0755 ctl/scxctl $(DESTDIR)$(BINDIR)/scxctl
	install -d $(DESTDIR)$(ROLESDIR) $(DESTDIR)/etc/scxd/roles $(DESTDIR)/etc/scxd/scxd.ini.d
	install -m 0644 config/roles/*.ini $(DESTDIR)$(ROLESDIR)/
	[ -e $(DESTDIR)/etc/scxd/scxd.ini ] || \
		sed 's/^role = desktop$$/role = $(ROLE)/' config/scxd.ini > $(DESTDIR)/etc/scxd/scxd.ini
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/scxd.service.in > $(DESTDIR)$(UNITDIR)/scxd.service
	install -m 0644 systemd/scxd.socket $(DESTDIR)$(UNITDIR)/scxd.socket
	install -D -m 0644 systemd/sysusers.d/scxd.conf $(DESTDIR)$(SYSUSERSDIR)/scxd.conf
	install -d -m 0755 $(DESTDIR)/var/lib/scxd
	install -D -m 0644 docs/man/scxctl.1 $(DESTDIR)$(MANDIR)/man1/scxctl.1
	install -D -m 0644 docs/man/scxd.ini.5 $(DESTDIR)$(MANDIR)/man5/scxd.ini.5
	install -D -m 0644 docs/man/scxd.8 $(DESTDIR)$(MANDIR)/man8/scxd.8
	install -D -m 0644 ctl/scxctl.bash-completion $(DESTDIR)$(COMPLETIONDIR)/scxctl
	@if [ -z "$(DESTDIR)" ]; then \
		systemd-sysusers $(SYSUSERSDIR)/scxd.conf || true; \
		[ ! -d /run/systemd/system ] || systemctl daemon-reload || true; \
	fi

# What install wrote, less the configuration (/etc/scxd) and the saved
# state (/var/lib/scxd), which are the admin's.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/scxd $(DESTDIR)$(UNITDIR)/scxd.service \
		$(DESTDIR)$(UNITDIR)/scxd.socket $(DESTDIR)$(SYSUSERSDIR)/scxd.conf \
		$(DESTDIR)$(MANDIR)/man1/scxctl.1 $(DESTDIR)$(MANDIR)/man5/scxd.ini.5 \
		$(DESTDIR)$(MANDIR)/man8/scxd.8 $(DESTDIR)$(COMPLETIONDIR)/scxctl
	rm -f $(addprefix $(DESTDIR)$(ROLESDIR)/,$(notdir $(wildcard config/roles/*.ini)))
	-rmdir $(DESTDIR)$(ROLESDIR) $(DESTDIR)$(dir $(ROLESDIR:/=)) 2>/dev/null
	@if $(DESTDIR)$(BINDIR)/scxctl version 2>/dev/null | head -n1 | grep -q '$(OURS_RE)'; then \
		rm -f $(DESTDIR)$(BINDIR)/scxctl; \
	fi
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi

deps:
	$(Q)tools/deps.sh

unit: $(UNIT_TESTS)

# What make test runs, built with a job per CPU first: serially, the
# plain, sanitized and fuzz trees take minutes of CI's budget.
test-build: all $(UNIT_TESTS) $(SAN_UNIT_TESTS) $(FUZZ_TARGETS) $(B)/san/scxd $(B)/san/scxctl
test:
	$(Q)$(MAKE) --no-print-directory -j$(shell nproc) test-build
	$(Q)FUZZ_SMOKE=$(FUZZ_SMOKE) tests/run.sh $(UNIT_TESTS) $(SAN_UNIT_TESTS) \
		tests/unit/completion_test.sh tests/unit/layering_test.sh \
		tests/unit/benchsum_test.sh tests/unit/install_test.sh tests/fuzz/run.sh

# In the bench shape: one vCPU per host core, where latency is the guest's.
demo: all
	$(Q)tests/vm/run.sh --bench --demo

bench: all
	$(Q)tests/bench/run.sh
	$(Q)tests/bench/control.sh

# docs/reliability.md: zero ejections and a flat daemon under mixed load.
soak: all
	$(Q)tests/soak/run.sh

clean:
	$(Q)rm -rf $(B) daemon/scxd ctl/scxctl

.PHONY: all install uninstall deps unit test test-build demo bench soak clean fuzz FORCE
.SECONDARY:
-include $(shell find $(B) -name '*.d' 2>/dev/null)
