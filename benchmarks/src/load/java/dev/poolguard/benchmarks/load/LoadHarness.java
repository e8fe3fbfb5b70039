package dev.poolguard.benchmarks.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.poolguard.benchmarks.load.LoadPlan.Outage;
import dev.poolguard.benchmarks.load.LoadPlan.Scenario;
import dev.poolguard.benchmarks.load.LoadPlan.Target;
import dev.poolguard.benchmarks.load.Recorder.Sample;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;

/**
 * The load harness behind {@code benchmarks/run.sh}: one PostgreSQL (max_connections 100),
 * the sample app's jar started once per configuration, seed 004's scenarios and an outage
 * through Gatling, the business flow in side-by-side rounds (on a second server, with room
 * for every pool at once), the physical-limit comparison with pgbench, then summary.json,
 * the PNG charts and the generated sections of docs/benchmarks.md.
 *
 * <p>
 * Every phase is bounded: Gatling's injection profiles end by themselves, requests time out
 * after Gatling's 60 s, the physical-limit loops stop at their deadline, and a watchdog ends
 * the whole run (and the sample app) if it ever overruns its budget.
 *
 * @author PoolGuard
 */
public final class LoadHarness {

	static final int MAX_CONNECTIONS = 100;

	/**
	 * max_connections of the side-by-side rounds' server: three pools of up to 50
	 * connections at once, and the harness's own sessions.
	 */
	static final int SIDE_BY_SIDE_MAX_CONNECTIONS = 200;

	/** PoolGuard's connection limit for (c): the demand, inside the budget; see configurations(). */
	static final int TUNED_CONNECTION_LIMIT = 50;

	private LoadHarness() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		// Gatling: no analytics and no warm-up request to gatling.io; only loopback is targeted.
		System.setProperty("gatling.data.enableAnalytics", "false");
		System.setProperty("gatling.http.warmUpUrl", "");
		Instant started = Instant.now();
		long startNanos = System.nanoTime();
		Thread watchdog = watchdog(options.budget());
		Path out = options.root().resolve("benchmarks/target");
		Path loadDir = out.resolve("load");
		Files.createDirectories(loadDir);

		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("mode", options.mode());
		summary.put("startedAt", started.toString());
		summary.put("machine", Map.of("availableProcessors", Runtime.getRuntime().availableProcessors(),
				"javaVersion", System.getProperty("java.version")));

		PostgresServer server = PostgresServers.dedicated(Map.of("max_connections", String.valueOf(MAX_CONNECTIONS)));
		List<SampleApp> running = new ArrayList<>();
		try {
			summary.put("postgres", Map.of("kind", server.kind(), "maxConnections", MAX_CONNECTIONS,
					"version", server.query("SHOW server_version", rs -> {
						rs.next();
						return rs.getString(1);
					})));
			Map<String, Configuration> configurations = configurations();
			options.extraConfigurations().forEach((id, properties) -> configurations.put(id,
					new Configuration(id, "(" + id + ") " + String.join(" ", properties), properties)));
			Map<String, Object> configSummary = new LinkedHashMap<>();
			configurations.forEach((id, c) -> configSummary.put(id, Map.of("label", c.label(), "properties", c.properties())));
			summary.put("configurations", configSummary);
			List<Scenario> scenarios = LoadPlan.scenarios(options.mode(), options.endurance());
			Outage outage = LoadPlan.outage(options.mode());
			summary.put("workload", workload(scenarios, outage));

			if (options.configs().isEmpty()) {
				// Only the max-waiting sweep: its figures go next to the docs, for the next
				// regeneration of docs/benchmarks.md; nothing else is touched.
				Map<String, Object> sweep = new LinkedHashMap<>();
				sweep.put("mode", options.mode());
				sweep.put("startedAt", started.toString());
				sweep.put("results", sweep(options, server, out, loadDir, running));
				Path file = options.root().resolve("docs/benchmarks/max-waiting-sweep.json");
				Files.createDirectories(file.getParent());
				Files.writeString(file, Json.write(sweep));
				Files.writeString(file.resolveSibling("max-waiting-sweep.md"), Markdown.sweep(sweep));
				System.out.println("Wrote " + file + " and max-waiting-sweep.md (included by the next full or quick run)");
				return;
			}
			if (options.enduranceOnly()) {
				longEndurance(options, server, configurations, scenarios, out, loadDir, running, started, startNanos);
				return;
			}
			if (options.repeat() != null) {
				writeRepeated(options.root().resolve("docs"),
						repeated(options, server, configurations, scenarios, options.repeat(), out, loadDir, running));
				return;
			}
			Map<String, Run> runs = new LinkedHashMap<>();
			for (String id : options.configs()) {
				runs.put(id, runConfiguration(options, server, configurations.get(id), scenarios, outage, out,
						loadDir.resolve(id), running));
			}

			Map<String, Object> results = new LinkedHashMap<>();
			for (Scenario scenario : scenarios) {
				if (scenario.name().equals(LoadPlan.WARMUP)) {
					continue;
				}
				Map<String, Object> perConfig = new LinkedHashMap<>();
				for (Map.Entry<String, Run> entry : runs.entrySet()) {
					List<Sample> samples = Analysis.of(entry.getValue().samples(), scenario.name());
					Map<String, Object> figures = Analysis.scenario(samples);
					if (scenario.name().equals("endurance")) {
						figures.putAll(Analysis.drift(samples));
					}
					if (scenario.name().equals("outage") && entry.getValue().stoppedAt() > 0) {
						figures.put("outage", Analysis.outage(samples, entry.getValue().stopCommandAt(),
								entry.getValue().stoppedAt(), entry.getValue().acceptingAt()));
					}
					perConfig.put(entry.getKey(), figures);
				}
				results.put(scenario.name(), perConfig);
			}
			summary.put("scenarios", results);
			summary.put("p95Comparison", p95Comparison(scenarios, runs, results));
			Map<String, Object> reports = new LinkedHashMap<>();
			runs.forEach((id, run) -> reports.put(id, run.gatlingReport()));
			summary.put("gatlingReports", reports);

			Path sweepTable = options.root().resolve("docs/benchmarks/max-waiting-sweep.md");
			if (Files.exists(sweepTable)) {
				summary.put("maxWaitingSweepTable", Files.readString(sweepTable));
			}

			Map<String, Object> sideBySideRounds = null;
			if (options.sideBySide()) {
				sideBySideRounds = repeated(options, server, configurations, scenarios, Report.SIDE_BY_SIDE_SCENARIO,
						out, loadDir, running);
				summary.put("sideBySide", sideBySideRounds);
			}

			if (options.physicalLimit()) {
				Duration limitDuration = Duration.ofSeconds(options.quick() ? 10 : 30);
				summary.put("physicalLimit", PhysicalLimit.run(server.host(), server.port(), server.username(),
						server.password(), options.limitThreads(), limitDuration, Duration.ofSeconds(3),
						3, out.resolve("physical-limit")));
			}

			summary.put("wallSeconds", Math.round((System.nanoTime() - startNanos) / 1e9));
			summary.put("targets", Report.targets(summary));
			Files.writeString(out.resolve("summary.json"), Json.write(summary));
			System.out.println("Wrote " + out.resolve("summary.json"));

			Path docs = options.root().resolve("docs");
			Report.charts(summary, runs, docs.resolve("benchmarks"));
			// The figures behind the committed docs, next to their charts.
			Files.copy(out.resolve("summary.json"), docs.resolve("benchmarks/summary.json"),
					java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			Report.markdown(summary, docs.resolve("benchmarks.md"));
			if (sideBySideRounds != null) {
				writeRepeated(docs, sideBySideRounds);
			}
			System.out.println("Regenerated docs/benchmarks.md and docs/benchmarks/*.png in "
					+ summary.get("wallSeconds") + " s");
		}
		finally {
			running.forEach(SampleApp::close);
			server.close();
			watchdog.interrupt();
		}
	}

	/**
	 * Per scenario, (c)'s p95 against the better of (a) and (b), with the interval that
	 * tells a real difference from this run's noise.
	 */
	private static Map<String, Object> p95Comparison(List<Scenario> scenarios, Map<String, Run> runs,
			Map<String, Object> results) {
		Map<String, Object> comparison = new LinkedHashMap<>();
		if (!runs.keySet().containsAll(List.of("a", "b", "c"))) {
			return comparison;
		}
		for (Scenario scenario : scenarios) {
			Map<?, ?> per = (Map<?, ?>) results.get(scenario.name());
			if (per == null) {
				continue;
			}
			double a = ((Number) ((Map<?, ?>) per.get("a")).get("p95Ms")).doubleValue();
			double b = ((Number) ((Map<?, ?>) per.get("b")).get("p95Ms")).doubleValue();
			String better = (a <= b) ? "a" : "b";
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("against", better);
			figures.putAll(Analysis.p95Difference(Analysis.of(runs.get("c").samples(), scenario.name()),
					Analysis.of(runs.get(better).samples(), scenario.name()), scenario.name().hashCode()));
			comparison.put(scenario.name(), figures);
		}
		return comparison;
	}

	/**
	 * The three configurations of one and the same jar.
	 */
	static Map<String, Configuration> configurations() {
		Map<String, Configuration> configurations = new LinkedHashMap<>();
		// Without PoolGuard there is no poolguard health component, which the sample's
		// readiness group names: the group keeps only readinessState.
		String readiness = "--management.endpoint.health.group.readiness.include=readinessState";
		configurations.put("a", new Configuration("a", "(a) Boot defaults, no PoolGuard: pool 10, 30 s",
				List.of("--poolguard.enabled=false", readiness)));
		configurations.put("b", new Configuration("b", "(b) seed 004's fix: pool 50, 30 s",
				List.of("--poolguard.enabled=false", "--spring.datasource.hikari.maximum-pool-size=50", readiness)));
		// Budget: max_connections 100 - superuser_reserved_connections 3 - 10 kept for admins
		// and migrations (seed 004's "reserved for admin: 10") = 87 for one instance: the
		// ceiling. The size is the demand, as docs/sizing.md sizes it: 500 users x 0.1 s = 50
		// (this workload at peak: 440/s x about 80 ms = 35 busy). A pool of 80, near the
		// ceiling, measured slower at low load (docs/benchmarks.md, "A pool bigger than the
		// demand").
		configurations.put("c", new Configuration("c",
				"(c) PoolGuard tuned: pool " + TUNED_CONNECTION_LIMIT + " (demand, budget 87), 5 s, max-waiting default, breaker",
				List.of("--poolguard.connection-limit=" + TUNED_CONNECTION_LIMIT, "--poolguard.reserved-connections=10")));
		return configurations;
	}

	private static Map<String, Object> workload(List<Scenario> scenarios, Outage outage) {
		Map<String, Object> workload = new LinkedHashMap<>();
		workload.put("model", "closed: N concurrent virtual users, one request then 0.5-1.5 s think time");
		workload.put("mix", "45% GET /api/clients/{id}, 15% GET /api/clients?page, 10% PUT, 10% POST, 20% GET /api/clients/slow?ms="
				+ LoadSimulation.SLOW_MILLIS);
		workload.put("tomcatThreads", 200);
		List<Object> list = new ArrayList<>();
		for (Scenario s : scenarios) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("name", s.name());
			m.put("users", s.users());
			m.put("rampUpSeconds", s.rampUp().toSeconds());
			m.put("holdSeconds", s.hold() == null ? outage.total().toSeconds() : s.hold().toSeconds());
			m.put("rampDownSeconds", s.rampDownSeconds());
			list.add(m);
		}
		workload.put("scenarios", list);
		workload.put("outage", Map.of("steadyBeforeSeconds", outage.before().toSeconds(), "downSeconds",
				outage.down().toSeconds(), "steadyAfterSeconds", outage.after().toSeconds()));
		return workload;
	}

	private static Run runConfiguration(Options options, PostgresServer server, Configuration configuration,
			List<Scenario> scenarios, Outage outage, Path out, Path dir, List<SampleApp> running) throws Exception {
		System.out.println("=== " + configuration.label());
		return run(options, server, List.of(configuration), scenarios, outage, out.resolve("gatling").resolve(configuration.id()),
				dir, running);
	}

	/**
	 * Starts the sample app once per configuration, in the order given, and runs the
	 * scenarios against all of them at the same time (side by side) or, with one
	 * configuration, against it alone.
	 */
	private static Run run(Options options, PostgresServer server, List<Configuration> configurations,
			List<Scenario> scenarios, Outage outage, Path gatlingResults, Path dir, List<SampleApp> running)
			throws Exception {
		resetData(server);
		String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";
		boolean alone = configurations.size() == 1;
		List<SampleApp> apps = new ArrayList<>();
		try {
			List<Target> targets = new ArrayList<>();
			for (Configuration configuration : configurations) {
				// One after the other: the first start migrates the database for the others.
				SampleApp app = SampleApp.start(options.jar(), jdbcUrl, server.username(), server.password(),
						configuration.properties(), dir.resolve(alone ? "app.log" : configuration.id() + "-app.log"));
				apps.add(app);
				running.add(app);
				targets.add(new Target(alone ? "" : configuration.id(), app.baseUrl()));
			}
			LoadPlan.use(new LoadPlan(targets, scenarios, outage));
			Recorder.drain();
			boolean hasOutage = scenarios.stream().anyMatch(s -> s.name().equals("outage"));
			AtomicLong stopCommandAt = new AtomicLong();
			AtomicLong stoppedAt = new AtomicLong();
			AtomicLong acceptingAt = new AtomicLong();
			Thread controller = hasOutage
					? outageController(server, jdbcUrl, scenarios, outage, stopCommandAt, stoppedAt, acceptingAt)
					: null;
			String report = gatling(gatlingResults, configurations.stream().map(Configuration::label)
				.collect(Collectors.joining(" | ")));
			if (controller != null) {
				controller.interrupt();
				controller.join(60_000);
			}
			List<Sample> samples = Recorder.drain();
			writeCsv(dir.resolve("responses.csv"), samples);
			return new Run(samples, stopCommandAt.get(), stoppedAt.get(), acceptingAt.get(), report);
		}
		finally {
			apps.forEach(SampleApp::close);
			running.removeAll(apps);
			if (!server.isRunning()) {
				server.start();
			}
		}
	}

	/**
	 * Peak load against PoolGuard with Boot's pool of 10, so that the pool saturates and
	 * max-waiting decides who waits; one run per value.
	 */
	private static List<Object> sweep(Options options, PostgresServer server, Path out, Path loadDir,
			List<SampleApp> running) throws Exception {
		List<Object> results = new ArrayList<>();
		List<Scenario> all = LoadPlan.scenarios(options.mode(), options.endurance());
		List<Scenario> scenarios = warmUpThen(all, "peak");
		for (int maxWaiting : options.maxWaitingSweep()) {
			Configuration configuration = new Configuration("mw" + maxWaiting,
					"PoolGuard, pool 10, max-waiting " + maxWaiting,
					List.of("--poolguard.connection-limit=10", "--poolguard.max-waiting=" + maxWaiting));
			Run run = runConfiguration(options, server, configuration, scenarios, null, out,
					loadDir.resolve(configuration.id()), running);
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("maxWaiting", maxWaiting);
			figures.put("connectionLimit", 10);
			figures.putAll(Analysis.scenario(Analysis.of(run.samples(), "peak")));
			results.add(figures);
		}
		return results;
	}

	/** The warm-up, then one scenario: the plan of every run that measures a single one. */
	private static List<Scenario> warmUpThen(List<Scenario> scenarios, String name) {
		return scenarios.stream().filter((s) -> s.name().equals(LoadPlan.WARMUP) || s.name().equals(name)).toList();
	}

	/**
	 * Seed 004's long endurance on its own (warm-up, then the endurance scenario for
	 * {@code --endurance-minutes}), for the configurations asked: throughput and latency
	 * minute by minute, to see drift. It writes its own section of docs/benchmarks.md and
	 * its own chart and figures; the rest of the report is left as it is.
	 */
	private static void longEndurance(Options options, PostgresServer server, Map<String, Configuration> configurations,
			List<Scenario> scenarios, Path out, Path loadDir, List<SampleApp> running, Instant started,
			long startNanos) throws Exception {
		List<Scenario> endurance = warmUpThen(scenarios, "endurance");
		Map<String, Object> results = new LinkedHashMap<>();
		Map<String, List<Sample>> samples = new LinkedHashMap<>();
		Map<String, String> labels = new LinkedHashMap<>();
		for (String id : options.configs()) {
			Configuration configuration = configurations.get(id);
			Run run = runConfiguration(options, server, configuration, endurance, null, out,
					loadDir.resolve("endurance-" + id), running);
			List<Sample> measured = Analysis.of(run.samples(), "endurance");
			Map<String, Object> figures = Analysis.scenario(measured);
			figures.putAll(Analysis.drift(measured));
			figures.put("perMinute", Analysis.perMinute(measured));
			results.put(id, figures);
			samples.put(id, measured);
			labels.put(id, configuration.label());
		}
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("startedAt", started.toString());
		summary.put("minutes", options.endurance().toMinutes());
		summary.put("users", endurance.get(endurance.size() - 1).users());
		summary.put("configurations", labels);
		summary.put("results", results);
		summary.put("wallSeconds", Math.round((System.nanoTime() - startNanos) / 1e9));
		Path docs = options.root().resolve("docs");
		Files.writeString(docs.resolve("benchmarks/endurance-long.json"), Json.write(summary));
		Charts.perMinute(docs.resolve("benchmarks/endurance-long.png"), labels, samples);
		Report.section(docs.resolve("benchmarks.md"), "long-endurance", "benchmarks/run.sh --endurance-only",
				Markdown.longEndurance(summary));
		System.out.println("Wrote docs/benchmarks/endurance-long.json, endurance-long.png and its section of "
				+ "docs/benchmarks.md in " + summary.get("wallSeconds") + " s");
	}

	/**
	 * One scenario run again and again, from a fresh start of the sample app each round:
	 * what a single run cannot tell, whether a p95 difference of a fraction of a
	 * millisecond is the configuration or the moment it ran. One after the other, the
	 * configurations take turns in a rotated order (abc, bca, cab...). Side by side, every
	 * round loads all of them at the same time, each with an equal share of the users, on
	 * a server with room for all their pools: what the machine happens to do then (its
	 * other tenants, a checkpoint) falls on every configuration alike.
	 * @param server the run's server; side by side, the rounds start one of their own
	 * @return the rounds' figures and (c) against the better of (a) and (b)
	 */
	private static Map<String, Object> repeated(Options options, PostgresServer server,
			Map<String, Configuration> configurations, List<Scenario> scenarios, String name, Path out, Path loadDir,
			List<SampleApp> running) throws Exception {
		if (!options.sideBySide()) {
			return rounds(options, server, configurations, scenarios, name, out, loadDir, running);
		}
		try (PostgresServer roomForAllPools = PostgresServers
			.dedicated(Map.of("max_connections", String.valueOf(SIDE_BY_SIDE_MAX_CONNECTIONS)))) {
			return rounds(options, roomForAllPools, configurations, scenarios, name, out, loadDir, running);
		}
	}

	private static Map<String, Object> rounds(Options options, PostgresServer server,
			Map<String, Configuration> configurations, List<Scenario> scenarios, String name, Path out, Path loadDir,
			List<SampleApp> running) throws Exception {
		List<Scenario> plan = warmUpThen(scenarios, name);
		if (plan.size() != 2 || name.equals("outage")) {
			throw new IllegalArgumentException("--repeat takes one of baseline, peak, spike, endurance, business");
		}
		long startNanos = System.nanoTime();
		Instant started = Instant.now();
		Map<String, List<Map<String, Object>>> rounds = new LinkedHashMap<>();
		options.configs().forEach((id) -> rounds.put(id, new ArrayList<>()));
		List<String> order = new ArrayList<>(options.configs());
		for (int round = 1; round <= options.rounds(); round++) {
			Map<String, List<Sample>> measured = new LinkedHashMap<>();
			if (options.sideBySide()) {
				System.out.println("--- " + name + " side by side (" + String.join(", ", order) + "), round " + round
						+ " of " + options.rounds());
				Run run = run(options, server, order.stream().map(configurations::get).toList(), plan, null,
						out.resolve("gatling").resolve("side-by-side-" + name),
						loadDir.resolve("side-by-side-" + name + "-" + round), running);
				order.forEach((id) -> measured.put(id, Analysis.of(run.samples(), Target.recordedAs(name, id))));
			}
			else {
				for (String id : order) {
					System.out.println("--- " + name + ", round " + round + " of " + options.rounds());
					Run run = runConfiguration(options, server, configurations.get(id), plan, null, out,
							loadDir.resolve("repeat-" + name + "-" + round + "-" + id), running);
					measured.put(id, Analysis.of(run.samples(), name));
				}
			}
			for (Map.Entry<String, List<Sample>> entry : measured.entrySet()) {
				Map<String, Object> figures = new LinkedHashMap<>();
				figures.put("round", round);
				figures.putAll(Analysis.scenario(entry.getValue()));
				// Differences here are fractions of a millisecond: keep two decimals.
				double[] latencies = Analysis.latencies(Analysis.requests(entry.getValue()));
				figures.put("p50Ms", Analysis.round(Analysis.percentile(latencies, 50), 2));
				figures.put("p95Ms", Analysis.round(Analysis.percentile(latencies, 95), 2));
				rounds.get(entry.getKey()).add(figures);
			}
			Collections.rotate(order, -1);
		}
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("scenario", name);
		summary.put("sideBySide", options.sideBySide());
		summary.put("mode", options.mode());
		summary.put("startedAt", started.toString());
		summary.put("rounds", options.rounds());
		summary.put("users", plan.get(1).users());
		summary.put("maxConnections", server.query("SHOW max_connections", (rs) -> {
			rs.next();
			return rs.getInt(1);
		}));
		Map<String, Object> labels = new LinkedHashMap<>();
		options.configs().forEach((id) -> labels.put(id, configurations.get(id).label()));
		summary.put("configurations", labels);
		summary.put("results", rounds);
		summary.put("comparison", Analysis.roundsComparison(rounds));
		summary.put("wallSeconds", Math.round((System.nanoTime() - startNanos) / 1e9));
		return summary;
	}

	/**
	 * Writes a repeated scenario's figures, chart and section of docs/benchmarks.md; the
	 * rest of the report is left as it is.
	 */
	private static void writeRepeated(Path docs, Map<String, Object> summary) throws IOException {
		String scenario = (String) summary.get("scenario");
		boolean sideBySide = Boolean.TRUE.equals(summary.get("sideBySide"));
		String name = "repeated-" + scenario + (sideBySide ? "-side-by-side" : "");
		Files.writeString(docs.resolve("benchmarks/" + name + ".json"), Json.write(summary));
		@SuppressWarnings("unchecked")
		Map<String, List<Map<String, Object>>> rounds = (Map<String, List<Map<String, Object>>>) summary.get("results");
		@SuppressWarnings("unchecked")
		Map<String, Object> labels = (Map<String, Object>) summary.get("configurations");
		Charts.rounds(docs.resolve("benchmarks/" + name + ".png"), scenario + (sideBySide ? ", side by side" : ""),
				labels, rounds);
		String command = sideBySide ? "benchmarks/run.sh, or --repeat " + scenario + " --side-by-side"
				: "benchmarks/run.sh --repeat " + scenario;
		Report.section(docs.resolve("benchmarks.md"), name, command, Markdown.repeated(summary, name));
		System.out.println("Wrote docs/benchmarks/" + name + ".json, its chart and its section of docs/benchmarks.md in "
				+ summary.get("wallSeconds") + " s");
	}

	/**
	 * A session that sleeps on the server until the server ends it, and notes when: the
	 * log line tells how long the shutdown took to reach the sessions.
	 */
	private static Thread sentinel(String jdbcUrl, PostgresServer server, AtomicLong ended) throws SQLException {
		Connection connection = DriverManager.getConnection(jdbcUrl, server.username(), server.password());
		Thread sentinel = new Thread(() -> {
			try (connection) {
				connection.createStatement().execute("SELECT pg_sleep(3600)");
			}
			catch (SQLException ex) {
				ended.set(System.currentTimeMillis());
			}
		}, "outage-sentinel");
		sentinel.setDaemon(true);
		sentinel.start();
		return sentinel;
	}

	private static Thread outageController(PostgresServer server, String jdbcUrl, List<Scenario> scenarios,
			Outage outage, AtomicLong stopCommandAt, AtomicLong stoppedAt, AtomicLong acceptingAt) {
		Scenario scenario = scenarios.stream().filter(s -> s.name().equals("outage")).findFirst().orElseThrow();
		Thread controller = new Thread(() -> {
			try {
				long first = Recorder.awaitFirstStart("outage");
				sleepUntil(first + scenario.rampUp().toMillis() + outage.before().toMillis());
				// A fast shutdown takes a moment: the server ends its sessions one by one and
				// checkpoints. The outage proper begins once it is down (pg_ctl -w returned);
				// requests caught by the shutdown are counted apart.
				AtomicLong sessionEnded = new AtomicLong();
				Thread sentinel = sentinel(jdbcUrl, server, sessionEnded);
				long stop = System.currentTimeMillis();
				stopCommandAt.set(stop);
				System.out.println("--- outage: stopping the database");
				server.stop();
				stoppedAt.set(System.currentTimeMillis());
				sentinel.join(10_000);
				System.out.println("--- outage: the database ended a session " + (sessionEnded.get() - stop)
						+ " ms after the stop command and was down after " + (stoppedAt.get() - stop) + " ms");
				sleepUntil(stop + outage.down().toMillis());
				server.start();
				long deadline = System.currentTimeMillis() + 60_000;
				while (System.currentTimeMillis() < deadline) {
					try (Connection connection = DriverManager.getConnection(jdbcUrl, server.username(),
							server.password())) {
						acceptingAt.set(System.currentTimeMillis());
						break;
					}
					catch (SQLException ex) {
						Thread.sleep(5);
					}
				}
				System.out.println("--- outage: the database accepts connections again "
						+ (acceptingAt.get() - stoppedAt.get()) + " ms after it was down");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot open the outage sentinel's session", ex);
			}
		}, "outage-controller");
		controller.setDaemon(true);
		controller.start();
		return controller;
	}

	private static void sleepUntil(long epochMillis) throws InterruptedException {
		long wait = epochMillis - System.currentTimeMillis();
		if (wait > 0) {
			Thread.sleep(wait);
		}
	}

	/**
	 * Runs LoadSimulation in this JVM and returns the folder of its HTML report.
	 */
	private static String gatling(Path resultsFolder, String description) throws IOException {
		Files.createDirectories(resultsFolder);
		int status = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] { "-s", LoadSimulation.class.getName(),
				"-rf", resultsFolder.toAbsolutePath().toString(), "-rd", description, "-l", "poolguard-load-harness" });
		System.out.println("Gatling finished with status " + status);
		try (Stream<Path> reports = Files.list(resultsFolder)) {
			return reports.filter(Files::isDirectory)
				.max((x, y) -> Long.compare(x.toFile().lastModified(), y.toFile().lastModified()))
				.map(p -> p.resolve("index.html").toString())
				.orElse(null);
		}
	}

	/** Every configuration starts from the seeded data. */
	private static void resetData(PostgresServer server) throws SQLException {
		String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";
		try (Connection connection = DriverManager.getConnection(jdbcUrl, server.username(), server.password());
				Statement statement = connection.createStatement()) {
			boolean migrated = statement.executeQuery("SELECT to_regclass('public.client_audit') IS NOT NULL")
				.next() && statement.getResultSet().getBoolean(1);
			if (migrated) {
				long used = clientsPages(statement);
				statement.execute("DELETE FROM clients WHERE id > 10000");
				statement.execute("TRUNCATE client_audit");
				// A plain VACUUM would keep the pages the last configuration's updates spread
				// the rows over, and the next configuration's count(*) would scan them all.
				// VACUUM FULL rewrites the table as compact as the seeded one.
				statement.execute("VACUUM FULL ANALYZE clients");
				System.out.println("--- data reset: clients " + used + " pages, " + clientsPages(statement)
						+ " after VACUUM FULL");
			}
		}
	}

	private static long clientsPages(Statement statement) throws SQLException {
		try (ResultSet pages = statement.executeQuery(
				"SELECT pg_relation_size('clients') / current_setting('block_size')::int")) {
			pages.next();
			return pages.getLong(1);
		}
	}

	private static void writeCsv(Path file, List<Sample> samples) throws IOException {
		Files.createDirectories(file.getParent());
		try (BufferedWriter writer = Files.newBufferedWriter(file)) {
			writer.write("scenario,request,start_ms,elapsed_us,status\n");
			for (Sample s : samples) {
				writer.write(s.scenario() + "," + s.request() + "," + s.startMillis() + "," + s.elapsedMicros() + ","
						+ s.status() + "\n");
			}
		}
	}

	private static Thread watchdog(Duration budget) {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(budget.toMillis());
				System.err.println("The load harness overran its budget of " + budget.toMinutes()
						+ " min: stopping (the sample app and PostgreSQL are stopped by the shutdown hooks).");
				System.exit(3);
			}
			catch (InterruptedException ex) {
				// finished in time
			}
		}, "watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
		return watchdog;
	}

	record Configuration(String id, String label, List<String> properties) {

	}

	record Run(List<Sample> samples, long stopCommandAt, long stoppedAt, long acceptingAt,
			String gatlingReport) {

	}

	/**
	 * @param rounds rounds of {@code --repeat}, or of the full run's side-by-side business
	 * rounds (0: none)
	 * @param sideBySide whether the rounds load the configurations at the same time
	 * @param extraConfigurations configurations to run besides (a), (b) and (c), by id: the
	 * sample app's command-line properties ({@code --with d="--poolguard.x=y --spring.z=w"})
	 */
	record Options(Path root, Path jar, String mode, Duration endurance, boolean enduranceOnly, String repeat,
			int rounds, boolean sideBySide, List<String> configs, Map<String, List<String>> extraConfigurations,
			boolean physicalLimit, int limitThreads, List<Integer> maxWaitingSweep) {

		boolean quick() {
			return this.mode.equals("quick");
		}

		Duration budget() {
			long round = (quick() ? 1 : 3) * (this.sideBySide ? 1L : this.configs.size());
			if (this.repeat != null) {
				return Duration.ofMinutes(round * this.rounds + 5);
			}
			return Duration.ofMinutes(quick() ? 20 : 45).plus(this.endurance.multipliedBy(3))
				.plus(Duration.ofMinutes(this.maxWaitingSweep.size() * 3L + (this.sideBySide ? round * this.rounds : 0)));
		}

		static Options parse(String[] args) {
			Path root = Path.of("").toAbsolutePath();
			String mode = "full";
			Duration endurance = null;
			boolean enduranceOnly = false;
			String repeat = null;
			Integer rounds = null;
			boolean sideBySide = false;
			Map<String, List<String>> extra = new LinkedHashMap<>();
			List<String> configs = List.of("a", "b", "c");
			boolean physical = true;
			int threads = 8;
			List<Integer> sweep = null;
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--quick" -> mode = "quick";
					case "--endurance-minutes" -> endurance = Duration.ofMinutes(Long.parseLong(args[++i]));
					case "--endurance-only" -> enduranceOnly = true;
					case "--repeat" -> repeat = args[++i];
					case "--rounds" -> rounds = Integer.parseInt(args[++i]);
					case "--side-by-side" -> sideBySide = true;
					case "--with" -> {
						String[] definition = args[++i].split("=", 2);
						extra.put(definition[0], Arrays.asList(definition[1].trim().split("\\s+")));
					}
					case "--configs" -> configs = args[++i].equals("none") ? List.of() : Arrays.asList(args[i].split(","));
					case "--no-physical-limit" -> physical = false;
					case "--limit-threads" -> threads = Integer.parseInt(args[++i]);
					case "--max-waiting-sweep" -> sweep = args[++i].isBlank() ? List.of()
							: Arrays.stream(args[++i - 1].split(",")).map(Integer::parseInt).toList();
					case "--root" -> root = Path.of(args[++i]).toAbsolutePath();
					default -> throw new IllegalArgumentException("Unknown option " + args[i]);
				}
			}
			if (endurance == null) {
				endurance = LoadPlan.defaultEndurance(mode);
			}
			if (sweep == null) {
				sweep = List.of();
			}
			if (rounds == null) {
				// 17 rounds: with the round-to-round spread of (c)'s business p95 difference
				// (27 rounds, standard deviation 0.17 ms) against a margin of about 0.24 ms, 9 rounds
				// give "no worse" only about 60 % of the time, 17 about 90 % (docs/benchmarks.md).
				rounds = (repeat == null && mode.equals("quick")) ? 0 : 17;
			}
			if (repeat == null) {
				// The full run judges the business scenario's few-millisecond p95s side by side.
				sideBySide = !enduranceOnly && rounds > 0 && configs.containsAll(List.of("a", "b", "c"));
			}
			Path jar = root.resolve("sample-app/target/poolguard-sample-app-0.1.0-SNAPSHOT.jar");
			return new Options(root, jar, mode, endurance, enduranceOnly, repeat, rounds, sideBySide, configs, extra,
					physical, threads, sweep);
		}

	}

}
