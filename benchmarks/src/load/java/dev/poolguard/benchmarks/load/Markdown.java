package dev.poolguard.benchmarks.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders the "Load tests" and "Against the physical limit" sections of docs/benchmarks.md
 * from summary.json's figures.
 *
 * @author PoolGuard
 */
final class Markdown {

	private static final List<String> SCENARIOS = List.of("baseline", "peak", "spike", "endurance", "business",
			"outage");

	private Markdown() {
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (value instanceof Map<?, ?> m) ? (Map<String, Object>) m : Map.of();
	}

	private static String n(Object value, int decimals) {
		if (!(value instanceof Number number)) {
			return "–";
		}
		return String.format(Locale.ROOT, "%,." + decimals + "f", number.doubleValue());
	}

	@SuppressWarnings("unchecked")
	static String render(Map<String, Object> summary) {
		StringBuilder md = new StringBuilder();
		Map<String, Object> workload = map(summary.get("workload"));
		Map<String, Object> configurations = map(summary.get("configurations"));
		Map<String, Object> scenarios = map(summary.get("scenarios"));
		Map<String, Object> postgres = map(summary.get("postgres"));
		Map<String, Object> machine = map(summary.get("machine"));
		md.append("## Load tests\n\n");
		md.append("Seed 004's load test, reproduced with Gatling's Java DSL against the sample app on a real "
				+ "PostgreSQL " + postgres.get("version") + " (`max_connections` " + postgres.get("maxConnections")
				+ ", the test kit's embedded server), for three configurations of the same jar in the same run. "
				+ "Regenerate this section, its charts and `benchmarks/target/summary.json` with\n\n"
				+ "```bash\nbenchmarks/run.sh --quick      # under 10 minutes\nbenchmarks/run.sh              # the full run (about 60 minutes)\n"
				+ "benchmarks/run.sh --endurance-minutes 30   # the full run with seed 004's 30-minute endurance\n```\n\n");
		md.append("These figures: **" + summary.get("mode") + "** run of " + summary.get("startedAt") + ", "
				+ summary.get("wallSeconds") + " s wall time, " + machine.get("availableProcessors")
				+ " cores shared by Gatling, the sample app (one JVM, Tomcat's default 200 threads) and PostgreSQL, "
				+ "Java " + machine.get("javaVersion") + ". Absolute numbers belong to this machine; compare the "
				+ "configurations with each other. Gatling's HTML reports of the run are build artifacts under "
				+ "`benchmarks/target/gatling/`, every response is in `benchmarks/target/load/<configuration>/responses.csv`.\n\n");
		md.append("| configuration | properties |\n|---|---|\n");
		configurations.forEach((id, c) -> md.append("| " + map(c).get("label") + " | `"
				+ String.join(" ", (List<String>) map(c).get("properties")) + "` |\n"));
		md.append("\n**Workload.** " + workload.get("model") + ". Request mix: " + workload.get("mix")
				+ ". The sample's CRUD requests hold their connection for a millisecond or two; seed 004's service held "
				+ "one about 100 ms (2–3 queries of 40 ms), which is what made 500 users need 40–50 connections. The "
				+ "20 % of report-style requests that hold a connection " + LoadSimulation.SLOW_MILLIS
				+ " ms (pg_sleep: time on the server, no CPU) bring the mean hold time to about 80 ms, so the pool, "
				+ "not the 2 cores, is what the scenarios load. Scenarios run one after the other against one app "
				+ "instance, after a warm-up that is not counted:\n\n");
		md.append("| scenario | users | ramp-up | hold | ramp-down |\n|---|---|---|---|---|\n");
		for (Object s : (List<Object>) workload.get("scenarios")) {
			Map<String, Object> sc = map(s);
			md.append("| " + sc.get("name") + " | " + sc.get("users") + " | " + sc.get("rampUpSeconds") + " s | "
					+ sc.get("holdSeconds") + " s | " + sc.get("rampDownSeconds") + " s |\n");
		}
		Map<String, Object> outageTiming = map(workload.get("outage"));
		md.append("\nThe business flow is one user's visit: list, open a client, create one, read it back, update it, "
				+ "delete it (0.2–0.6 s between steps); it succeeds when every step answers 2xx. In the outage "
				+ "scenario the harness stops PostgreSQL (fast shutdown) " + outageTiming.get("steadyBeforeSeconds")
				+ " s into steady load, starts it again " + outageTiming.get("downSeconds")
				+ " s later on the same port with the same data, and keeps the load on for "
				+ outageTiming.get("steadyAfterSeconds") + " s more.\n\n");

		md.append("### Targets for (c)\n\n| target | met | figures |\n|---|---|---|\n");
		for (Object t : (List<Object>) summary.get("targets")) {
			Map<String, Object> target = map(t);
			md.append("| " + target.get("target") + " | " + (Boolean.TRUE.equals(target.get("met")) ? "yes" : "**no**")
					+ " | " + target.get("figures") + " |\n");
		}

		md.append("\n**How the p95 targets are judged.** \"No worse\" allows a margin fixed before these runs: 5 % of "
				+ "the reference's p95, at most 1 ms (" + marginExamples() + "). (c) is no worse when the whole 95 % "
				+ "interval of its p95 minus the reference's lies within the margin, worse when the whole interval lies "
				+ "beyond it, and undecided otherwise. In the scenarios whose p95 is the 400 ms report request, the "
				+ "interval comes from one run (1,000 bootstrap resamples of each configuration's responses). The "
				+ "business flow's p95 is a few milliseconds, and one run's p95 there moves by more than the margin "
				+ "from one run to the next with the machine's other load; so the full run judges it side by side: "
				+ "rounds in which (a), (b) and (c) run the flow at the same time, and the interval of the median of "
				+ "their per-round differences (below). A quick run has no such rounds and judges it on its single run.\n");
		md.append("\n### Results per scenario and configuration\n\n");
		md.append("Latencies are over every response (2xx or not), from Gatling's request to the response. "
				+ "Errors are everything but 2xx and 503; 503s are PoolGuard's deliberate answers (load shed, or "
				+ "database unavailable).\n\n");
		md.append("| scenario | configuration | requests/s | 2xx/s | p50 ms | p95 ms | p99 ms | max ms | errors | 503s | notes |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (String scenario : SCENARIOS) {
			Map<String, Object> per = map(scenarios.get(scenario));
			for (Map.Entry<String, Object> entry : per.entrySet()) {
				Map<String, Object> f = map(entry.getValue());
				String notes = "";
				if (f.containsKey("flowSuccessPercent")) {
					notes = "flows " + f.get("flows") + ", success " + n(f.get("flowSuccessPercent"), 1) + " %";
				}
				if (f.containsKey("firstThirdP95Ms")) {
					notes = "p95 first third " + n(f.get("firstThirdP95Ms"), 0) + " ms, last third "
							+ n(f.get("lastThirdP95Ms"), 0) + " ms";
				}
				if (num(f.get("noResponse")) > 0) {
					notes += (notes.isEmpty() ? "" : "; ") + n(f.get("noResponse"), 0) + " without response";
				}
				md.append("| " + scenario + " | " + configLabel(configurations, entry.getKey()) + " | "
						+ n(f.get("throughputPerSecond"), 1) + " | " + n(f.get("okPerSecond"), 1) + " | "
						+ n(f.get("p50Ms"), 1) + " | " + n(f.get("p95Ms"), 1) + " | " + n(f.get("p99Ms"), 1) + " | "
						+ n(f.get("maxMs"), 0) + " | " + n(f.get("errorRatePercent"), 2) + " % | "
						+ n(f.get("shedRatePercent"), 2) + " % | " + notes + " |\n");
			}
		}
		md.append("\n");
		for (String scenario : SCENARIOS) {
			if (!map(scenarios.get(scenario)).isEmpty()) {
				md.append("![Latency percentiles, " + scenario + "](benchmarks/latency-" + scenario + ".png)\n");
			}
		}
		md.append("\nResponses per second over each configuration's whole run (baseline, peak, spike, endurance, "
				+ "business, outage in turn; the database's down time shaded):\n\n");
		for (String id : configurations.keySet()) {
			md.append("![Timeline " + id + "](benchmarks/timeline-" + id + ".png)\n");
		}

		md.append("\n### The outage\n\n");
		md.append("Requests that *started* while the database was down, by outcome: from the moment it was down "
				+ "(`pg_ctl stop -m fast -w` returned) to the moment it accepted a connection again; recovery is "
				+ "measured from that moment. A fast shutdown is not instantaneous: the server ends its sessions "
				+ "one by one and checkpoints (\"shutdown\" column, on these 2 busy cores). Requests caught by the "
				+ "shutdown — running when it began, or sent to a session the server had not ended yet — are "
				+ "counted apart, with their outcomes and their slowest response: no pool can save a statement "
				+ "the server ends.\n\n");
		md.append("| configuration | shutdown | down | requests | 503 | 500 | no response | 2xx | p95 ms | max ms | ≤ 50 ms | first 2xx after | all 2xx after | caught by the shutdown: 2xx / 503 / 500, max |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		Map<String, Object> outagePer = map(scenarios.get("outage"));
		for (Map.Entry<String, Object> entry : outagePer.entrySet()) {
			Map<String, Object> o = map(map(entry.getValue()).get("outage"));
			if (o.isEmpty()) {
				continue;
			}
			md.append("| " + configLabel(configurations, entry.getKey()) + " | " + n(o.get("shutdownMs"), 0)
					+ " ms | " + n(o.get("downSeconds"), 1) + " s | "
					+ n(o.get("duringRequests"), 0) + " | " + n(o.get("during503"), 0) + " | "
					+ n(o.get("during500"), 0) + " | " + n(o.get("duringNoResponse"), 0) + " | "
					+ n(o.get("duringOk"), 0) + " | " + n(o.get("duringP95Ms"), 1) + " | " + n(o.get("duringMaxMs"), 1)
					+ " | " + n(o.get("duringWithin50MsPercent"), 1) + " % | " + n(o.get("recoveryFirstOkMs"), 0)
					+ " ms | " + n(o.get("recoveryAllOkMs"), 0) + " ms | " + n(o.get("shutdownOk"), 0) + " / "
					+ n(o.get("shutdown503"), 0) + " / " + n(o.get("shutdown500"), 0) + ", "
					+ n(o.get("shutdownMaxMs"), 0) + " ms |\n");
		}
		md.append("\n![Outage latency](benchmarks/outage-latency.png)\n");
		for (String id : outagePer.keySet()) {
			md.append("![Outage " + id + "](benchmarks/outage-" + id + ".png)\n");
		}

		if (summary.get("maxWaitingSweepTable") instanceof String table) {
			md.append("\n").append(table);
		}

		Map<String, Object> limit = map(summary.get("physicalLimit"));
		md.append("\n## Against the physical limit\n\n");
		if (limit.isEmpty()) {
			md.append("Not measured in this run.\n\n");
			return md.toString();
		}
		md.append("The sample's main request, `GET /api/clients/{id}` — `SELECT` the client, `INSERT` an audit row, "
				+ "`COMMIT` — by " + limit.get("threads") + " threads over " + limit.get("connections")
				+ " connections, " + limit.get("secondsEach") + " s each, " + limit.get("rounds")
				+ " rounds (each in another order; transactions/s are the medians of the rounds, ratios the medians "
				+ "of each round's ratios), on the same server: through PoolGuard's `GuardedHikariDataSource` (PoolGuard's "
				+ "default retry, breaker and max-waiting), through raw HikariCP (same pool settings), and by "
				+ "`pgbench -n -f client-get.sql -c N -j N -T s -M prepared` with the same SQL. No HTTP: this is "
				+ "the database's limit on this machine and what the pool leaves of it. pgjdbc sends `BEGIN` with "
				+ "the first statement, pgbench as a statement of its own, so the Java clients make one round trip "
				+ "less per transaction.\n\n");
		md.append("| client | transactions/s | vs pgbench |\n|---|---|---|\n");
		md.append("| pgbench | " + n(limit.get("pgbenchTps"), 0) + " | 1.000 |\n");
		md.append("| raw HikariCP | " + n(limit.get("hikariTps"), 0) + " | " + n(limit.get("hikariToPgbench"), 3) + " |\n");
		md.append("| PoolGuard | " + n(limit.get("poolguardTps"), 0) + " | " + n(limit.get("poolguardToPgbench"), 3)
				+ " |\n\n");
		md.append("PoolGuard / raw HikariCP: " + n(limit.get("poolguardToHikari"), 3) + ". Per round (tps): pgbench "
				+ rounds(limit.get("pgbenchTpsRounds")) + ", HikariCP " + rounds(limit.get("hikariTpsRounds"))
				+ ", PoolGuard " + rounds(limit.get("poolguardTpsRounds")) + ". The same client varies by up to a "
				+ "quarter from round to round: the client JVM and PostgreSQL share 2 cores, and the server's "
				+ "checkpoints and its growing audit table land on whichever client runs then. PoolGuard's own "
				+ "cost per transaction is the few nanoseconds measured above, so a difference between PoolGuard "
				+ "and raw HikariCP here is this machine's noise, not the guard.\n\n");
		return md.toString();
	}

	private static String rounds(Object values) {
		if (!(values instanceof List<?> list)) {
			return "–";
		}
		return list.stream().map((value) -> n(value, 0)).collect(Collectors.joining(", ", "[", "]"));
	}

	/**
	 * The long endurance section: seed 004's 30-minute endurance, run on its own.
	 */
	@SuppressWarnings("unchecked")
	static String longEndurance(Map<String, Object> run) {
		StringBuilder md = new StringBuilder();
		Map<String, Object> labels = map(run.get("configurations"));
		Map<String, Object> results = map(run.get("results"));
		md.append("### Long endurance: " + run.get("minutes") + " minutes at " + run.get("users") + " users\n\n");
		md.append("Seed 004's endurance test at its real length, run on its own after a warm-up: "
				+ "`benchmarks/run.sh --endurance-only --endurance-minutes " + run.get("minutes") + " --configs "
				+ String.join(",", labels.keySet()) + "` (" + run.get("startedAt") + ", " + run.get("wallSeconds")
				+ " s wall time; every minute's figures in `docs/benchmarks/endurance-long.json`). Same workload, "
				+ "database and machine as the runs above. What it looks for is drift: a p95 that creeps up, errors "
				+ "that appear after a while, throughput that sags.\n\n");
		md.append("| configuration | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | 503s | p95 first third | p95 last third | worst minute's p95 |\n");
		md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
		results.forEach((id, value) -> {
			Map<String, Object> f = map(value);
			double worst = ((List<Object>) f.get("perMinute")).stream()
				.mapToDouble((m) -> num(map(m).get("p95Ms")))
				.max()
				.orElse(Double.NaN);
			md.append("| " + labels.get(id) + " | " + n(f.get("throughputPerSecond"), 1) + " | " + n(f.get("p50Ms"), 1)
					+ " | " + n(f.get("p95Ms"), 1) + " | " + n(f.get("p99Ms"), 1) + " | " + n(f.get("maxMs"), 0) + " | "
					+ n(f.get("errorRatePercent"), 3) + " % | " + n(f.get("shedRatePercent"), 3) + " % | "
					+ n(f.get("firstThirdP95Ms"), 1) + " ms | " + n(f.get("lastThirdP95Ms"), 1) + " ms | " + n(worst, 1)
					+ " ms |\n");
		});
		md.append("\n![Long endurance, minute by minute](benchmarks/endurance-long.png)\n\n");
		return md.toString();
	}

	/**
	 * A repeated scenario's section: each configuration's p95 round by round, and (c)
	 * against the better of (a) and (b) over the rounds.
	 * @param name the section's name, which is also its figures' and chart's
	 */
	@SuppressWarnings("unchecked")
	static String repeated(Map<String, Object> run, String name) {
		StringBuilder md = new StringBuilder();
		String scenario = (String) run.get("scenario");
		boolean sideBySide = Boolean.TRUE.equals(run.get("sideBySide"));
		Map<String, Object> labels = map(run.get("configurations"));
		Map<String, Object> results = map(run.get("results"));
		Map<String, Object> comparison = map(run.get("comparison"));
		String command = "benchmarks/run.sh" + (run.get("mode").equals("quick") ? " --quick" : "") + " --repeat "
				+ scenario + (sideBySide ? " --side-by-side" : "") + " --rounds " + run.get("rounds")
				+ (labels.keySet().equals(Set.of("a", "b", "c")) ? "" : " --configs " + String.join(",", labels.keySet()));
		String source = " (" + run.get("startedAt") + ", " + run.get("wallSeconds") + " s wall time; figures in "
				+ "`docs/benchmarks/" + name + ".json`).\n\n";
		if (sideBySide) {
			md.append("### The " + scenario + " scenario side by side, " + run.get("rounds") + " rounds\n\n");
			md.append("One run cannot tell a p95 difference of a fraction of a millisecond from the moment it ran in: "
					+ "on these shared cores the same configuration's " + scenario + " p95 moves by more than that "
					+ "from one run to the next. So each round starts a fresh sample app per configuration (in a "
					+ "rotated order) and loads them all at the same time, each with an equal share of the "
					+ run.get("users") + " users, on one PostgreSQL whose `max_connections` is " + run.get("maxConnections")
					+ " so that every pool fits (the pools keep their sizes; (c)'s budget grows with the server). "
					+ "Whatever else the machine does during a round, it does to every configuration alike. Part of "
					+ "the full run (`benchmarks/run.sh`), or on its own: `" + command + "`" + source);
		}
		else {
			md.append("### The " + scenario + " scenario, " + run.get("rounds") + " rounds\n\n");
			md.append("One run cannot tell a p95 difference of a fraction of a millisecond from the moment it ran in. "
					+ "This runs the " + scenario + " scenario " + run.get("rounds") + " times per configuration, each "
					+ "time from a fresh start of the sample app after the warm-up, the configurations in a rotated "
					+ "order (abc, bca, cab, ...): `" + command + "`" + source);
		}
		md.append("| configuration | p95 ms, round by round | median p95 ms | median p50 ms | requests/s | errors |\n");
		md.append("|---|---|---|---|---|---|\n");
		results.forEach((id, value) -> {
			List<Object> rounds = (List<Object>) value;
			String p95s = String.join(", ", rounds.stream().map((r) -> n(map(r).get("p95Ms"), 2)).toList());
			double p50 = Analysis.median(rounds.stream().mapToDouble((r) -> num(map(r).get("p50Ms"))).toArray());
			double rps = Analysis.median(rounds.stream().mapToDouble((r) -> num(map(r).get("throughputPerSecond"))).toArray());
			double errors = rounds.stream().mapToDouble((r) -> num(map(r).get("errorRatePercent"))).max().orElse(0);
			md.append("| " + labels.get(id) + " | " + p95s + " | " + n(map(comparison.get("medianP95Ms")).get(id), 2)
					+ " | " + n(p50, 2) + " | " + n(rps, 1) + " | at most " + n(errors, 3) + " % |\n");
		});
		if (comparison.containsKey("verdict")) {
			Object against = comparison.get("against");
			md.append("\n(c) against " + labels.get(against) + ", the better of (a) and (b) by median p95: round by round "
					+ String.join(", ", ((List<Object>) comparison.get("differencesMs")).stream()
						.map((d) -> String.format(Locale.ROOT, "%+.2f", num(d)))
						.toList())
					+ " ms; slower in " + comparison.get("roundsSlower") + " of " + run.get("rounds") + " rounds, median "
					+ String.format(Locale.ROOT, "%+.2f", num(comparison.get("medianDifferenceMs")))
					+ " ms. The interval of the median difference (order statistics of the rounds, "
					+ n(comparison.get("confidencePercent"), 1) + " %) is "
					+ String.format(Locale.ROOT, "%+.2f to %+.2f ms", num(comparison.get("intervalLowMs")),
							num(comparison.get("intervalHighMs")))
					+ "; the margin is " + n(comparison.get("marginMs"), 2) + " ms (5 % of " + n(
							map(comparison.get("medianP95Ms")).get(against), 2)
					+ " ms, at most 1 ms): **" + comparison.get("verdict") + "**.\n");
		}
		md.append("\n![p95 round by round, " + scenario + "](benchmarks/" + name + ".png)\n\n");
		return md.toString();
	}

	/** The margin at the p95s these scenarios have. */
	private static String marginExamples() {
		return String.format(Locale.ROOT, "%.2f ms at a 2.5 ms p95, %.0f ms at 400 ms", Analysis.noWorseMarginMs(2.5),
				Analysis.noWorseMarginMs(400));
	}

	@SuppressWarnings("unchecked")
	static String sweep(Map<String, Object> sweepRun) {
		StringBuilder sb = new StringBuilder();

		List<Object> sweep = (List<Object>) sweepRun.get("results");
		if (sweep != null && !sweep.isEmpty()) {
			sb.append("\n### Choosing `poolguard.max-waiting`\n\n");
			sb.append("The peak scenario (500 users) against PoolGuard with a pool that saturates (10 connections, "
					+ "5 s pool-timeout), once per `max-waiting`. With 200 Tomcat threads, 190 can wait, so 200 "
					+ "means no shedding. Measured by `benchmarks/run.sh --configs none --max-waiting-sweep "
					+ "10,25,50,100,200` (" + sweepRun.get("mode") + ", " + sweepRun.get("startedAt")
					+ "; figures in `docs/benchmarks/max-waiting-sweep.json`). See [resilience.md](resilience.md#load-shedding-poolguardmax-waiting) for the "
					+ "choice.\n\n");
			sb.append("| max-waiting | requests/s | 2xx/s | p50 ms | p95 ms | p99 ms | 2xx p95 ms | 503s | errors |\n");
			sb.append("|---|---|---|---|---|---|---|---|---|\n");
			for (Object s : sweep) {
				Map<String, Object> f = map(s);
				sb.append("| " + f.get("maxWaiting") + " | " + n(f.get("throughputPerSecond"), 1) + " | "
						+ n(f.get("okPerSecond"), 1) + " | " + n(f.get("p50Ms"), 1) + " | " + n(f.get("p95Ms"), 1)
						+ " | " + n(f.get("p99Ms"), 1) + " | " + n(f.get("okP95Ms"), 1) + " | "
						+ n(f.get("shedRatePercent"), 2) + " % | " + n(f.get("errorRatePercent"), 2) + " % |\n");
			}
		}

		return sb.toString();
	}

	private static double num(Object value) {
		return (value instanceof Number n) ? n.doubleValue() : 0;
	}

	private static String configLabel(Map<String, Object> configurations, String id) {
		Object c = configurations.get(id);
		return (c == null) ? id : String.valueOf(map(c).get("label"));
	}

}
