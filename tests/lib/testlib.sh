# shellcheck shell=bash
# Helpers for refmirror's integration tests. Source tests/lib/server.sh first.
#
# Test registration (in the runner's shell):
#   t NAME FUNC [ARGS...]   runs FUNC in a background subshell when NAME matches the run's
#                           pattern, at most RM_JOBS at once; its verdict, "ok - NAME" or
#                           "not ok - NAME: reason" (and the logs on failure), is printed in
#                           registration order
#   t_finish                waits for every test, prints the last verdicts, sets T_PASS, T_FAIL
# Inside a test:
#   fail MSG                records a failure (the test goes on; the first reasons are reported)
#   make_world (runner)     the commit graph A <- B <- D, A <- C, annotated tags v1 on each
#   obj KIND LETTER         the object a state letter names for KIND (branch|tag: the commit,
#                           atag: the annotated tag object); '-' prints nothing
#   ref_for KIND            refs/heads/feature/x (not HEAD's branch, which a server refuses to
#                           delete), or refs/tags/v1 for tag and atag
#   seed_repo NAME KIND STATE [REF]
#                           a fresh bare repo NAME holding only REF=STATE (pushed from the world,
#                           so it has exactly the objects that state needs)
#   seed_ref NAME REF SHA   pushes one more ref into NAME
#   rname SUFFIX            a repo name unique to this test
#   ref_value NAME REF      the ref's value in NAME (git rev-parse, unpeeled), empty if absent
#   run_mirror SRC TGT REF [VAR=VALUE...]
#                           runs $REFMIRROR with PLUGIN_SOURCE_URL/PLUGIN_TARGET_URL (a repo name
#                           under $MIRROR_BASE, default $HTTP_BASE, or a full URL; "" = not set),
#                           PLUGIN_REFERENCE (REF, "" = not set), both tokens, DRONE_OUTPUT, then the
#                           given variables (later ones win; VAR= sets it empty; -VAR unsets it, e.g.
#                           -DRONE_OUTPUT). Sets M_EXIT, M_LOG, M_OUT. $M_OUT_NAME names the outputs
#                           file (in the test's directory). Checks that it leaves no files behind in its
#                           working directory or TMPDIR.
#   run_mirror_raw VAR=VALUE...   the same with only the given variables (plus DRONE_OUTPUT, TMPDIR)
#   output KEY              a key's value in the last run's outputs file (last line wins)
#   assert_eq WANT GOT WHAT, assert_exit CODE, assert_result RESULT, assert_output KEY VALUE,
#   assert_log REGEX WHAT, assert_no_log REGEX WHAT,
#   assert_target_ref NAME REF SHA   the ref's value (empty = absent)
#   assert_refs NAME "SHA REF" ...   the repo holds exactly these refs
#   assert_fsck NAME        git fsck --strict is clean
#   assert_tag_object NAME REF       the ref points to an annotated tag object
#   register_token TOKEN    a string that must appear in no log or output of the binary

RM_ZERO=0000000000000000000000000000000000000000

# A hermetic environment for git and the binary.
testlib_init() {
	local v
	for v in $(compgen -e); do
		case $v in
		PLUGIN_* | DRONE_* | GIT_* | CI_*) unset "$v" ;;
		esac
	done
	unset CURL_CA_BUNDLE
	mkdir -p "$RUN_DIR/home" "$RUN_DIR/t"
	export HOME=$RUN_DIR/home
	export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false SSH_ASKPASS=
	export GIT_AUTHOR_NAME="Refmirror Test" GIT_AUTHOR_EMAIL=test@refmirror.invalid
	export GIT_COMMITTER_NAME="Refmirror Test" GIT_COMMITTER_EMAIL=test@refmirror.invalid
	export GIT_HTTP_LOW_SPEED_LIMIT=1 GIT_HTTP_LOW_SPEED_TIME=30
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
	T_PASS=0 T_FAIL=0 T_NUM=0
	: >"$RUN_DIR/tokens"
}

# ---- the world ------------------------------------------------------------------------------

declare -A W_COMMIT=() W_ATAG=()

_world_commit() { # LETTER PARENT-LETTER|-  (files change, so every commit has its own objects)
	local letter=$1 parent=$2 w=$RUN_DIR/world i date
	if [ "$parent" = - ]; then
		git -C "$w" checkout -q --orphan tmp-$letter
	else
		git -C "$w" checkout -q --detach "${W_COMMIT[$parent]}"
	fi
	mkdir -p "$w/dir-$letter"
	for ((i = 0; i < 20; i++)); do
		printf 'commit %s line %d: the quick brown fox jumps over the lazy dog %d\n' "$letter" "$i" "$((i * 7919))"
	done >"$w/dir-$letter/file.txt"
	printf 'state %s\n' "$letter" >"$w/STATE"
	# Incompressible but reproducible content, so that the world's SHAs are the same every run.
	head -c 3000 /dev/zero | openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
		-iv "$(printf '%032x' "'$letter")" | base64 >"$w/dir-$letter/noise.txt"
	git -C "$w" add -A
	date="2024-01-0$((${#W_COMMIT[@]} + 1))T12:00:00Z"
	GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git -C "$w" commit -q -m "commit $letter"
	W_COMMIT[$letter]=$(git -C "$w" rev-parse HEAD)
	git -C "$w" update-ref "refs/world/commit/$letter" HEAD
	GIT_COMMITTER_DATE=$date git -C "$w" tag -a -m "v1 at $letter" v1 HEAD
	W_ATAG[$letter]=$(git -C "$w" rev-parse refs/tags/v1)
	git -C "$w" update-ref "refs/world/atag/$letter" refs/tags/v1
	git -C "$w" tag -d v1 >/dev/null
}

make_world() {
	local w=$RUN_DIR/world
	git init -q "$w" || return 1
	_world_commit A -
	_world_commit B A
	_world_commit D B
	_world_commit C A
	git -C "$w" checkout -q --detach "${W_COMMIT[D]}"
}

obj() { # KIND LETTER
	case $2 in
	- | '') return 0 ;;
	esac
	case $1 in
	atag) printf '%s\n' "${W_ATAG[$2]:?unknown state $2}" ;;
	*) printf '%s\n' "${W_COMMIT[$2]:?unknown state $2}" ;;
	esac
}

ref_for() {
	case $1 in
	branch) echo refs/heads/feature/x ;;
	tag | atag) echo refs/tags/v1 ;;
	*) echo "unknown kind $1" >&2; return 1 ;;
	esac
}

rname() { printf '%s-%s\n' "$TEST_ID" "$1"; }

seed_ref() { # NAME REF SHA
	git -C "$RUN_DIR/world" push -q "$(repo_path "$1")" "$3:$2" 2>&1 || { fail "seeding $1 $2=$3 failed"; return 1; }
}

seed_repo() { # NAME KIND STATE [REF]
	local ref=${4:-$(ref_for "$2")}
	repo_create "$1" >/dev/null || { fail "cannot create repo $1"; return 1; }
	[ "$3" = - ] && return 0
	seed_ref "$1" "$ref" "$(obj "$2" "$3")"
}

ref_value() { git -C "$(repo_path "$1")" rev-parse -q --verify "$2" 2>/dev/null; }

# ---- tests ------------------------------------------------------------------------------------

fail() {
	printf '%s\n' "$*" >>"$TEST_DIR/fail"
	printf 'FAIL: %s\n' "$*" >&2
	return 1
}

register_token() { printf '%s\n' "$1" >>"$RUN_DIR/tokens"; }

_mask() { # masks the registered tokens in stdin
	local tok args=()
	while IFS= read -r tok; do
		[ -n "$tok" ] && args+=(-e "s|$tok|***|g")
	done <"$RUN_DIR/tokens"
	if [ ${#args[@]} -gt 0 ]; then sed "${args[@]}"; else cat; fi
}

# Tests run in the background, at most RM_JOBS at once: most of a test's time is spent waiting on
# the server, the binary's retries or a stalled proxy, not on the CPU. Each one works in its own
# directory on its own repositories (rname), and what a test counts on the shared server it counts
# for its own repositories only (server_requests, the access log by repository), so they do not
# see each other. Verdicts are printed in registration order.
RM_JOBS=${RM_JOBS:-$(($(nproc 2>/dev/null || echo 1) * 2 + 2))}
[ "$RM_JOBS" -ge 1 ] 2>/dev/null || RM_JOBS=1
RM_TEST_TIMEOUT=${RM_TEST_TIMEOUT:-300} # seconds a whole test may take (each run_mirror: 120)
declare -A T_RUNNING=() # a running test's number -> the pid of its job
T_REPORTED=0
T_DONE_FD= # a FIFO on which each job writes its test's number when it ends

_t_dir() { printf '%s/t/%03d\n' "$RUN_DIR" "$1"; }

t() { # NAME FUNC [ARGS...]
	local name=$1 dir
	shift
	if [ -n "${RM_PATTERN:-}" ] && ! [[ $name =~ $RM_PATTERN ]]; then
		return 0
	fi
	T_NUM=$((T_NUM + 1))
	dir=$(_t_dir "$T_NUM")
	mkdir -p "$dir"
	printf '%s\n' "$name" >"$dir/name"
	_t_wait_below "$RM_JOBS"
	if [ -z "$T_DONE_FD" ]; then
		mkfifo "$RUN_DIR/done.fifo" && exec {T_DONE_FD}<>"$RUN_DIR/done.fifo" || return 1
	fi
	_t_job "$dir" "$name" "$@" &
	T_RUNNING[$T_NUM]=$!
	_t_report
}

# Reaps finished tests until fewer than N run. (Not `wait -n`: it can miss a job that ended
# before it was called and then wait for the server.)
_t_wait_below() { # N
	local num
	while [ ${#T_RUNNING[@]} -ge "$1" ]; do
		if read -r -t 5 -u "$T_DONE_FD" num && [ -n "${T_RUNNING[$num]:-}" ]; then
			wait "${T_RUNNING[$num]}"
			unset "T_RUNNING[$num]"
			continue
		fi
		for num in "${!T_RUNNING[@]}"; do # a job killed before it could write
			kill -0 "${T_RUNNING[$num]}" 2>/dev/null && continue
			wait "${T_RUNNING[$num]}"
			unset "T_RUNNING[$num]"
		done
	done
}

# Prints the verdicts of finished tests, in registration order, up to the first still running.
_t_report() {
	local dir
	while [ "$T_REPORTED" -lt "$T_NUM" ]; do
		dir=$(_t_dir $((T_REPORTED + 1)))
		[ -e "$dir/done" ] || break
		cat "$dir/verdict"
		T_REPORTED=$((T_REPORTED + 1))
	done
}

# After the last registration: waits for every test, prints the remaining verdicts, and counts
# T_PASS and T_FAIL from the tests' directories. RM_TIMES=1 also lists the 15 slowest tests.
t_finish() {
	local dir
	_t_wait_below 1
	_t_report
	T_PASS=0 T_FAIL=0
	for dir in "$RUN_DIR"/t/*/; do
		[ -e "$dir/done" ] || continue
		if [ -s "$dir/fail" ]; then T_FAIL=$((T_FAIL + 1)); else T_PASS=$((T_PASS + 1)); fi
	done
	if [ -n "${RM_TIMES:-}" ]; then
		echo "# the slowest tests (seconds, with up to $RM_JOBS at once):"
		for dir in "$RUN_DIR"/t/*/; do
			[ -e "$dir/seconds" ] && printf '%s %s\n' "$(cat "$dir/seconds")" "$(cat "$dir/name")"
		done | sort -rn | head -n 15 | sed 's/^/#   /'
	fi
}

# Stops the tests still running (the runner's exit trap).
t_stop_all() {
	local pid
	for pid in "${T_RUNNING[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	for pid in "${T_RUNNING[@]}"; do wait "$pid" 2>/dev/null; done
	T_RUNNING=()
}

# One test, in a background job: runs FUNC in a process group of its own, bounded by
# RM_TEST_TIMEOUT (then the whole group is killed), and writes its verdict (the text to print),
# its seconds and "done" into its directory.
_t_job() { # DIR NAME FUNC [ARGS...]
	local dir=$1 name=$2 rc start tenths test watchdog
	shift 2
	set -m # the test and the watchdog each in a process group of their own
	start=${EPOCHREALTIME/[.,]/}
	(
		TEST_DIR=$dir
		TEST_ID=t${dir##*/}
		TEST_NAME=$name
		MIRROR_N=0
		"$@"
		: >"$dir/completed" # the status of the test function is not a verdict, fail is
	) >"$dir/harness.log" 2>&1 </dev/null &
	test=$!
	trap 'kill -TERM -- -$test 2>/dev/null; exit 143' TERM
	(
		sleep "$RM_TEST_TIMEOUT"
		printf 'the test did not finish within %s s (RM_TEST_TIMEOUT)\n' "$RM_TEST_TIMEOUT" >>"$dir/fail"
		kill -TERM -- -"$test"
		sleep 5
		kill -KILL -- -"$test"
	) >/dev/null 2>&1 </dev/null &
	watchdog=$!
	wait "$test"
	rc=$?
	kill -TERM -- -"$watchdog" 2>/dev/null
	wait "$watchdog"
	tenths=$(((${EPOCHREALTIME/[.,]/} - start) / 100000)) # tenths of a second
	printf '%d.%d\n' $((tenths / 10)) $((tenths % 10)) >"$dir/seconds"
	if [ ! -e "$dir/completed" ]; then
		printf 'the test stopped early (exit %d): %s\n' "$rc" "$(tail -n 1 "$dir/harness.log")" >>"$dir/fail"
	fi
	_t_verdict "$dir" "$name" >"$dir/verdict.tmp"
	mv "$dir/verdict.tmp" "$dir/verdict"
	: >"$dir/done"
	printf '%d\n' "$((10#${dir##*/}))" >&"$T_DONE_FD"
} 2>>"$RUN_DIR/jobs.log"

_t_verdict() { # DIR NAME: "ok - NAME", or "not ok - NAME: reason" and the test's logs
	local dir=$1 name=$2 reason f
	if [ ! -s "$dir/fail" ]; then
		printf 'ok - %s\n' "$name"
		return
	fi
	reason=$(head -n 3 "$dir/fail" | paste -sd ';' - | sed 's/;/; /g')
	printf 'not ok - %s: %s\n' "$name" "$reason" | _mask
	for f in "$dir"/mirror.*.log; do
		[ -f "$f" ] || continue
		printf '#   --- %s (exit %s)\n' "${f##*/}" "$(cat "${f%.log}.exit" 2>/dev/null)"
		sed 's/^/#   /' "$f" | head -n 60 | _mask
	done
	if [ -s "$dir/harness.log" ]; then
		printf '#   --- harness\n'
		sed 's/^/#   /' "$dir/harness.log" | tail -n 20 | _mask
	fi
}

# ---- running the binary -----------------------------------------------------------------------

url_of() { # NAME|URL
	case $1 in
	*://*) printf '%s\n' "$1" ;;
	*) printf '%s/%s.git\n' "${MIRROR_BASE:-$HTTP_BASE}" "$1" ;;
	esac
}

run_mirror_raw() {
	local tmp cwd left a n u vars=() unsets=() envargs=()
	MIRROR_N=$((MIRROR_N + 1))
	M_LOG=$TEST_DIR/mirror.$MIRROR_N.log
	M_OUT=$TEST_DIR/${M_OUT_NAME:-outputs.$MIRROR_N.env}
	tmp=$TEST_DIR/tmp.$MIRROR_N
	cwd=$TEST_DIR/cwd.$MIRROR_N
	mkdir -p "$tmp" "$cwd"
	if [ ! -x "${REFMIRROR:-}" ]; then
		fail "the binary REFMIRROR=${REFMIRROR:-} is missing or not executable"
		M_EXIT=127
		return 1
	fi
	# -NAME arguments unset NAME (and drop any NAME=... given before or after).
	for a in "$@"; do
		[[ $a == -* ]] && unsets+=("${a#-}")
	done
	for a in DRONE_OUTPUT="$M_OUT" TMPDIR="$tmp" "$@"; do
		[[ $a == -* ]] && continue
		n=${a%%=*}
		for u in "${unsets[@]}"; do
			[ "$n" = "$u" ] && continue 2
		done
		vars+=("$a")
	done
	for u in "${unsets[@]}"; do envargs+=(-u "$u"); done
	(cd "$cwd" && exec timeout --foreground -k 5 120 env "${envargs[@]}" "${vars[@]}" "$REFMIRROR") \
		</dev/null >"$M_LOG" 2>&1
	M_EXIT=$?
	printf '%s\n' "$M_EXIT" >"$TEST_DIR/mirror.$MIRROR_N.exit"
	[ "$M_EXIT" -ne 124 ] || fail "the binary did not finish within 120 s"
	left=$(cd "$tmp" && ls -A)$(cd "$cwd" && ls -A)
	[ -z "$left" ] || fail "the binary left files behind: $left"
	rmdir "$tmp" "$cwd" 2>/dev/null
	return 0
}

run_mirror() { # SRC TGT REF [VAR=VALUE...]
	local src=$1 tgt=$2 ref=$3 vars=()
	shift 3
	vars+=(PLUGIN_SOURCE_TOKEN="$TEST_TOKEN" PLUGIN_TARGET_TOKEN="$TEST_TOKEN")
	[ -z "$src" ] || vars+=(PLUGIN_SOURCE_URL="$(url_of "$src")")
	[ -z "$tgt" ] || vars+=(PLUGIN_TARGET_URL="$(url_of "$tgt")")
	[ -z "$ref" ] || vars+=(PLUGIN_REFERENCE="$ref")
	run_mirror_raw "${vars[@]}" "$@"
}

output() { # KEY: its value in the last run's outputs (last line wins); status 1 when absent
	local line value found= sep='='
	[ -f "$M_OUT" ] || return 1
	[[ $M_OUT != *.out ]] || sep=' '
	# (In the shell, not grep and sed: tests call it often, and each process costs.)
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"$1$sep"*) value=${line#"$1$sep"} found=1 ;;
		"$1") [ "$sep" = ' ' ] && value= found=1 ;;
		esac
	done <"$M_OUT"
	[ -n "$found" ] && printf '%s\n' "$value"
}

# ---- assertions -------------------------------------------------------------------------------

assert_eq() { # WANT GOT WHAT
	[ "$1" = "$2" ] || fail "$3: want '$1', got '$2'"
}

assert_exit() { assert_eq "$1" "$M_EXIT" "exit code"; }

assert_output() { # KEY VALUE
	local v
	if ! v=$(output "$1"); then
		fail "output $1 missing from ${M_OUT##*/}"
		return 1
	fi
	assert_eq "$2" "$v" "output $1"
}

assert_result() { assert_output MIRROR_RESULT "$1"; }

assert_log() { # REGEX WHAT
	grep -qiE -- "$1" "$M_LOG" || fail "log lacks $2 (/$1/)"
}

assert_no_log() { # REGEX WHAT
	! grep -qiE -- "$1" "$M_LOG" || fail "log shows $2 (/$1/)"
}

assert_target_ref() { # NAME REF SHA(empty = absent)
	assert_eq "$3" "$(ref_value "$1" "$2")" "$1 $2"
}

assert_refs() { # NAME ["SHA REF"...]: exactly these refs
	local want got
	want=$(printf '%s\n' "${@:2}" | sed '/^ *$/d' | sort)
	got=$(git -C "$(repo_path "$1")" for-each-ref --format='%(objectname) %(refname)' | sort)
	[ "$want" = "$got" ] || fail "$1 refs: want [$(echo $want)], got [$(echo $got)]"
}

assert_fsck() { # NAME
	local p out rc
	p=$(repo_path "$1")
	out=$(git -C "$p" fsck --strict --no-dangling --no-progress 2>&1)
	rc=$?
	out=$(printf '%s\n' "$out" | grep -v '^notice:' | sed '/^$/d')
	[ $rc -eq 0 ] && [ -z "$out" ] || fail "git fsck --strict on $1 (exit $rc): $(echo $out | head -c 300)"
}

assert_tag_object() { # NAME REF
	local type
	type=$(git -C "$(repo_path "$1")" cat-file -t "$2" 2>&1)
	assert_eq tag "$type" "object type of $1 $2"
}

assert_pack_bytes() { # zero|positive
	local v
	v=$(output MIRROR_PACK_BYTES) || { fail "output MIRROR_PACK_BYTES missing"; return 1; }
	case $1 in
	zero) [ "$v" = 0 ] || fail "MIRROR_PACK_BYTES: want 0, got '$v'" ;;
	positive) [[ $v =~ ^[0-9]+$ ]] && [ "$v" -gt 0 ] || fail "MIRROR_PACK_BYTES: want > 0, got '$v'" ;;
	esac
}

# ---- table rows (decisions.tab, payloads.tab) -------------------------------------------------
#   run_table FILE NCOLS FUNC   runs `t NAME FUNC FIELD...` for each row of FILE (fields split on
#                               '|' and trimmed; blank lines and # comments skipped)
#   row_seed KIND REF SRC TGT   fresh repos ROW_SN and ROW_TN holding REF at the states SRC and TGT
#   row_run EXTRA REF [VAR=VALUE...]
#                               runs the mirror of ROW_SN to ROW_TN (REF "" = not set) with EXTRA
#                               (space separated key=value settings, or '-') and the variables
#   row_check RESULT EXIT AFTER the run's exit, outputs and log, and, by the git CLI, exactly REF at
#                               AFTER on the target, the source untouched, fsck clean, annotated
#                               tags arriving as tag objects, a pack sent only when one was needed

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

run_table() { # FILE NCOLS FUNC
	local line f fields i
	while IFS= read -r line || [ -n "$line" ]; do
		line=$(trim "$line")
		[ -z "$line" ] || [ "${line:0:1}" = "#" ] && continue
		IFS='|' read -r -a f <<<"$line"
		if [ ${#f[@]} -ne "$2" ]; then
			t "${1##*/}: malformed row '$line'" fail "want $2 columns, got ${#f[@]}"
			continue
		fi
		fields=()
		for ((i = 0; i < $2; i++)); do fields+=("$(trim "${f[$i]}")"); done
		t "${fields[0]}" "$3" "${fields[@]}"
	done <"$1"
}

row_seed() { # KIND REF SRC TGT
	ROW_KIND=$1 ROW_REF=$2
	ROW_S=$(obj "$1" "$3") && ROW_T=$(obj "$1" "$4") || { fail "bad state letter in the row"; return 1; }
	ROW_SN=$(rname src) ROW_TN=$(rname tgt)
	seed_repo "$ROW_SN" "$1" "$3" "$2" && seed_repo "$ROW_TN" "$1" "$4" "$2"
}

row_run() { # EXTRA REF [VAR=VALUE...]
	local extra=$1 ref=$2 kv key vars=()
	shift 2
	ROW_DRY=no ROW_HAD_S=no
	if [ "$extra" != - ]; then
		for kv in $extra; do
			key=${kv%%=*}
			key=${key^^}
			[[ $key == PLUGIN_* ]] || key=PLUGIN_$key
			vars+=("$key=${kv#*=}")
			[ "$key=${kv#*=}" != PLUGIN_DRY_RUN=true ] || ROW_DRY=yes
		done
	fi
	if [ -n "$ROW_S" ] && git -C "$(repo_path "$ROW_TN")" cat-file -e "$ROW_S" 2>/dev/null; then
		ROW_HAD_S=yes
	fi
	run_mirror "$ROW_SN" "$ROW_TN" "$ref" "$@" "${vars[@]}"
}

row_check() { # RESULT EXIT AFTER
	local result=$1 A
	A=$(obj "$ROW_KIND" "$3") || { fail "bad state letter in the row"; return 1; }
	assert_exit "$2"
	assert_result "$result"
	assert_output MIRROR_REFERENCE "$ROW_REF"
	assert_output MIRROR_SOURCE_SHA "$ROW_S"
	assert_output MIRROR_TARGET_SHA_BEFORE "$ROW_T"
	assert_output MIRROR_TARGET_SHA_AFTER "$A"
	assert_refs "$ROW_TN" ${A:+"$A $ROW_REF"}
	assert_refs "$ROW_SN" ${ROW_S:+"$ROW_S $ROW_REF"}
	assert_fsck "$ROW_TN"
	if [ "$ROW_KIND" = atag ] && [ -n "$A" ]; then
		assert_tag_object "$ROW_TN" "$ROW_REF"
	fi
	case $result in
	created | fast_forward | forced)
		if [ $ROW_DRY = yes ]; then
			assert_pack_bytes zero
		elif [ $ROW_HAD_S = no ]; then
			assert_pack_bytes positive
		fi
		;;
	*) assert_pack_bytes zero ;;
	esac
	assert_log "$result" "the result"
}

# The token-leak check over every log and outputs file of the binary.
token_scan() {
	local tok hits=() f
	# Also the base64 of "git:TOKEN", as an Authorization header would carry it.
	while IFS= read -r tok; do
		[ -n "$tok" ] || continue
		printf '%s\n' "$tok"
		printf 'git:%s' "$tok" | base64 -w0
		echo
	done <"$RUN_DIR/tokens" >"$RUN_DIR/tokens.scan"
	for f in "$RUN_DIR"/t/*/mirror.*.log "$RUN_DIR"/t/*/outputs.* "$RUN_DIR"/t/*/*.out; do
		[ -f "$f" ] || continue
		if grep -qF -f "$RUN_DIR/tokens.scan" "$f"; then
			hits+=("$(cat "${f%/*}/name"): ${f##*/}")
		fi
	done
	if [ ${#hits[@]} -eq 0 ]; then
		T_PASS=$((T_PASS + 1))
		printf 'ok - no token in any log or output (%d files)\n' \
			"$(ls "$RUN_DIR"/t/*/mirror.*.log "$RUN_DIR"/t/*/outputs.* "$RUN_DIR"/t/*/*.out 2>/dev/null | wc -l)"
	else
		T_FAIL=$((T_FAIL + 1))
		printf 'not ok - no token in any log or output: a token appears in %s\n' "$(printf '%s, ' "${hits[@]}")"
	fi
}

# ---- shorthands -------------------------------------------------------------------------------

c() { printf '%s\n' "${W_COMMIT[$1]}"; } # the world's commit for a letter

# pair KIND SRC-STATE TGT-STATE [REF]: fresh source and target repos (names in SN and TN, the ref
# in REF; each call in a test makes new ones).
pair() {
	PAIR_N=$((${PAIR_N:-0} + 1))
	REF=${4:-$(ref_for "$1")}
	SN=$(rname "src$PAIR_N") TN=$(rname "tgt$PAIR_N")
	seed_repo "$SN" "$1" "$2" "$REF" && seed_repo "$TN" "$1" "$3" "$REF"
}
