#!/usr/bin/env bash
# Every benchmark behind docs/benchmarks.md, in one command:
#   1. the JMH acquisition benchmark (benchmarks/run-jmh.sh): PoolGuard against raw HikariCP
#      on a stub driver, at 1 and 4 threads;
#   2. the load harness: Gatling's Java DSL against the sample app on a real PostgreSQL, per
#      scenario and configuration, judged by Gatling's assertions — seed 004's baseline,
#      peak, spike and endurance, a database outage, a frozen network, the business flow
#      side by side, and overload on virtual threads (plain HikariCP and PoolGuard side by
#      side) — then the physical limit: PoolGuard, raw HikariCP and pgbench, same SQL.
# Everything is written to benchmarks/target/: jmh-result.json, load/summary.json (every
# figure and verdict), gatling/ (Gatling's HTML reports), load/charts/ (the fault charts).
# Only loopback addresses are used; every phase ends by itself.
#
# Usage: benchmarks/run.sh [--quick] [--no-build] [--no-jmh] [harness options...]
#   --quick                  short runs of everything: under 10 minutes on 2 cores
#   --no-build               reuse the last build
#   --no-jmh                 only the load harness
#   --configs a,b,c          configurations run one after another (a: Boot's defaults,
#                            b: seed 004's pool of 50, c: PoolGuard)
#   --scenarios peak,outage  only these scenarios (baseline, peak, spike, endurance,
#                            outage, frozen, business, overload, overload-platform)
#   --no-physical-limit      skip the pgbench comparison
#   --limit-threads N        threads and connections of the physical limit (default 8)
# Environment: VT_JAVA=/path/to/java, a Java 21+ for the virtual-thread overload (without
#   it, on Java 17, that scenario is skipped and says so); JAVA=java for everything else.
# Exit status: 0 when PoolGuard's Gatling assertions held, 2 when one failed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

build=true jmh=true quick=false
args=()
for arg in "$@"; do
	case "$arg" in
		--no-build) build=false ;;
		--no-jmh) jmh=false ;;
		--quick)
			quick=true
			args+=("$arg")
			;;
		-h | --help)
			sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*) args+=("$arg") ;;
	esac
done

physical=true
for arg in "${args[@]+"${args[@]}"}"; do
	[[ "$arg" == "--no-physical-limit" ]] && physical=false
done
if $physical && ! command -v pgbench >/dev/null 2>&1; then
	echo "pgbench not found: install it with 'apt-get install postgresql-client' (or run with --no-physical-limit)." >&2
	exit 1
fi

if $build; then
	echo "Building (./mvnw -B -q -Pload -pl sample-app,benchmarks -am package -DskipTests)..." >&2
	# Spring Boot does not repackage a jar it repackaged before: without this the run
	# would measure the previous build of the sample app.
	rm -f sample-app/target/poolguard-sample-app-*.jar sample-app/target/poolguard-sample-app-*.jar.original
	./mvnw -B -q -Pload -pl sample-app,benchmarks -am package -DskipTests
fi
if [[ ! -f benchmarks/target/load-classpath.txt || ! -f sample-app/target/poolguard-sample-app-0.1.0-SNAPSHOT.jar ]]; then
	echo "No build found: run without --no-build first." >&2
	exit 1
fi

if $jmh; then
	if $quick; then benchmarks/run-jmh.sh --no-build --quick; else benchmarks/run-jmh.sh --no-build; fi
fi

java="${JAVA:-java}"
vt_java="${VT_JAVA:-$java}"
vt_version="$("$vt_java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"

# The harness JVM runs Gatling, the physical-limit clients and the test kit's PostgreSQL
# (a child process); the sample apps are child processes too.
exec "$java" -Xms1g -Xmx1g --add-opens=java.base/java.lang=ALL-UNNAMED \
	-Dgatling.data.enableAnalytics=false -Dgatling.http.warmUpUrl= -Dpoolguard.test.postgres=embedded \
	-cp "benchmarks/target/classes:$(<benchmarks/target/load-classpath.txt)" \
	dev.poolguard.benchmarks.load.LoadHarness --root "$root" --vt-java "$vt_java" --vt-java-version "${vt_version:-0}" \
	"${args[@]+"${args[@]}"}"
