#!/usr/bin/env bash
# Acquisition-overhead benchmark (JMH): one getConnection()/close() cycle through raw
# HikariCP and through PoolGuard, on a stub JDBC driver, at 1 and 4 threads, in one run.
# Writes JMH's JSON to benchmarks/target/jmh-result.json and prints a summary with the
# ratio PoolGuard/HikariCP. See benchmarks/README.md and docs/benchmarks.md.
#
# Usage: benchmarks/run-jmh.sh [--quick] [--no-build] [--threads 1,4] [JMH options...]
#   --quick      a short run to try things out (1 fork, 3+3 iterations of 500 ms); its
#                numbers are not the ones to report
#   --no-build   reuse the last build (e.g. for several profiling runs)
#   --threads    comma-separated thread counts, one JMH run each (default 1,4)
#   anything else goes to JMH, e.g. -prof gc, -prof stack, -p pool=poolguard, -f 3
# Environment overrides (the defaults suit a 2-core machine, about 3 minutes):
#   JMH_FORKS=2 JMH_WARMUP_ITERATIONS=5 JMH_ITERATIONS=5 JMH_WARMUP_TIME=1s JMH_TIME=1s
#   JMH_THREADS=1,4 JMH_RESULT=benchmarks/target/jmh-result.json JAVA=java
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

forks="${JMH_FORKS:-2}"
warmup_iterations="${JMH_WARMUP_ITERATIONS:-5}"
iterations="${JMH_ITERATIONS:-5}"
warmup_time="${JMH_WARMUP_TIME:-1s}"
time="${JMH_TIME:-1s}"
threads="${JMH_THREADS:-1,4}"
result="${JMH_RESULT:-benchmarks/target/jmh-result.json}"
java="${JAVA:-java}"
build=true
jmh_args=()

while (($#)); do
	case "$1" in
		--quick)
			forks=1 warmup_iterations=3 iterations=3 warmup_time=500ms time=500ms
			;;
		--no-build)
			build=false
			;;
		--threads)
			threads="${2:?--threads needs a list, e.g. 1,4}"
			shift
			;;
		--threads=*)
			threads="${1#--threads=}"
			;;
		-h | --help)
			sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			jmh_args+=("$1")
			;;
	esac
	shift
done

# An option given on the command line wins over the default for it.
given() {
	local option
	for option in "${jmh_args[@]+"${jmh_args[@]}"}"; do
		[[ "$option" == "$1" ]] && return 0
	done
	return 1
}
defaults=()
given -f || defaults+=(-f "$forks")
given -wi || defaults+=(-wi "$warmup_iterations")
given -i || defaults+=(-i "$iterations")
given -w || defaults+=(-w "$warmup_time")
given -r || defaults+=(-r "$time")

if $build; then
	echo "Building benchmarks (./mvnw -B -q -pl benchmarks -am package -DskipTests)..." >&2
	./mvnw -B -q -pl benchmarks -am package -DskipTests
fi

classpath_file="benchmarks/target/jmh-classpath.txt"
if [[ ! -f "$classpath_file" || ! -d benchmarks/target/classes ]]; then
	echo "No build found: run without --no-build first." >&2
	exit 1
fi
classpath="benchmarks/target/classes:$(<"$classpath_file")"

# Nanosecond scores on 2 cores mean nothing while something else runs. Measure the CPU
# time other processes used during the run: all busy CPU time (/proc/stat) less this
# script's children's (JMH and its forks), both in clock ticks, over the run's length.
cpu_ticks() { # prints: busy total
	local -a cpu
	read -ra cpu < <(grep '^cpu ' /proc/stat)
	local total=0 i
	for i in 1 2 3 4 5 6 7 8; do total=$((total + cpu[i])); done
	echo $((total - cpu[4] - cpu[5])) "$total"
}
own_ticks() { # CPU time of this shell's waited-for children (cutime + cstime)
	local -a stat
	read -ra stat < <(sed 's/^.*) //' /proc/$$/stat)
	echo $((stat[13] + stat[14]))
}
# other work in hundredths of a CPU, averaged over the interval
other_cpus() {
	local busy=$(($3 - $1)) total=$(($4 - $2)) own=$(($6 - $5))
	local cpus
	cpus=$(nproc)
	((total > 0)) || total=1
	local other=$(((busy - own) * 100 * cpus / total))
	echo $((other < 0 ? 0 : other))
}
describe() {
	printf '%s: %d.%02d CPUs (of %s) busy with other work' "$1" $(($2 / 100)) $(($2 % 100)) "$(nproc)"
}

notes=()
if [[ -r /proc/stat && -r /proc/$$/stat ]]; then
	read -r busy0 total0 < <(cpu_ticks)
	own0=$(own_ticks)
	sleep 1
	read -r busy1 total1 < <(cpu_ticks)
	before=$(other_cpus "$busy0" "$total0" "$busy1" "$total1" "$own0" "$(own_ticks)")
	notes+=("$(describe "Before the run" "$before")")
	echo "${notes[0]}" >&2
	read -r busy0 total0 < <(cpu_ticks)
	own0=$(own_ticks)
fi

"$java" -cp "$classpath" dev.poolguard.benchmarks.BenchmarkMain \
	--threads "$threads" --result "$result" \
	"${defaults[@]}" "${jmh_args[@]+"${jmh_args[@]}"}"

if ((${#notes[@]})); then
	read -r busy1 total1 < <(cpu_ticks)
	during=$(other_cpus "$busy0" "$total0" "$busy1" "$total1" "$own0" "$(own_ticks)")
	notes+=("$(describe "During the run" "$during")")
	for note in "${notes[@]}"; do echo "$note"; done
	if ((before > 20 || during > 20)); then
		echo "WARNING: other processes used the CPUs; these results are noisy. Rerun on an idle machine."
	fi
fi
