#!/usr/bin/env bash
# Starts a real Medusa v2 server for the medusa shop kind's integration tests
# (connector/shop/medusa, TestMedusa*; cmd/ecrin TestMedusaCrashMidPush):
# PostgreSQL 15 on 127.0.0.1 (initdb into a temporary folder, a free port, run
# as the postgres user since PostgreSQL refuses root), then the npm project of
# connector/shop/medusa/testdata/server (npm ci, medusa db:migrate, an admin
# user, medusa start without the admin dashboard), seeded through the Admin API
# (seed.mjs). Prints on stdout the export lines the tests read (everything else
# goes to stderr):
#
#	bash .ci/medusa.sh > /tmp/ecrin-medusa.env && . /tmp/ecrin-medusa.env
#	go test -count=1 -run Medusa -v ./connector/shop/medusa/
#
# "bash .ci/medusa.sh stop" stops the servers it started and removes the folder.
# Needs node >= 20.19 with npm, and postgresql-15 (installed with apt-get when
# missing). Times on the 2-core CI machine: npm ci ~1–3 min (cold cache),
# migrations ~45 s, boot ~10 s, seed ~30 s.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
server="$root/connector/shop/medusa/testdata/server"
base=${ECRIN_MEDUSA_DIR:-/tmp/ecrin-medusa}
pgbin=${ECRIN_PGBIN:-/usr/lib/postgresql/15/bin}

log() { printf 'medusa.sh: %s (%ss)\n' "$*" "$SECONDS" >&2; }

stop() {
	if [ -s "$base/medusa.pid" ]; then
		# medusa start runs under npx/node: stop the process group it leads.
		kill -- "-$(cat "$base/medusa.pid")" 2>/dev/null || kill "$(cat "$base/medusa.pid")" 2>/dev/null || true
		rm -f "$base/medusa.pid"
	fi
	if [ -d "$base/pg" ]; then
		runuser -u postgres -- "$pgbin/pg_ctl" -D "$base/pg" -m immediate stop >/dev/null 2>&1 ||
			"$pgbin/pg_ctl" -D "$base/pg" -m immediate stop >/dev/null 2>&1 || true
	fi
}

freeport() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000))
}

if [ "${1:-}" = stop ]; then
	stop
	rm -rf "$base"
	exit 0
fi

if ! [ -x "$pgbin/initdb" ]; then
	log "installing postgresql"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
	pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
command -v node >/dev/null || { log "node is missing (Medusa 2.x needs node >= 20.19)"; exit 1; }

stop # servers of an earlier run
rm -rf "$base"
mkdir -p "$base"

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user
# (or to whoever runs this script when it is not root).
as_pg=()
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
	chown postgres: "$base"
	as_pg=(runuser -u postgres --)
fi
pgport=$(freeport)
log "initdb and PostgreSQL on 127.0.0.1:$pgport"
"${as_pg[@]}" "$pgbin/initdb" -D "$base/pg" -U postgres -A trust -E UTF8 --no-sync >"$base/initdb.log" 2>&1 ||
	{ cat "$base/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$base/pg" -l "$base/pg.log" -w -o \
	"-c listen_addresses=127.0.0.1 -p $pgport -k $base -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
	start >&2 || { cat "$base/pg.log" >&2; exit 1; }
"$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U postgres -c 'CREATE DATABASE medusa' >&2

cd "$server"
if ! [ -x node_modules/.bin/medusa ] || ! [ node_modules/.package-lock.json -nt package-lock.json ]; then
	log "npm ci"
	npm ci --no-audit --no-fund --loglevel=error >&2
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/medusa"
export MEDUSA_DISABLE_TELEMETRY=true NODE_ENV=development
export JWT_SECRET COOKIE_SECRET
JWT_SECRET=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
COOKIE_SECRET=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
log "medusa db:migrate"
node_modules/.bin/medusa db:migrate >"$base/migrate.log" 2>&1 || { tail -50 "$base/migrate.log" >&2; exit 1; }

email=admin@ecrin.test
password=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
node_modules/.bin/medusa user -e "$email" -p "$password" >"$base/user.log" 2>&1 || { tail -20 "$base/user.log" >&2; exit 1; }

port=$(freeport)
log "medusa start on 127.0.0.1:$port"
setsid node_modules/.bin/medusa start -H 127.0.0.1 -p "$port" >"$base/medusa.log" 2>&1 &
echo $! >"$base/medusa.pid"
url="http://127.0.0.1:$port"
for _ in $(seq 240); do
	if curl -sf "$url/health" >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "$(cat "$base/medusa.pid")" 2>/dev/null; then
		tail -50 "$base/medusa.log" >&2
		log "medusa exited"
		exit 1
	fi
	sleep 0.5
done
curl -sf "$url/health" >/dev/null || { tail -50 "$base/medusa.log" >&2; log "medusa does not answer at $url"; exit 1; }
log "medusa answers at $url; seeding"

MEDUSA_URL=$url ADMIN_EMAIL=$email ADMIN_PASSWORD=$password node seed.mjs >"$base/seed.json" 2>"$base/seed.log" ||
	{ cat "$base/seed.log" >&2; exit 1; }
chmod 600 "$base/seed.json"
field() { node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String(o[process.argv[2]]))' "$base/seed.json" "$1"; }
log "seeded"

cat <<ENV
export ECRIN_MEDUSA_URL=$url
export ECRIN_MEDUSA_KEY=$(field secret_key)
export ECRIN_MEDUSA_PUBLISHABLE_KEY=$(field publishable_key)
export ECRIN_MEDUSA_SALES_CHANNEL=$(field sales_channel)
export ECRIN_MEDUSA_OTHER_SALES_CHANNEL=$(field other_sales_channel)
export ECRIN_MEDUSA_LOCATION=$(field location)
export ECRIN_MEDUSA_REGION=$(field region)
export ECRIN_MEDUSA_SHIPPING_PROFILE=$(field shipping_profile)
export ECRIN_MEDUSA_ADMIN_EMAIL=$email
export ECRIN_MEDUSA_ADMIN_PASSWORD=$password
export ECRIN_MEDUSA_SERVER_DIR=$server
ENV
