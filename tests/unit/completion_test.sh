#!/usr/bin/env bash
# Host test of ctl/scxctl.bash-completion: sets COMP_WORDS/COMP_CWORD as
# bash would, calls _scxctl and compares COMPREPLY with what it should be.
# No daemon: $SCXCTL points at a stub that prints a canned status document
# (or, for `role list`, a canned list of roles).
# Prints "ok NAME" / "FAIL NAME: why" and ends with "unit: N passed, N failed".
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=ctl/scxctl.bash-completion
. ctl/scxctl.bash-completion

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# `scxctl --json status` as cJSON_Print() writes it (tabs, one key a line),
# cut short. Traps for a careless parser: a role named "layers", "name" in
# the config path, an escaped "name": in the exit message.
cat >"$tmp/status.json" <<'EOF'
{
	"proto":	1,
	"version":	"0.1.0",
	"state":	"enabled",
	"ops":	"scxd",
	"attached":	true,
	"config":	"/etc/scxd/name.ini",
	"role":	"layers",
	"uptime_s":	192,
	"socket":	"/run/scxd/control.sock",
	"stats_interval_ms":	1000,
	"exit":	{
		"kind":	"error",
		"code":	-1,
		"reason":	"runtime error",
		"msg":	"layer \"name\": \"evil\""
	},
	"layers":	[{
			"name":	"gaming",
			"index":	0,
			"policy":	"latency",
			"kind":	"open",
			"weight":	100,
			"slice_us":	2000,
			"nr_rules":	1,
			"counters":	{
				"enqueues":	0,
				"dispatches":	0,
				"direct":	0
			},
			"latency":	{
				"p50_us":	0,
				"p99_us":	0,
				"samples":	0
			},
			"rules":	["comm=steam* && uid=1000"]
		}, {
			"name":	"batch",
			"index":	1,
			"policy":	"throughput",
			"rules":	["comm=cc1*"]
		}, {
			"name":	"default",
			"index":	2,
			"policy":	"throughput",
			"rules":	["*"]
		}]
}
EOF
# The same on one line, as the daemon sends it.
tr -d '\n\t' <"$tmp/status.json" >"$tmp/status-compact.json"

# `scxctl --json role list`, as cJSON_Print() writes it. Traps: a running
# role and a directory named "name", "roles": [ inside a string, an
# escaped "name": in a description, and an object with a "name" before
# the "roles" array (a field a later daemon might add).
cat >"$tmp/roles.json" <<'EOF'
{
	"current":	"name",
	"dir":	"/etc/scxd/name/\"roles\": [",
	"default":	{
		"name":	"notarole"
	},
	"roles":	[{
			"name":	"build",
			"description":	"scxd role for a build machine: a CI runner, or a developer box"
		}, {
			"name":	"desktop",
			"description":	"a \"name\": \"evil\" description"
		}, {
			"name":	"gaming",
			"description":	""
		}, {
			"name":	"server",
			"description":	"scxd role for a server running long-lived services."
		}]
}
EOF
tr -d '\n\t' <"$tmp/roles.json" >"$tmp/roles-compact.json"

# A running daemon: print the document named by $STUB_STATUS (for
# `role list`, $STUB_ROLES), note the arguments. A stopped one: what
# scxctl does then (stderr, exit 3).
cat >"$tmp/scxctl-up" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >"$tmp/args"
case " \$* " in
*" role list "*) cat "\${STUB_ROLES:-$tmp/roles.json}" ;;
*) cat "\${STUB_STATUS:-$tmp/status.json}" ;;
esac
EOF
cat >"$tmp/scxctl-down" <<'EOF'
#!/bin/sh
echo "scxctl: daemon not running: /run/scxd/control.sock: No such file or directory" >&2
exit 3
EOF
chmod +x "$tmp/scxctl-up" "$tmp/scxctl-down"
export SCXCTL=$tmp/scxctl-up

# A /proc: process directories, and others that are not processes.
mkdir -p "$tmp/proc/1" "$tmp/proc/42" "$tmp/proc/4242" "$tmp/proc/sys" "$tmp/proc/1x"
ln -s 42 "$tmp/proc/self"
touch "$tmp/proc/uptime"
export _SCXCTL_PROC=$tmp/proc
pids='1 42 4242'
# A cgroup v2 tree: directories are cgroups, files are not; systemd's
# escapes (\x2d) are part of a name.
cg=$tmp/cgroup
mkdir -p "$cg/init.scope" "$cg/system.slice/sshd.service" \
	"$cg/system.slice/system-getty.slice" "$cg/system.slice/dev-disk-by\x2dlabel.swap" \
	"$cg/user.slice/user-1000.slice/app.scope"
touch "$cg/cgroup.procs" "$cg/user.slice/cgroup.procs" "$cg/user.slice/memory.max"
export _SCXCTL_CGROUP=$cg
# Commands for run to complete (compgen -c), and files for their arguments.
mkdir -p "$tmp/bin" "$tmp/files/sub"
printf '#!/bin/sh\n' >"$tmp/bin/scxtestcmd-a"
cp "$tmp/bin/scxtestcmd-a" "$tmp/bin/scxtestcmd-b"
chmod +x "$tmp/bin/scxtestcmd-a" "$tmp/bin/scxtestcmd-b"
touch "$tmp/files/a.txt" "$tmp/files/--json"
PATH=$tmp/bin:$PATH

# complete NAME EXPECTED WORD... : the last WORD is the one being completed.
# EXPECTED is the sorted completions joined by spaces ("" for none). The
# completion must print nothing.
complete_is()
{
	local name=$1 want=$2 got err
	shift 2
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_scxctl 2>"$tmp/stderr" >"$tmp/stdout"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	got=${got% }
	err=$(cat "$tmp/stderr" "$tmp/stdout")
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: got '$got', expected '$want'"
		fail=$((fail + 1))
	elif [ -n "$err" ]; then
		echo "FAIL $name: printed '$err'"
		fail=$((fail + 1))
	else
		echo "ok $name"
		pass=$((pass + 1))
	fi
}

check()	# NAME CONDITION-COMMAND...
{
	local name=$1
	shift
	if "$@"; then
		echo "ok $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		fail=$((fail + 1))
	fi
}

verbs='add-layer check compare explain help layer layers match move reload remove-layer role run save set-layer start stats status stop suggest top topology unpin version'
layers='batch default gaming'
set_opts='--auto --auto-latency-run-us --auto-min-wakeups --cpus --help --json --kind --latency --llcs --no-preempt --no-users --preempt --slice-us --throughput --users --weight'
add_opts='--auto --auto-latency-run-us --auto-min-wakeups --before --cpus --help --json --kind --latency --llcs --match --no-preempt --no-users --preempt --slice-us --throughput --users --weight'
roles='build desktop gaming server'

complete_is "verbs" "$verbs" scxctl ''
complete_is "verbs by prefix" "save set-layer start stats status stop suggest" scxctl s
complete_is "global options" "--help --json --socket --timeout" scxctl --
complete_is "all global options" "--help --json --socket --timeout -h -j -s -t" scxctl -
complete_is "no layer names before the verb" "" scxctl gam
complete_is "verbs after global options" "reload remove-layer" scxctl -j -t 500 re
complete_is "verbs by prefix: r" "reload remove-layer role run" scxctl r
complete_is "verbs by prefix: u" "unpin" scxctl u
complete_is "verbs by prefix: e" "explain" scxctl e
complete_is "verbs by prefix: mo" "move" scxctl mo
complete_is "verbs by prefix: ch" "check" scxctl ch
complete_is "verbs by prefix: co" "compare" scxctl co
complete_is "compare: its options" "--duration --last --plot --rounds --stop" scxctl compare ''
complete_is "compare: a number after --rounds is not ours to offer" "" scxctl compare --rounds ''
complete_is "compare: the command after -- is not ours either" "" scxctl compare -- ma
complete_is "compare: --plot takes a file" "$tmp/status-compact.json $tmp/status.json" \
	scxctl compare --plot "$tmp/stat"
complete_is "socket path is a file" "$tmp/status-compact.json $tmp/status.json" \
	scxctl --socket "$tmp/stat"
complete_is "socket path after =" "$tmp/status-compact.json $tmp/status.json" \
	scxctl --socket = "$tmp/stat"
complete_is "timeout value: nothing" "" scxctl -t ''

complete_is "set-layer: layer names" "$layers" scxctl set-layer ''
complete_is "set-layer: layer name by prefix" "gaming" scxctl set-layer g
complete_is "set-layer: names after --json" "$layers" scxctl set-layer --json ''
complete_is "set-layer: options" "$set_opts" scxctl set-layer gaming --
complete_is "set-layer: options by prefix" "--no-preempt --no-users" scxctl set-layer gaming --no
complete_is "set-layer: --users" "--users" scxctl set-layer gaming --latency --us
complete_is "set-layer: --no-users" "--no-users" scxctl set-layer gaming --no-u
complete_is "add-layer: --users" "--users" scxctl add-layer video --latency --match x --u
complete_is "set-layer: options after options" "--slice-us" scxctl set-layer gaming --latency --weight 5 --sl
complete_is "set-layer: --kind values" "confined open" scxctl set-layer gaming --kind ''
complete_is "set-layer: --kind value by prefix" "confined" scxctl set-layer gaming --kind c
complete_is "set-layer: --kind=, = a word" "confined open" scxctl set-layer gaming --kind =
complete_is "set-layer: --kind=c, = a word" "confined" scxctl set-layer gaming --kind = c
complete_is "set-layer: --kind=c, one word" "--kind=confined" scxctl set-layer gaming --kind=c
complete_is "set-layer: --llcs" "auto" scxctl set-layer gaming --llcs ''
complete_is "set-layer: --weight value: nothing" "" scxctl set-layer gaming --weight ''
complete_is "set-layer: --cpus value: nothing" "" scxctl set-layer gaming --cpus ''
complete_is "set-layer: no --before" "" scxctl set-layer gaming --bef

complete_is "add-layer: new name: nothing" "" scxctl add-layer ''
complete_is "add-layer: options" "$add_opts" scxctl add-layer video --
complete_is "add-layer: --before layer names" "$layers" scxctl add-layer video --latency --before ''
complete_is "add-layer: --before=b" "batch" scxctl add-layer video --before = b
complete_is "add-layer: --match rule: nothing" "" scxctl add-layer video --match ''

complete_is "remove-layer: layer names" "$layers" scxctl remove-layer ''
complete_is "remove-layer: one name only" "" scxctl remove-layer gaming ''

complete_is "match: subverbs" "add remove" scxctl match ''
complete_is "match: subverb by prefix" "remove" scxctl match r
complete_is "match add: layer names" "$layers" scxctl match add ''
complete_is "match remove: layer name by prefix" "batch" scxctl match remove b
complete_is "match: no names after a bad subverb" "" scxctl match list ''
complete_is "match: rule: nothing" "" scxctl match add gaming ''

complete_is "help: verbs" "$verbs" scxctl help ''
complete_is "help: verb by prefix" "remove-layer" scxctl help rem
complete_is "help: one verb only" "" scxctl help status ''
complete_is "status: nothing" "" scxctl status ''
complete_is "status: --json --help" "--help --json" scxctl status --

complete_is "run: --layer first" "--layer" scxctl run ''
complete_is "run: no command before --layer" "" scxctl run steam
complete_is "run: options" "--help --json --layer" scxctl run -
complete_is "run: layer names" "$layers" scxctl run --layer ''
complete_is "run: layer name by prefix" "gaming" scxctl run --layer g
complete_is "run: layer names after --json" "$layers" scxctl run --json --layer ''
complete_is "run: --layer=, = a word" "$layers" scxctl run --layer =
complete_is "run: --layer=b, = a word" "batch" scxctl run --layer = b
complete_is "run: --layer=g, one word" "--layer=gaming" scxctl run --layer=g
complete_is "run: -- after the layer" "--" scxctl run --layer gaming ''
complete_is "run: -- after --layer=NAME" "--" scxctl run --layer = gaming ''
complete_is "run: only -- after the layer" "--" scxctl run --layer gaming -
complete_is "run: only -- after the layer, by prefix" "--" scxctl run --layer gaming --
complete_is "run: no --json after the layer" "" scxctl run --layer gaming --j
complete_is "run: -- after --layer=NAME, one word" "--" scxctl run --layer=gaming ''
complete_is "run: -- after the layer and --json" "--" scxctl run --layer gaming --json ''
complete_is "run: no command before --layer, even after --" "" scxctl run -- scxtest
complete_is "run: options by prefix" "--help --json --layer" scxctl run --
complete_is "run: commands after --" "scxtestcmd-a scxtestcmd-b" scxctl run --layer gaming -- scxtest
complete_is "run: commands after --json --" "scxtestcmd-a scxtestcmd-b" \
	scxctl run --layer gaming --json -- scxtest
complete_is "run: no command without --" "" scxctl run --layer gaming scxtest
complete_is "run: files after the command" "$tmp/files/--json $tmp/files/a.txt $tmp/files/sub" \
	scxctl run --layer gaming -- scxtestcmd-a "$tmp/files/"
complete_is "run: nothing after a command without --" "" \
	scxctl run --layer gaming scxtestcmd-a "$tmp/files/a"
complete_is "run: nothing after a stray word before --" "" \
	scxctl run --layer gaming scxtestcmd-a -- ''
complete_is "run: --layer is the command's after --" "$tmp/files/--json $tmp/files/a.txt $tmp/files/sub" \
	scxctl run --layer gaming -- scxtestcmd-a --layer "$tmp/files/"
complete_is "run: --layer=g is the command's after --" "" \
	scxctl run --layer gaming -- scxtestcmd-a --layer=g
complete_is "run: --layer = g is the command's after --" "" \
	scxctl run --layer gaming -- scxtestcmd-a --layer = g
complete_is "run: no --json offered after --" "" scxctl run --layer gaming -- scxtestcmd-a --j
complete_is "run: no options offered as the command" "" scxctl run --layer gaming -- --h
complete_is "run: --help after -- is the command" "" scxctl run --layer gaming -- --help scxtest
complete_is "run: --json after -- is an argument" "$tmp/files/--json" \
	scxctl run --layer gaming -- scxtestcmd-a --json "$tmp/files/--j"
complete_is "run: -- after -- is an argument" "$tmp/files/a.txt" \
	scxctl run --layer gaming -- scxtestcmd-a -- "$tmp/files/a"

complete_is "move: pids" "$pids" scxctl move ''
complete_is "move: pids by prefix" "42 4242" scxctl move 4
complete_is "move: options" "--cgroup --help --json --layer" scxctl move -
complete_is "move: --layer after the pid" "--layer" scxctl move 42 ''
complete_is "move: options after the pid" "--help --json --layer" scxctl move 42 -
complete_is "move: layer names" "$layers" scxctl move 42 --layer ''
complete_is "move: --layer=g, one word" "--layer=gaming" scxctl move 42 --layer=g
complete_is "move: pids after --layer" "$pids" scxctl move --layer gaming ''
complete_is "move: options after both" "--help --json" scxctl move --layer = gaming 42 -
complete_is "move: nothing after both" "" scxctl move --layer gaming 42 ''
complete_is "move: pids after --json" "$pids" scxctl move --json ''
complete_is "move: cgroups" "/init.scope/ /system.slice/ /user.slice/" scxctl move --cgroup ''
complete_is "move: cgroup by prefix" "/user.slice/" scxctl move --cgroup /u
complete_is "move: cgroups below one, not files" "/user.slice/user-1000.slice/" \
	scxctl move --cgroup /user.slice/
complete_is "move: cgroups below two" "/system.slice/dev-disk-by\\x2dlabel.swap/ /system.slice/sshd.service/ /system.slice/system-getty.slice/" \
	scxctl move --cgroup /system.slice/
complete_is "move: a cgroup name with a backslash, typed escaped" "/system.slice/dev-disk-by\\x2dlabel.swap/" \
	scxctl move --cgroup '/system.slice/dev-disk-by\\x2d'
complete_is "move: --cgroup=, = a word" "/init.scope/ /system.slice/ /user.slice/" scxctl move --cgroup =
complete_is "move: --cgroup=/s, = a word" "/system.slice/" scxctl move --cgroup = /s
complete_is "move: --cgroup=/s, one word" "--cgroup=/system.slice/" scxctl move --cgroup=/s
complete_is "move: no such cgroup" "" scxctl move --cgroup /nosuch
complete_is "move: relative cgroup: nothing" "" scxctl move --cgroup user
complete_is "move: --layer after the cgroup" "--layer" scxctl move --cgroup /user.slice ''
complete_is "move: options after the cgroup" "--help --json --layer" scxctl move --cgroup=/user.slice -
complete_is "move: layer names after the cgroup" "batch" scxctl move --cgroup /user.slice --layer b
complete_is "move: nothing after --" "" scxctl move -- ''
_SCXCTL_CGROUP=$tmp/nosuch complete_is "move: no cgroup tree" "" scxctl move --cgroup ''

complete_is "unpin: pids" "$pids" scxctl unpin ''
complete_is "unpin: options" "--cgroup --help --json" scxctl unpin -
complete_is "unpin: nothing after the pid" "" scxctl unpin 42 ''
complete_is "unpin: options after the pid" "--help --json" scxctl unpin 42 -
complete_is "unpin: no layer names" "" scxctl unpin 42 --layer ''
complete_is "unpin: cgroups" "/init.scope/" scxctl unpin --cgroup /i
complete_is "unpin: options after the cgroup" "--help --json" scxctl unpin --cgroup /init.scope -

complete_is "explain: pids" "$pids" scxctl explain ''
complete_is "explain: pid by prefix" "1" scxctl explain 1
complete_is "explain: pids after --json" "$pids" scxctl explain --json ''
complete_is "explain: options" "--help --json" scxctl explain -
complete_is "explain: one pid only" "" scxctl explain 42 ''
complete_is "explain: nothing after --" "" scxctl explain -- ''
_SCXCTL_PROC=$tmp/nosuch complete_is "explain: no /proc" "" scxctl explain ''

complete_is "verbs by prefix: la" "layer layers" scxctl la
complete_is "verbs by prefix: to" "top topology" scxctl to
complete_is "top: options" "--count --interval" scxctl top ''
complete_is "top: options, with --json --help" "--count --help --interval --json" scxctl top -
complete_is "top: option by prefix" "--interval" scxctl top --i
complete_is "top: options after --json" "--count --interval" scxctl --json top ''
complete_is "top: --count value: nothing" "" scxctl top --count ''
complete_is "top: --interval value: nothing" "" scxctl top --interval ''
complete_is "top: --interval=, = a word: nothing" "" scxctl top --interval =
complete_is "top: --count=, one word: nothing" "" scxctl top --count=
complete_is "top: options after a value" "--count --interval" scxctl top --interval 500 ''
complete_is "top: options after --count=N" "--count --help --interval --json" scxctl top --count=3 -
complete_is "top: no layer names" "" scxctl top g
complete_is "top: nothing after --" "" scxctl top -- ''
complete_is "layers: nothing" "" scxctl layers ''
complete_is "layer: subverb" "show" scxctl layer ''
complete_is "layer show: layer names" "$layers" scxctl layer show ''
complete_is "layer show: layer name by prefix" "default" scxctl layer --json show d
complete_is "layer show: one name only" "" scxctl layer show gaming ''
complete_is "layer: no names after a bad subverb" "" scxctl layer list ''
complete_is "stop: nothing" "" scxctl stop ''
complete_is "start: --json --help" "--help --json" scxctl start -
complete_is "role: subverbs" "list set show" scxctl role ''
complete_is "role: subverb by prefix" "set show" scxctl role s
complete_is "role set: role names" "$roles" scxctl role set ''
complete_is "role show: role names" "$roles" scxctl role show ''
complete_is "role set: role name by prefix" "gaming" scxctl role set g
complete_is "role show: names after --json" "$roles" scxctl role --json show ''
complete_is "role set: names after a global --json" "$roles" scxctl -j role set ''
complete_is "role set: one name only" "" scxctl role set gaming ''
complete_is "role list: nothing more" "" scxctl role list ''
complete_is "role: no names after a bad subverb" "" scxctl role use ''
complete_is "role: no names as the subverb" "" scxctl role g
complete_is "role show: options" "--help --json" scxctl role show -
complete_is "role: nothing after --" "" scxctl role -- ''
check "role names: arguments" grep -qx -- '--timeout 1000 --json role list' "$tmp/args"
STUB_ROLES=$tmp/roles-compact.json \
	complete_is "role names: compact list" "$roles" scxctl role show ''
echo '{"current":"custom","dir":"/nonexistent","roles":[]}' >"$tmp/no-roles.json"
STUB_ROLES=$tmp/no-roles.json complete_is "role names: none" "" scxctl role set ''
echo 'not json' >"$tmp/roles-garbage.json"
STUB_ROLES=$tmp/roles-garbage.json complete_is "role names: not JSON" "" scxctl role set ''
SCXCTL=$tmp/scxctl-down complete_is "role names: daemon down" "" scxctl role set ''
SCXCTL=$tmp/scxctl-down complete_is "role: subverbs with the daemon down" "list set show" scxctl role ''
complete_is "--socket passed on: role" "$roles" scxctl --socket /tmp/other6.sock role set ''
check "--socket passed on: role: arguments" \
	grep -qx -- '--socket /tmp/other6.sock --timeout 1000 --json role list' "$tmp/args"
complete_is "check: files" "$tmp/files/--json $tmp/files/a.txt $tmp/files/sub" scxctl check "$tmp/files/"
complete_is "check: one file" "" scxctl check "$tmp/files/a.txt" "$tmp/files/"
complete_is "check: options" "--explain --help --json --role --roles-dir" scxctl check -
complete_is "check: --roles-dir takes a directory" "$tmp/files/sub" scxctl check --roles-dir "$tmp/files/"

complete_is "status: nothing after --" "" scxctl status -- --
complete_is "remove-layer: nothing after --" "" scxctl remove-layer -- ''
complete_is "set-layer: nothing after --" "" scxctl set-layer gaming -- --

STUB_STATUS=$tmp/status-compact.json \
	complete_is "compact status document" "$layers" scxctl remove-layer ''

complete_is "--socket passed on" "$layers" scxctl --socket /tmp/other.sock set-layer ''
check "--socket passed on: arguments" \
	grep -qx -- '--socket /tmp/other.sock --timeout 1000 --json status' "$tmp/args"
complete_is "-js passed on" "$layers" scxctl -js /tmp/other2.sock match add ''
check "-js passed on: arguments" \
	grep -qx -- '--socket /tmp/other2.sock --timeout 1000 --json status' "$tmp/args"
complete_is "--socket= passed on" "$layers" scxctl --socket = /tmp/other3.sock remove-layer ''
check "--socket= passed on: arguments" \
	grep -qx -- '--socket /tmp/other3.sock --timeout 1000 --json status' "$tmp/args"
complete_is "-t value skipped" "$layers" scxctl -t 200 remove-layer ''
check "no --socket: arguments" grep -qx -- '--timeout 1000 --json status' "$tmp/args"
complete_is "--socket passed on: run" "$layers" scxctl -s /tmp/other4.sock run --layer ''
check "--socket passed on: run: arguments" \
	grep -qx -- '--socket /tmp/other4.sock --timeout 1000 --json status' "$tmp/args"
complete_is "--socket passed on: move" "$layers" scxctl --socket=/tmp/other5.sock move 1 --layer ''
check "--socket passed on: move: arguments" \
	grep -qx -- '--socket /tmp/other5.sock --timeout 1000 --json status' "$tmp/args"

SCXCTL=$tmp/scxctl-down complete_is "daemon down: no names" "" scxctl set-layer ''
SCXCTL=$tmp/scxctl-down complete_is "daemon down: options still" "--kind" scxctl set-layer x --ki
SCXCTL=$tmp/no-such-scxctl complete_is "no scxctl: no names" "" scxctl match add ''
SCXCTL=$tmp/scxctl-down complete_is "daemon down: run: no names" "" scxctl run --layer ''
SCXCTL=$tmp/scxctl-down complete_is "daemon down: move: no names" "" scxctl move 42 --layer ''
echo '{"proto":1,"layers":[]}' >"$tmp/empty.json"
STUB_STATUS=$tmp/empty.json complete_is "no layers" "" scxctl remove-layer ''
echo 'not json' >"$tmp/garbage.json"
STUB_STATUS=$tmp/garbage.json complete_is "not JSON" "" scxctl remove-layer ''

# The lists above must be scxctl's own: its --help, and the usage lines of
# the verbs (add-layer's "[set-layer options]" are set-layer's), plus
# --json and --help, which every verb takes. A bare "--" is not an option.
usage_opts()	# VERB...
{
	local v

	{
		echo --json
		echo --help
		for v; do
			ctl/scxctl help "$v" | sed '/^$/q' | grep -o -- '--[a-z][a-z-]*'
		done
	} | sort -u | tr '\n' ' '
}

if [ -x ctl/scxctl ]; then
	help_verbs=$(ctl/scxctl --help | sed -n '/^Verbs:/,/^$/p' | awk 'NF {print $1}' | grep -v ':' | sort | tr '\n' ' ')
	complete_is "verbs are scxctl --help's" "${help_verbs% }" scxctl ''
	opts=$(usage_opts set-layer)
	complete_is "set-layer options are its usage's" "${opts% }" scxctl set-layer x --
	opts=$(usage_opts set-layer add-layer)
	complete_is "add-layer options are its usage's" "${opts% }" scxctl add-layer x --
	opts=$(usage_opts run)
	complete_is "run options are its usage's" "${opts% }" scxctl run -
	opts=$(usage_opts move)
	complete_is "move options are its usage's" "${opts% }" scxctl move -
	opts=$(usage_opts unpin)
	complete_is "unpin options are its usage's" "${opts% }" scxctl unpin -
	opts=$(usage_opts explain)
	complete_is "explain options are its usage's" "${opts% }" scxctl explain -
	for v in status stats layers layer top topology version reload save stop start role check compare suggest; do
		opts=$(usage_opts "$v")
		complete_is "$v options are its usage's" "${opts% }" scxctl "$v" -
	done
else
	echo "skip: ctl/scxctl not built, verb lists not compared with it"
fi

echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
