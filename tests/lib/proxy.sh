# shellcheck shell=bash
# The fault-injecting proxy (faultproxy.py, see its docstring for the rules) in front of the test
# server, for one test. Source after server.sh and testlib.sh; use inside a test (t ...):
#
#   proxy_start [RULE...]  starts the proxy in front of $HTTP_BASE's server and exports
#       PROXY_BASE      http://127.0.0.1:PORT/git, the test server's /git through the proxy
#       PROXY_PORT      its port (also a forward proxy for http_proxy, and https_proxy by CONNECT)
#       PROXY_SINK_PORT the port of the "other host" a redirect rule points to
#       PROXY_LOG       one line per request: "N METHOD TARGET fault=NAME|- auth=yes|no"
#       PROXY_SINK_LOG  one line per request the sink got: "REQUEST-LINE auth=yes|no"
#     waits at most 10 s for it to listen; the proxy stops with the test (an EXIT trap of the
#     test's subshell, and the proxy's own watch of that process), and after 300 s at most.
#   proxy_stop             stops it (idempotent)
#   proxy_faults           prints how many requests got a fault

RM_PROXY_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/faultproxy.py
RM_PROXY_PID=

proxy_start() {
	local d=$TEST_DIR/proxy i
	mkdir -p "$d"
	rm -f "$d/port" "$d/sink-port"
	python3 "$RM_PROXY_PY" --upstream "http://127.0.0.1:$SERVER_PORT" --port-file "$d/port" \
		--sink-port-file "$d/sink-port" --log "$d/requests.log" --sink-log "$d/sink.log" \
		--parent "$BASHPID" --lifetime 300 "$@" 2>"$d/stderr" &
	RM_PROXY_PID=$!
	trap proxy_stop EXIT
	for ((i = 0; i < 100; i++)); do
		[ -s "$d/port" ] && break
		if ! kill -0 "$RM_PROXY_PID" 2>/dev/null; then
			fail "the fault proxy did not start: $(tail -n 3 "$d/stderr")"
			return 1
		fi
		sleep 0.1
	done
	[ -s "$d/port" ] || { fail "the fault proxy did not listen within 10 s"; return 1; }
	PROXY_PORT=$(cat "$d/port")
	PROXY_SINK_PORT=$(cat "$d/sink-port")
	PROXY_BASE=http://127.0.0.1:$PROXY_PORT/git
	PROXY_LOG=$d/requests.log
	PROXY_SINK_LOG=$d/sink.log
	export PROXY_PORT PROXY_SINK_PORT PROXY_BASE PROXY_LOG PROXY_SINK_LOG
}

proxy_stop() {
	local i
	[ -n "$RM_PROXY_PID" ] || return 0
	kill -TERM "$RM_PROXY_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$RM_PROXY_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$RM_PROXY_PID" 2>/dev/null
	wait "$RM_PROXY_PID" 2>/dev/null
	RM_PROXY_PID=
	return 0
}

proxy_faults() { grep -c ' fault=[^-]' "$PROXY_LOG"; }
