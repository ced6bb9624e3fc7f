# shellcheck shell=bash
# A real git smart-HTTP(S) server for tests: git http-backend as CGI under lighttpd, basic auth
# (user "git", a random test token as the password), HTTP and HTTPS (a test CA made here), bound to
# 127.0.0.1 only. Source this file, then:
#
#   server_start WORKDIR   creates WORKDIR/{ca,certs,repos,...}, starts lighttpd (bodies
#                          streamed, not buffered whole, as on a git host) and exports
#       GIT_ROOT      the directory holding the bare repositories
#       HTTP_BASE     http://127.0.0.1:PORT/git        (protocol v2 when the client asks for it)
#       HTTP_V0_BASE  http://127.0.0.1:PORT/git-v0     (the same repos, protocol v0 only)
#       HTTP_X_BASE   http://127.0.0.1:PORT/git-x      (the same repos, every request logged to
#                     $SERVER_REQUEST_LOG; a receive-pack POST can be raced, see server_race_next_push)
#       HTTPS_BASE    https://localhost:PORT2/git
#       HTTPS_V0_BASE https://localhost:PORT2/git-v0
#       TEST_USER     git
#       TEST_TOKEN    the password (a token-like string "rmtok-<hex>")
#       TEST_CA       the test CA's certificate (PEM file)
#   server_stop            stops lighttpd (idempotent; call it from an EXIT trap)
#   repo_create NAME       a bare repository GIT_ROOT/NAME.git that accepts pushes; prints its path
#   repo_path NAME         GIT_ROOT/NAME.git
#   repo_protect NAME REF  installs an update hook refusing updates of REF (message on stderr)
#   repo_deny_deletes NAME git config receive.denyDeletes true
#   server_race_next_push NAME REF SHA
#                          the next receive-pack POST to NAME through HTTP_X_BASE first sets REF to
#                          SHA on the server (a concurrent change between the client's read and push)
#   server_requests        prints the number of requests seen so far on HTTP_X_BASE, for this test
#                          (see below)
#   git_auth ARGS...       runs the git CLI with the test credentials and CA (no credentials in
#                          URLs or argv: an askpass-free credential helper reads them from the env),
#                          for at most GIT_AUTH_TIMEOUT seconds (default 60)
#
# Every wait is bounded. Nothing listens on anything but 127.0.0.1. Safe under set -e.

RM_HTTP_BACKEND=${RM_HTTP_BACKEND:-/usr/lib/git-core/git-http-backend}
RM_SERVER_PID=
RM_SERVER_DIR=

_server_log() { printf 'server: %s\n' "$*" >&2; }

# The test CA and a server certificate for DNS:localhost (and IP 127.0.0.1).
_server_make_certs() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-keyout "$d/ca.key" -out "$d/ca.pem" -days 7 -subj "/CN=refmirror test CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "subjectKeyIdentifier=hash" 2>"$d/openssl.log" || return 1
	openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=localhost" \
		2>>"$d/openssl.log" || return 1
	cat >"$d/server.ext" <<-'EOF'
		basicConstraints=critical,CA:FALSE
		keyUsage=critical,digitalSignature,keyEncipherment
		extendedKeyUsage=serverAuth
		subjectAltName=DNS:localhost,IP:127.0.0.1
		authorityKeyIdentifier=keyid
		subjectKeyIdentifier=hash
	EOF
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -out "$d/server.pem" -days 7 -extfile "$d/server.ext" \
		2>>"$d/openssl.log" || return 1
	chmod 600 "$d/ca.key" "$d/server.key"
}

# The CGI wrappers: v0 only (drops the Git-Protocol header), and the instrumented one.
_server_make_cgis() {
	local d=$1
	cat >"$d/cgi/v0-backend" <<-EOF
		#!/bin/sh
		# Protocol v0 only: hide the client's Git-Protocol header from git http-backend.
		unset HTTP_GIT_PROTOCOL GIT_PROTOCOL
		exec "$RM_HTTP_BACKEND"
	EOF
	cat >"$d/cgi/x-backend" <<-EOF
		#!/bin/sh
		# Logs each request, and applies a pending race (see server_race_next_push) just before a
		# receive-pack POST reaches git http-backend.
		printf '%s %s %s\n' "\$REQUEST_METHOD" "\$PATH_INFO" "\$QUERY_STRING" >>"$d/requests.log"
		case "\$REQUEST_METHOD \$PATH_INFO" in
		"POST "*/git-receive-pack)
			repo="\$GIT_PROJECT_ROOT\${PATH_INFO%/git-receive-pack}"
			if [ -f "\$repo/rm-race" ]; then
				read -r ref sha <"\$repo/rm-race"
				rm -f "\$repo/rm-race"
				git --git-dir="\$repo" update-ref "\$ref" "\$sha" >>"$d/race.log" 2>&1
			fi
			;;
		esac
		exec "$RM_HTTP_BACKEND"
	EOF
	chmod 755 "$d/cgi/v0-backend" "$d/cgi/x-backend"
}

_server_write_config() {
	local d=$1 port=$2 tls_port=$3
	cat >"$d/lighttpd.conf" <<-EOF
		server.modules = ( "mod_access", "mod_alias", "mod_setenv", "mod_auth", "mod_authn_file",
		                   "mod_cgi", "mod_openssl", "mod_accesslog" )
		server.bind          = "127.0.0.1"
		server.port          = $port
		server.document-root = "$d/htdocs"
		server.errorlog      = "$d/error.log"
		accesslog.filename   = "$d/access.log"
		# Body bytes sent and request bytes received, for the benchmarks.
		accesslog.format     = "%h %t \\"%r\\" %>s out=%b in=%I"
		server.max-request-size = 0
		# Bodies stream between the client and git http-backend as on a git host, instead of being
		# buffered whole first (lighttpd's default, which would serialise a relayed pack). A request
		# body without a Content-Length (a chunked push, as git and refmirror send a large one) is
		# still buffered whole: a CGI needs its length, and lighttpd answers 411 to a streamed one.
		server.stream-request-body  = 2
		server.stream-response-body = 2
		\$REQUEST_HEADER["Content-Length"] == "" { server.stream-request-body = 0 }
		server.max-read-idle  = 60
		server.max-write-idle = 60

		\$SERVER["socket"] == "127.0.0.1:$tls_port" {
		    ssl.engine  = "enable"
		    ssl.pemfile = "$d/certs/server.pem"
		    ssl.privkey = "$d/certs/server.key"
		}

		alias.url = ( "/git/"    => "$RM_HTTP_BACKEND/",
		              "/git-v0/" => "$d/cgi/v0-backend/",
		              "/git-x/"  => "$d/cgi/x-backend/" )

		auth.backend = "plain"
		auth.backend.plain.userfile = "$d/users"
		auth.require = ( "/git/"    => ( "method" => "basic", "realm" => "refmirror-test", "require" => "valid-user" ),
		                 "/git-v0/" => ( "method" => "basic", "realm" => "refmirror-test", "require" => "valid-user" ),
		                 "/git-x/"  => ( "method" => "basic", "realm" => "refmirror-test", "require" => "valid-user" ) )

		\$HTTP["url"] =~ "^/git(-v0|-x)?/" {
		    cgi.assign = ( "" => "" )
		    setenv.set-environment = (
		        "GIT_PROJECT_ROOT"    => "$d/repos",
		        "GIT_HTTP_EXPORT_ALL" => "1",
		        "GIT_CONFIG_NOSYSTEM" => "1",
		        "HOME"                => "$d/home",
		        "PATH"                => "/usr/local/bin:/usr/bin:/bin"
		    )
		}
	EOF
}

# Answers (any HTTP status) on both ports within ~10 s, or fails; fails at once if lighttpd died.
_server_wait_ready() {
	local port=$1 tls_port=$2 i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$RM_SERVER_PID" 2>/dev/null || return 2
		if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" &&
			curl -s -o /dev/null --max-time 2 --cacert "$TEST_CA" "https://localhost:$tls_port/"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

server_start() {
	local d tries port tls_port rc
	d=$(mkdir -p "$1" && cd "$1" && pwd) || return 1
	RM_SERVER_DIR=$d
	mkdir -p "$d/repos" "$d/htdocs" "$d/home" "$d/cgi"
	: >"$d/requests.log"
	_server_make_certs "$d/certs" || { _server_log "openssl failed:"; cat "$d/certs/openssl.log" >&2; return 1; }
	TEST_CA=$d/certs/ca.pem
	TEST_USER=git
	TEST_TOKEN=rmtok-$(openssl rand -hex 16)
	printf '%s:%s\n' "$TEST_USER" "$TEST_TOKEN" >"$d/users"
	chmod 600 "$d/users"
	_server_make_cgis "$d"
	for ((tries = 0; tries < 10; tries++)); do
		port=$((20000 + RANDOM % 40000))
		tls_port=$((20000 + RANDOM % 40000))
		[ "$port" != "$tls_port" ] || continue
		_server_write_config "$d" "$port" "$tls_port"
		: >"$d/error.log"
		lighttpd -D -f "$d/lighttpd.conf" >>"$d/lighttpd.out" 2>&1 </dev/null &
		RM_SERVER_PID=$!
		rc=0
		_server_wait_ready "$port" "$tls_port" || rc=$?
		[ $rc -eq 0 ] && break
		server_stop
		if [ $rc -eq 2 ] && grep -qiE 'bind|address already in use' "$d/error.log" "$d/lighttpd.out" 2>/dev/null; then
			continue # port taken: try others
		fi
		_server_log "lighttpd did not start:"
		cat "$d/lighttpd.out" "$d/error.log" >&2 2>/dev/null
		return 1
	done
	if [ -z "$RM_SERVER_PID" ]; then
		_server_log "no free ports after $tries tries"
		return 1
	fi
	export GIT_ROOT=$d/repos
	export HTTP_BASE=http://127.0.0.1:$port/git
	export HTTP_V0_BASE=http://127.0.0.1:$port/git-v0
	export HTTP_X_BASE=http://127.0.0.1:$port/git-x
	export HTTPS_BASE=https://localhost:$tls_port/git
	export HTTPS_V0_BASE=https://localhost:$tls_port/git-v0
	export TEST_USER TEST_TOKEN TEST_CA
	export SERVER_PORT=$port SERVER_TLS_PORT=$tls_port
	export SERVER_DIR=$d SERVER_REQUEST_LOG=$d/requests.log
}

server_stop() {
	local i
	[ -n "$RM_SERVER_PID" ] || return 0
	if kill -0 "$RM_SERVER_PID" 2>/dev/null; then
		kill -TERM "$RM_SERVER_PID" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			kill -0 "$RM_SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$RM_SERVER_PID" 2>/dev/null || true
	fi
	wait "$RM_SERVER_PID" 2>/dev/null || true
	RM_SERVER_PID=
	return 0
}

repo_path() { printf '%s/%s.git\n' "$GIT_ROOT" "$1"; }

repo_create() {
	local p
	p=$(repo_path "$1")
	rm -rf "$p"
	# An empty template: no sample hooks to copy (hundreds of repositories are made per run).
	mkdir -p "$RM_SERVER_DIR/template"
	git -c init.defaultBranch=main init -q --bare --template="$RM_SERVER_DIR/template" "$p" || return 1
	mkdir -p "$p/hooks" "$p/info"
	git -C "$p" config http.receivepack true
	printf '%s\n' "$p"
}

# An update hook refusing REF, like a hosting service's branch protection.
repo_protect() {
	local p
	p=$(repo_path "$1")
	printf '%s\n' "$2" >>"$p/protected-refs"
	cat >"$p/hooks/update" <<-'EOF'
		#!/bin/sh
		# update <ref> <old> <new>: refuse protected refs.
		if grep -qxF "$1" "$GIT_DIR/protected-refs" 2>/dev/null; then
			echo "rmhook: $1 is a protected branch, pushes are refused" >&2
			exit 1
		fi
		exit 0
	EOF
	chmod 755 "$p/hooks/update"
}

repo_deny_deletes() { git -C "$(repo_path "$1")" config receive.denyDeletes true; }

# (SHA must already be in NAME: push it there under some other ref first.)
server_race_next_push() { printf '%s %s\n' "$2" "$3" >"$(repo_path "$1")/rm-race"; }

# Counts the requests for this test's repositories (named by rname: "$TEST_ID-...") or for a
# repository no test named (such as a made-up URL of a setting), not those of tests running beside.
server_requests() {
	local own unnamed
	own=$(grep -c "^[A-Z]* /$TEST_ID-" "$SERVER_REQUEST_LOG")
	unnamed=$(grep -cvE '^[A-Z]+ /t[0-9]+-' "$SERVER_REQUEST_LOG")
	echo $((own + unnamed))
}

# git with the test credentials (from a credential helper reading the environment, so the token
# is in no URL and no argv) and the test CA.
git_auth() {
	env -u GIT_SSL_CAINFO -u GIT_SSL_CAPATH -u GIT_SSL_NO_VERIFY \
		RM_GIT_USER=$TEST_USER RM_GIT_PASS=$TEST_TOKEN timeout "${GIT_AUTH_TIMEOUT:-60}" git \
		-c credential.helper= \
		-c 'credential.helper=!f() { test "$1" = get || exit 0; echo "username=$RM_GIT_USER"; echo "password=$RM_GIT_PASS"; }; f' \
		-c http.sslCAInfo="$TEST_CA" "$@"
}
