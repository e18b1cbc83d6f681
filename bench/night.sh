#!/usr/bin/env bash
# bench/night.sh N [WORKDIR] — the whole night, measured as the user runs it.
#
# A synthetic boutique of N rows (../shared/bench/gen.py: Bijou3 extract, N-product
# catalog), its catalog loaded into shopsim on loopback, a folder source, then
#   night 1: `ecrin run --once` on the extract (everything pushed);
#   night 2: the same extract with 1 % of the stock values changed;
#   precheck: `ecrin precheck --catalog` beside peer_pandas.py (when pandas is there).
# Each command runs under /usr/bin/time -v: wall time, peak RSS of the process, and
# the growth of state.db. Prints one line per step; keeps WORKDIR when given.
# PROFILE=1 writes night 2's CPU profile to WORKDIR/night2.prof.
set -euo pipefail
n=${1:?usage: bench/night.sh ROWS [WORKDIR]}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
keep=${2:+1}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${keep:-}" ] || rm -rf "$work"; }
trap cleanup EXIT

cd "$root"
go build -o "$work/ecrin" ./cmd/ecrin
go build -o "$work/shopsim" ./cmd/shopsim
if [ ! -f "$work/data/extract.csv" ]; then
	python3 "$shared/bench/gen.py" "$n" "$work/data" >/dev/null
	python3 "$shared/bench/csv2catalog.py" "$work/data" >/dev/null
fi

secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$secret" > "$work/secret"
chmod 600 "$work/secret"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -f "$work/shop.db"*
"$work/shopsim" --addr "127.0.0.1:$port" --db "$work/shop.db" --secret-file "$work/secret" \
	--catalog "$work/data/catalog.json" --boutique bench > "$work/shopsim.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
	sleep 0.1
done

rm -rf "$work/site" && mkdir -p "$work/site/inbox"
cat > "$work/site/ecrin.yaml" <<YAML
site: {id: bench, name: Bench}
data_dir: $work/site/data
erp: {profile: bijou3}
source: {kind: folder, path: $work/site/inbox, marker: .done}
shop:
  kind: ecrin
  url: http://127.0.0.1:$port
  secret: {file: $work/secret}
push: {batch_size: 1000}
guards: {max_unpublish_ratio: -1, max_unpublish_count: -1, max_match_drop: -1}
mapping:
  brands: {Tissot: Tissot, Seiko: Seiko, Casio: Casio, Fossil: Fossil, Swarovski: Swarovski,
    Pandora: Pandora, Thomas Sabo: Thomas Sabo, Mauboussin: Mauboussin, Longines: Longines, Citizen: Citizen}
YAML

# measure NAME CMD...: runs CMD under /usr/bin/time -v, prints wall, peak RSS.
measure() {
	local name=$1; shift
	local t="$work/$name.time"
	/usr/bin/time -v "$@" > "$work/$name.out" 2> "$t" || { cat "$work/$name.out" "$t"; exit 1; }
	local wall rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$t")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$t")
	local cpu
	cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$t")
	printf '%-10s rows=%-8s wall=%-8s cpu=%ss peak_rss=%sMB %s\n' "$name" "$n" "$wall" "$cpu" "$rss" "${extra:-}"
}
dbsize() { du -cb "$work/site/data/state.db"* 2>/dev/null | tail -1 | cut -f1; }

cp "$work/data/extract.csv" "$work/site/inbox/stock_1.csv" && touch "$work/site/inbox/stock_1.csv.done"
extra="" measure night1 "$work/ecrin" run --once --config "$work/site/ecrin.yaml"
s1=$(dbsize)
grep -E 'pushed|report' "$work/night1.out" | sed 's/^/           /'

# Night 2: 1 % of the rows get another stock value (column 6).
python3 - "$work/data/extract.csv" "$work/site/inbox/stock_2.csv" <<'PY'
import random, sys
rng = random.Random(11)
with open(sys.argv[1], encoding="cp1252", newline="") as f, open(sys.argv[2], "w", encoding="cp1252", newline="") as out:
    out.write(f.readline())
    for line in f:
        if rng.random() < 0.01:
            c = line.split(";")
            c[5] = str((int(c[5]) + 1) % 4)
            line = ";".join(c)
        out.write(line)
PY
touch "$work/site/inbox/stock_2.csv.done"
ECRIN_CPUPROFILE=${PROFILE:+$work/night2.prof} extra="" measure night2 "$work/ecrin" run --once --config "$work/site/ecrin.yaml"
s2=$(dbsize)
grep -E 'pushed|report' "$work/night2.out" | sed 's/^/           /'
printf '%-10s state.db %s bytes after night 1, +%s after night 2\n' state "$s1" "$((s2 - s1))"

mkdir -p "$work/precheck"
extra="(catalog.json)" measure precheck "$work/ecrin" precheck --erp bijou3 --catalog "$work/data/catalog.json" --out "$work/precheck" "$work/data/extract.csv"
extra="(catalog.csv, what pandas reads)" measure precheck "$work/ecrin" precheck --erp bijou3 --catalog "$work/data/catalog.csv" --out "$work/precheck" "$work/data/extract.csv"
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
	extra="" measure pandas /usr/bin/python3 "$shared/bench/peer_pandas.py" "$work/data"
else
	echo "pandas    not installed (apt-get install python3-pandas): no side-by-side figure"
fi
