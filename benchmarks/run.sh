#!/usr/bin/env bash
# Load harness (issue #6): seed 004's scenarios (baseline, peak, spike, endurance, business
# flow) and a 10 s database outage, through Gatling's Java DSL, against the sample app on a
# real PostgreSQL (max_connections 100) in three configurations — (a) Boot's defaults,
# (b) seed 004's pool of 50, (c) PoolGuard tuned — plus the physical limit (PoolGuard, raw
# HikariCP and pgbench running the same SQL). Writes benchmarks/target/summary.json, the PNG
# charts in docs/benchmarks/ and the generated sections of docs/benchmarks.md.
# Only loopback addresses are used; every phase ends by itself.
#
# Usage: benchmarks/run.sh [--quick] [--no-build] [harness options...]
#   --quick                    short scenarios: under 10 minutes on 2 cores
#   (default)                  the full run: longer scenarios, 3-minute endurance, and the
#                              business flow in 17 side-by-side rounds (about 60 minutes)
#   --endurance-minutes M      endurance scenario of M minutes (seed 004's: 30; adds 3 x M)
#   --endurance-only           only the endurance scenario (after a warm-up), with its own
#                              section of docs/benchmarks.md, e.g. seed 004's 30 minutes:
#                              --endurance-only --endurance-minutes 30 --configs c
#   --repeat SCENARIO          only this scenario (after a warm-up), --rounds times per
#                              configuration in a rotated order, with its own section of
#                              docs/benchmarks.md, e.g. --repeat business --rounds 5
#   --side-by-side             with --repeat: each round loads every configuration at the
#                              same time (a server with max_connections 200 fits all pools)
#   --with ID="PROPERTIES"     one more configuration, the sample app's properties, e.g.
#                              --with d="--poolguard.connection-limit=50 --poolguard.socket-timeout=0"
#                              (name it in --configs)
#   --rounds N                 rounds of --repeat, or the full run's side-by-side rounds
#                              (default 17; 0 skips them; --quick: 0)
#   --configs a,b,c            the configurations to run
#   --max-waiting-sweep 10,50  with --configs none: only the max-waiting sweep, at these values
#   --limit-threads N          threads and connections of the physical-limit run (default 8)
#   --no-physical-limit        skip the pgbench comparison
#   --no-build                 reuse the last build
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

build=true
args=()
for arg in "$@"; do
	case "$arg" in
		--no-build) build=false ;;
		-h | --help)
			sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*) args+=("$arg") ;;
	esac
done

physical=true
for arg in "${args[@]+"${args[@]}"}"; do
	[[ "$arg" == "--no-physical-limit" || "$arg" == "--endurance-only" || "$arg" == "--repeat" ]] && physical=false
done
if $physical && ! command -v pgbench >/dev/null 2>&1; then
	echo "pgbench not found: install it with 'apt-get install postgresql-client' (or run with --no-physical-limit)." >&2
	exit 1
fi

if $build; then
	echo "Building the sample app and the load harness (./mvnw -B -q -Pload -pl sample-app,benchmarks -am package -DskipTests)..." >&2
	# Spring Boot does not repackage a jar it repackaged before, even when a module it
	# depends on changed: without this the run would measure the previous build.
	rm -f sample-app/target/poolguard-sample-app-*.jar sample-app/target/poolguard-sample-app-*.jar.original
	./mvnw -B -q -Pload -pl sample-app,benchmarks -am package -DskipTests
fi

classpath_file="benchmarks/target/load-classpath.txt"
if [[ ! -f "$classpath_file" || ! -f sample-app/target/poolguard-sample-app-0.1.0-SNAPSHOT.jar ]]; then
	echo "No build found: run without --no-build first." >&2
	exit 1
fi
classpath="benchmarks/target/classes:$(<"$classpath_file")"

# The harness JVM runs Gatling, the physical-limit clients and the test kit's PostgreSQL
# (a child process). Its watchdog ends the run if it ever overruns its budget.
exec "${JAVA:-java}" -Xms1g -Xmx1g --add-opens=java.base/java.lang=ALL-UNNAMED -Dgatling.data.enableAnalytics=false -Dgatling.http.warmUpUrl= \
	-Dpoolguard.test.postgres=embedded \
	-cp "$classpath" dev.poolguard.benchmarks.load.LoadHarness --root "$root" "${args[@]+"${args[@]}"}"
