#!/bin/sh
# bench/postgis.sh: locd's fence containment vs PostGIS (issue 6).
#
#   sh bench/postgis.sh quick|full
#
# Environment: BIN (where fence_vs_postgis is, default build/bin), OUT
# (results directory, default $BIN/../bench-postgis), PLOTDIR (where the
# PNG plots go; default docs/ in full mode, $OUT in quick mode), SEED.
#
# Installs what it needs from Debian (postgresql, postgresql-N-postgis-3,
# gnuplot-nox via mk/deps.sh), starts a throwaway PostgreSQL in a temp
# directory on a free loopback port (as user postgres, or a throwaway
# user, when run as root), and always stops it and removes the directory
# (trap). For each fence set, the same fences and positions
# (bench/fence_vs_postgis.c writes them, seeded) go through:
#   locd    geo_fenceset_query (GEOS STRtree + exact test), one thread;
#   batch   PostGIS: INSERT the positions, then one join with ST_Covers
#           over a GiST index (COUNT plus checksum);
#   query   PostGIS: one prepared statement per position over a TCP
#           loopback connection: pgbench -M prepared -c 1 -t N (rate)
#           and psql EXECUTE of a PREPAREd statement (per-position
#           answers, compared with locd's for the same positions).
# ST_Covers, not ST_Contains: the boundary counts as inside, as in locd
# (LOCATION.md PL-14, Q-11). Then a scaling curve (1 .. max fences) and
# gnuplot plots. Prints the conditions with every figure; all results in
# $OUT/results.txt, $OUT/results.md (table) and $OUT/scale.dat.
set -eu

MODE=${1:-quick}
BIN=${BIN:-build/bin}
SEED=${SEED:-1}
OUT=${OUT:-$BIN/../bench-postgis}
PROG=$BIN/fence_vs_postgis

case $MODE in
quick)
	NPOS=100000      # positions for locd and the batch join
	NQUERY=10000     # pgbench transactions per fence set
	NCHECK=10000     # positions asked one by one through psql
	CASES="small:1000 small:10000 complex:100"
	SCALE_MAX=10000; SCALE_NPOS=100000; SCALE_LIN=200
	SCALE_NQUERY=2000; SCALE_NBATCH=20000
	PLOTDIR=${PLOTDIR:-$OUT}
	;;
full)
	NPOS=1000000
	NQUERY=100000
	NCHECK=100000
	CASES="small:1000 small:100000 complex:300"
	SCALE_MAX=100000; SCALE_NPOS=200000; SCALE_LIN=100
	SCALE_NQUERY=10000; SCALE_NBATCH=100000
	PLOTDIR=${PLOTDIR:-docs}
	;;
*)
	echo "usage: sh bench/postgis.sh quick|full" >&2
	exit 2
	;;
esac

if [ ! -x "$PROG" ]; then           # 77: skipped (bench/run.sh)
	echo "postgis: skipped: $PROG missing" \
		"(make BUILD=B B/bin/fence_vs_postgis)" >&2
	exit 77
fi

# Packages: PostgreSQL first, then the PostGIS build for its major.
# Exit 77 (skipped, for bench/run.sh) when they cannot be installed.
EXTRA_PKGS="postgresql gnuplot-nox" sh mk/deps.sh || {
	echo "postgis: skipped: cannot install postgresql" >&2
	exit 77
}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
	echo "postgis: skipped: no /usr/lib/postgresql/*/bin" >&2
	exit 77
fi
PGMAJOR=$(basename "$(dirname "$PGBIN")")
EXTRA_PKGS="postgresql-$PGMAJOR-postgis-3" sh mk/deps.sh || {
	echo "postgis: skipped: cannot install" \
		"postgresql-$PGMAJOR-postgis-3" >&2
	exit 77
}

mkdir -p "$OUT" "$PLOTDIR"
OUT=$(cd "$OUT" && pwd)
T=$(mktemp -d /tmp/locd-postgis.XXXXXX)
chmod 755 "$T"
RUNAS=""
MADEUSER=""
PGUP=""

cleanup() {
	if [ -n "$PGUP" ]; then
		$RUNAS "$PGBIN/pg_ctl" -D "$T/data" -m fast -w stop \
			>/dev/null 2>&1 || true
	fi
	rm -rf "$T"
	if [ -n "$MADEUSER" ]; then
		userdel "$MADEUSER" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# PostgreSQL refuses to run as root: use postgres, or a throwaway user.
if [ "$(id -u)" = 0 ]; then
	PGUSER_OS=postgres
	if ! id "$PGUSER_OS" >/dev/null 2>&1; then
		PGUSER_OS=locd-bench-$$
		useradd --system --no-create-home --shell /bin/false \
			"$PGUSER_OS"
		MADEUSER=$PGUSER_OS
	fi
	chown "$PGUSER_OS" "$T"
	RUNAS="runuser -u $PGUSER_OS --"
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
rate() {
	awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'
}
# CPU seconds used by the server: the postmaster and its reaped children
# (backends that have exited), from /proc (utime stime cutime cstime).
srv_cpu() {
	awk -v hz="$(getconf CLK_TCK)" \
		'{ printf "%.2f", ($14 + $15 + $16 + $17) / hz }' \
		"/proc/$PMPID/stat"
}
log() { echo "$*" | tee -a "$OUT/results.txt"; }
get() { echo "$lline" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

: >"$OUT/results.txt"
$RUNAS "$PGBIN/initdb" -D "$T/data" -A trust -U postgres -E UTF8 \
	--locale=C --no-sync >"$T/initdb.log" 2>&1 || {
	cat "$T/initdb.log" >&2
	exit 1
}

# A free loopback port: ss says nobody listens; pg_ctl may still lose a
# race, so try a few.
port=$((20000 + $$ % 20000))
tries=0
while :; do
	tries=$((tries + 1))
	if [ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ] &&
	   $RUNAS "$PGBIN/pg_ctl" -D "$T/data" -l "$T/server.log" -w -t 60 \
		-o "-k $T -p $port -c listen_addresses=127.0.0.1 \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_parallel_workers_per_gather=0 -c jit=off \
-c shared_preload_libraries=pg_stat_statements" start >/dev/null 2>&1
	then
		PGUP=1
		break
	fi
	[ "$tries" -ge 8 ] && { tail -n 20 "$T/server.log" >&2; exit 1; }
	port=$((port + 7))
done

PMPID=$(head -n 1 "$T/data/postmaster.pid")
export PGOPTIONS="-c client_min_messages=warning"
PSQL="$PGBIN/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $port"
PSQL="$PSQL -U postgres -d postgres"
PGBENCH="$PGBIN/pgbench -h 127.0.0.1 -p $port -U postgres"
$PSQL -c "CREATE EXTENSION postgis; CREATE EXTENSION pg_stat_statements;"

CPU=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
PGVER=$($PSQL -At -c "SHOW server_version")
PGISVER=$($PSQL -At -c "SELECT postgis_full_version()" |
	sed 's/ \(PROJ\|LIBXML\|LIBJSON\|LIBPROTOBUF\|WAGYU\|TOPOLOGY\).*//')
log "# conditions: $(date -u +%Y-%m-%dT%H:%MZ), mode $MODE, CPU $CPU," \
	"$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
log "# PostgreSQL $PGVER; $PGISVER"
log "# server: fsync=off, max_parallel_workers_per_gather=0 (one core" \
	"per query, as locd), jit=off, shared_buffers default;" \
	"client and server on 127.0.0.1 TCP"

# Load one fence file into table $1 with a GiST index.
load_fences() {
	$PSQL <<EOF
DROP TABLE IF EXISTS $1;
CREATE TABLE $1 (id int PRIMARY KEY, geom geometry(Polygon, 4326));
\copy $1 FROM '$2' WITH (FORMAT csv)
CREATE INDEX ON $1 USING gist (geom);
VACUUM ANALYZE $1;
EOF
}

# Positions (id,lon,lat CSV) into table pos: COPY, then INSERT points.
load_pos() {
	$PSQL <<EOF
DROP TABLE IF EXISTS pos_raw, pos;
CREATE TABLE pos_raw (id int, lon float8, lat float8);
\copy pos_raw FROM '$1' WITH (FORMAT csv)
CREATE TABLE pos (id int PRIMARY KEY, geom geometry(Point, 4326));
INSERT INTO pos SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
	FROM pos_raw;
DROP TABLE pos_raw;
VACUUM ANALYZE pos;
EOF
}

# pgbench: one prepared statement per position (random in the same box
# as the generated positions; pgbench's own seeded PRNG), one client.
# Prints: tps (wall, without connection time), the executor's mean time
# per query in us (pg_stat_statements) and server CPU us per query.
per_query() {
	cat >"$T/q.pgbench" <<EOF
\set lon 7.0 + random(0, 999999999) * 0.5 / 1000000000.0
\set lat 45.0 + random(0, 999999999) * 0.5 / 1000000000.0
SELECT count(*), coalesce(sum(id), 0) FROM $1
  WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326));
EOF
	$PSQL -c "SELECT pg_stat_statements_reset()" >/dev/null
	sleep 0.2
	c0=$(srv_cpu)
	$PGBENCH -n -M prepared -c 1 -t "$2" --random-seed="$SEED" \
		-f "$T/q.pgbench" postgres >"$T/pgbench.out" 2>&1 || {
		cat "$T/pgbench.out" >&2
		return 1
	}
	sleep 0.2
	c1=$(srv_cpu)
	tps=$(sed -n 's/^tps = \([0-9]*\)[.0-9]* (without initial.*/\1/p' \
		"$T/pgbench.out")
	exec_us=$($PSQL -At -c "SELECT round((sum(total_exec_time) /
		sum(calls) * 1000)::numeric, 1) FROM pg_stat_statements
		WHERE query LIKE '%ST_Covers%' AND calls > 1")
	cpu_us=$(awk -v a="$c0" -v b="$c1" -v n="$2" \
		'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')
	echo "$tps $exec_us $cpu_us"
}

# Batch join over the first $2 positions of table pos with fences $1:
# prints wall seconds, server CPU seconds, pairs and checksum.
batch() {
	sleep 0.2
	c0=$(srv_cpu)
	t0=$(now)
	res=$($PSQL -At -F ' ' -c "SELECT count(*), coalesce(sum(p.id::numeric
		* 1000003 + f.id) % 18446744073709551616, 0) FROM pos p
		JOIN $1 f ON ST_Covers(f.geom, p.geom) WHERE p.id <= $2")
	w=$(elapsed "$t0")
	sleep 0.2
	c1=$(srv_cpu)
	echo "$w $(awk -v a="$c0" -v b="$c1" \
		'BEGIN { printf "%.2f", b - a }') $res"
}

MD=$OUT/results.md
{
	echo "| fences | positions | locd pos/s | PostGIS batch pos/s |" \
		"PostGIS per-query pos/s (pgbench) | executor us/query |" \
		"psql EXECUTE pos/s | locd / per-query | answers |"
	echo "|---|---|---|---|---|---|---|---|---|"
} >"$MD"

echo "# case locd_cpu locd_wall batch_cpu batch_wall query_cpu query_wall" \
	>"$OUT/cases.dat"
BIGSMALL=""
for c in $CASES; do
	set=${c%%:*}
	nf=${c#*:}
	D=$T/$set-$nf
	mkdir -p "$D"
	log ""
	log "## $set fences: $nf, positions: $NPOS (seed $SEED)"
	log "\$ $PROG run $set $nf $NPOS $SEED DIR"
	"$PROG" run "$set" "$nf" "$NPOS" "$SEED" "$D" >"$D/locd.out"
	tee -a "$OUT/results.txt" <"$D/locd.out"
	lline=$(grep '^locd ' "$D/locd.out")
	l_cpu=$(get pos_per_s_cpu)
	l_wall=$(get pos_per_s_wall)
	l_pairs=$(get pairs)
	l_sum=$(get checksum)

	tab=f_${set}_$nf
	t0=$(now)
	load_fences "$tab" "$D/fences.csv"
	log "postgis load+index $nf fences: $(elapsed "$t0") s"
	[ "$set" = small ] && BIGSMALL=$tab

	# INSERT the positions (once per case: same seed, same positions).
	t0=$(now)
	load_pos "$D/pos.csv"
	log "postgis insert $NPOS positions: $(elapsed "$t0") s"

	set -- $(batch "$tab" "$NPOS")
	b_s=$1 b_cpu=$2 b_pairs=$3 b_sum=$4
	b_rate=$(rate "$NPOS" "$b_s")
	b_crate=$(rate "$NPOS" "$b_cpu")
	log "postgis batch join: $b_s s wall, $b_cpu s server CPU;" \
		"$b_rate positions/s (wall), $b_crate (CPU);" \
		"pairs=$b_pairs checksum=$b_sum"
	if [ "$b_pairs" = "$l_pairs" ] && [ "$b_sum" = "$l_sum" ]; then
		answers="same ($l_pairs pairs)"
		log "batch answers: SAME as locd (pairs, checksum)"
	else
		answers="DIFFER"
		log "batch answers: DIFFER from locd: per position" \
			"(pid count fidsum), < locd > postgis:"
		$PSQL -At -F ' ' -c "SELECT p.id, count(*), sum(f.id) FROM
			pos p JOIN $tab f ON ST_Covers(f.geom, p.geom)
			GROUP BY p.id ORDER BY p.id" >"$D/pg.txt"
		diff "$D/locd.txt" "$D/pg.txt" | grep '^[<>]' | head -n 20 |
			tee -a "$OUT/results.txt" || true
	fi

	set -- $(per_query "$tab" "$NQUERY")
	q_tps=$1 q_exec=$2 q_cpu=$3
	q_crate=$(awk -v u="$q_cpu" \
		'BEGIN { printf "%.0f", (u > 0 ? 1e6 / u : 0) }')
	log "postgis per-query (pgbench -M prepared -c 1 -t $NQUERY):" \
		"$q_tps positions/s (wall); server CPU $q_cpu us/query" \
		"($q_crate/s); executor mean $q_exec us/query"

	# The same statement, PREPAREd, EXECUTEd for the first NCHECK
	# generated positions, one round trip each: answers per position.
	{
		echo "PREPARE q(float8, float8) AS SELECT count(*)," \
			"coalesce(sum(id), 0) FROM $tab" \
			"WHERE ST_Covers(geom," \
			"ST_SetSRID(ST_MakePoint(\$1, \$2), 4326));"
		head -n "$NCHECK" "$D/pos.csv" |
			awk -F, '{ print "EXECUTE q(" $2 ", " $3 ");" }'
	} >"$T/exec.sql"
	t0=$(now)
	$PSQL -At -F ' ' -f "$T/exec.sql" >"$T/exec.out"
	e_s=$(elapsed "$t0")
	e_rate=$(rate "$NCHECK" "$e_s")
	awk '$1 > 0 { print NR, $1, $2 }' "$T/exec.out" >"$D/pg_exec.txt"
	awk -v n="$NCHECK" '$1 <= n' "$D/locd.txt" >"$D/locd_head.txt"
	if [ "$(wc -l <"$T/exec.out")" -eq "$NCHECK" ] &&
	   cmp -s "$D/locd_head.txt" "$D/pg_exec.txt"; then
		log "psql EXECUTE $NCHECK positions: $e_s s, $e_rate/s;" \
			"answers per position SAME as locd"
		answers="$answers; per position: same for $NCHECK"
	else
		log "psql EXECUTE $NCHECK positions: $e_s s; answers DIFFER" \
			"(pid count fidsum), < locd > postgis:"
		diff "$D/locd_head.txt" "$D/pg_exec.txt" | grep '^[<>]' |
			head -n 20 | tee -a "$OUT/results.txt" || true
		answers="$answers; per position: DIFFER"
	fi
	ratio=$(awk -v a="$l_wall" -v b="$q_tps" \
		'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')
	cratio=$(awk -v a="$l_cpu" -v b="$q_crate" \
		'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')
	log "locd / PostGIS per-query: ${ratio}x (wall), ${cratio}x (CPU)"
	echo "| $nf $set | $NPOS | $l_cpu / $l_wall | $b_crate / $b_rate |" \
		"$q_crate / $q_tps | $q_exec | $e_rate | ${cratio}x /" \
		"${ratio}x | $answers |" >>"$MD"
	echo "\"$nf $set\" $l_cpu $l_wall $b_crate $b_rate $q_crate $q_tps" \
		>>"$OUT/cases.dat"
	rm -rf "$D"
	[ "$tab" = "$BIGSMALL" ] || $PSQL -c "DROP TABLE $tab" >/dev/null
done

# Boundary: every position on a vertex of a fence (4 per fence), where
# covers (locd, ST_Covers) and contains (ST_Contains) differ.
NB=4000
D=$T/vertices
mkdir -p "$D"
log ""
log "## boundary: $NB positions on vertices of 1000 small fences"
log "\$ $PROG vertices small 1000 $NB $SEED DIR"
"$PROG" vertices small 1000 "$NB" "$SEED" "$D" >"$D/locd.out"
tee -a "$OUT/results.txt" <"$D/locd.out"
lline=$(grep '^locd ' "$D/locd.out")
load_fences fv "$D/fences.csv"
load_pos "$D/pos.csv"
set -- $(batch fv "$NB")
if [ "$3" = "$(get pairs)" ] && [ "$4" = "$(get checksum)" ]; then
	log "ST_Covers: pairs=$3 checksum=$4: SAME as locd"
else
	log "ST_Covers: pairs=$3 checksum=$4: DIFFER from locd" \
		"(pairs=$(get pairs) checksum=$(get checksum))"
fi
c_pairs=$($PSQL -At -c "SELECT count(*) FROM pos p JOIN fv f
	ON ST_Contains(f.geom, p.geom)")
log "ST_Contains: pairs=$c_pairs ($(($3 - c_pairs)) fewer: a point on" \
	"a fence's boundary is not contained in it)"
$PSQL -c "DROP TABLE fv" >/dev/null
rm -rf "$D"

# Scaling: cost per position as the small fence set grows. locd figures
# from fence_vs_postgis scale (STRtree, and a linear scan for contrast);
# PostGIS on the first N fences of the biggest small set (same fences).
log ""
log "## scaling (small fences, 1 .. $SCALE_MAX)"
log "\$ $PROG scale small $SCALE_MAX $SCALE_NPOS $SEED $SCALE_LIN"
"$PROG" scale small "$SCALE_MAX" "$SCALE_NPOS" "$SEED" "$SCALE_LIN" \
	>"$T/scale.out"
tee -a "$OUT/results.txt" <"$T/scale.out"
# The scale positions: the positions table holds the last case's; make
# sure it has at least SCALE_NBATCH of the seeded positions.
"$PROG" run small 1 "$SCALE_NBATCH" "$SEED" "$T" >/dev/null
load_pos "$T/pos.csv"
echo "# fences locd_ns linear_ns pg_query_us pg_cpu_us pg_exec_us" \
	"pg_batch_cpu_us pairs_per_pos" \
	>"$OUT/scale.dat"
log "# fences, locd ns/pos (STRtree, CPU), locd ns/pos (linear scan," \
	"CPU), PostGIS us/query (pgbench, wall), server CPU us/query," \
	"executor us/query, batch server CPU us/pos, matches/pos"
while read -r tag n lns pp lin; do
	[ "$tag" = scale ] || continue
	$PSQL <<EOF
DROP TABLE IF EXISTS fs;
CREATE TABLE fs AS SELECT * FROM $BIGSMALL WHERE id <= $n;
CREATE INDEX ON fs USING gist (geom);
VACUUM ANALYZE fs;
EOF
	set -- $(per_query fs "$SCALE_NQUERY")
	q_us=$(awk -v t="$1" 'BEGIN { printf "%.1f", 1e6 / t }')
	q_exec=$2 q_cpu=$3
	set -- $(batch fs "$SCALE_NBATCH")
	b_us=$(awk -v s="$2" -v n="$SCALE_NBATCH" \
		'BEGIN { printf "%.2f", s * 1e6 / n }')
	echo "$n $lns $lin $q_us $q_cpu $q_exec $b_us $pp" >>"$OUT/scale.dat"
	log "$n $lns $lin $q_us $q_cpu $q_exec $b_us $pp"
done <"$T/scale.out"

if command -v gnuplot >/dev/null 2>&1; then
	sub="$MODE mode, $CPU, PostgreSQL $PGVER, PostGIS 3"
	gnuplot -e "datafile='$OUT/scale.dat'; subtitle='$sub';
		outfile='$PLOTDIR/fence_scaling.png'" \
		bench/plot.gp
	gnuplot -e "datafile='$OUT/cases.dat'; subtitle='$sub';
		outfile='$PLOTDIR/fence_rates.png'" \
		bench/plot_rates.gp
	log "plots: $PLOTDIR/fence_scaling.png $PLOTDIR/fence_rates.png"
fi
log ""
cat "$MD" | tee -a "$OUT/results.txt"
