#!/usr/bin/env bash
# Starts a real Vendure server (npm @vendure/core 3.x, SQLite through
# better-sqlite3) on 127.0.0.1 for the vendure shop kind's integration tests
# (connector/shop/vendure, TestVendure*; cmd/ecrin TestVendureCrashMidPush with
# ECRIN_INTEGRATION=1).
# Installs the npm project in connector/shop/vendure/testdata/server (npm ci),
# starts the server in the background on a fresh SQLite file, waits until its
# Admin API answers, seeds it (seed.js: the adapter's products, the demo
# catalog; "bench" too when ECRIN_VENDURE_BENCH=1), and prints on stdout the
# export lines the tests read (everything else goes to stderr):
#
#	bash .ci/vendure.sh > /tmp/ecrin-vendure.env && . /tmp/ecrin-vendure.env
#	go test -count=1 -run Vendure -v ./connector/shop/vendure/
#
# "bash .ci/vendure.sh stop" stops the server it started.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
app="$here/connector/shop/vendure/testdata/server"
base=${ECRIN_VENDURE_DIR:-/tmp/ecrin-vendure}
port=${ECRIN_VENDURE_PORT:-3077}
url="http://127.0.0.1:$port"

log() { printf 'vendure.sh: %s\n' "$*" >&2; }

stop() {
	if [ -e "$base/server.pid" ]; then
		kill "$(cat "$base/server.pid")" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$(cat "$base/server.pid")" 2>/dev/null || break
			sleep 0.1
		done
		rm -f "$base/server.pid"
	fi
}

if [ "${1:-}" = stop ]; then
	stop
	exit 0
fi

command -v node >/dev/null || { log "node is not installed"; exit 1; }
stop # the server of an earlier run
mkdir -p "$base"
rm -f "$base"/vendure.sqlite*

if ! [ -d "$app/node_modules/@vendure/core" ] || ! [ -e "$app/node_modules/.package-lock.json" ] ||
	[ "$app/package-lock.json" -nt "$app/node_modules/.package-lock.json" ]; then
	log "npm ci in $app (better-sqlite3 may build from source: a minute or two)"
	(cd "$app" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

superadmin=$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')
password=$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')
user=ecrin@boutique.test

(cd "$base" && PORT=$port VENDURE_DB="$base/vendure.sqlite" VENDURE_SUPERADMIN_PASSWORD=$superadmin \
	exec setsid node "$app/server.js" >"$base/server.log" 2>&1 </dev/null) &
echo $! >"$base/server.pid"

# Vendure answers a GraphQL request on its Admin API (node's fetch: no curl needed).
answers() {
	node -e 'fetch(process.argv[1], {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({query: "{ __typename }"})})
		.then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/admin-api" 2>/dev/null
}
up=
for _ in $(seq 480); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && answers; then
		up=1
		break
	fi
	if ! kill -0 "$(cat "$base/server.pid")" 2>/dev/null; then
		log "Vendure exited:"
		cat "$base/server.log" >&2
		exit 1
	fi
	sleep 0.25
done
if [ -z "$up" ]; then
	log "Vendure does not answer on $url:"
	cat "$base/server.log" >&2
	exit 1
fi
log "Vendure answers on $url"

sets=(adapter demo)
if [ "${ECRIN_VENDURE_BENCH:-}" = 1 ]; then sets+=(bench); fi
VENDURE_URL=$url VENDURE_SUPERADMIN_PASSWORD=$superadmin ECRIN_VENDURE_USER=$user ECRIN_VENDURE_PASSWORD=$password \
	node "$app/seed.js" "${sets[@]}" >&2

cat <<ENV
export ECRIN_VENDURE_URL=$url
export ECRIN_VENDURE_USER=$user
export ECRIN_VENDURE_PASSWORD=$password
export ECRIN_VENDURE_SUPERADMIN_PASSWORD=$superadmin
export ECRIN_VENDURE_SERVER=$app
ENV
