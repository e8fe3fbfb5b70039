package dev.poolguard.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.poolguard.benchmarks.load.LoadPlan.Check;
import dev.poolguard.benchmarks.load.LoadPlan.Fault;
import dev.poolguard.benchmarks.load.LoadPlan.Mode;
import dev.poolguard.benchmarks.load.LoadPlan.Scenario;
import dev.poolguard.benchmarks.load.LoadPlan.Target;
import dev.poolguard.benchmarks.load.Recorder.Sample;
import dev.poolguard.test.NetworkFault;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;

/**
 * The load harness behind {@code benchmarks/run.sh}: one PostgreSQL, the sample app's jar
 * per configuration, one Gatling run per scenario and configuration (or per scenario, side
 * by side) judged by Gatling's assertions, then the physical limit with pgbench. It writes
 * only to {@code benchmarks/target/}: {@code load/summary.json}, Gatling's reports in
 * {@code gatling/}, the fault charts in {@code load/charts/}. Every phase ends by itself; a
 * watchdog ends an overrun. Exit status 0 when PoolGuard's assertions held, else 2.
 *
 * @author PoolGuard
 */
public final class LoadHarness {

	static final int MAX_CONNECTIONS = 200; // three pools of up to 50 side by side, and side connections

	static final String VIRTUAL_THREADS = "--spring.threads.virtual.enabled=true";

	/** The sample app runs on the harness's Java; its virtual-thread configurations on --vt-java. */
	static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

	private LoadHarness() {
	}

	/** The configurations of one jar; without PoolGuard, no poolguard health in readiness. */
	static Map<String, Configuration> configurations() {
		List<String> plain = List.of("--poolguard.enabled=false",
				"--management.endpoint.health.group.readiness.include=readinessState");
		List<String> pool50 = List.of("--spring.datasource.hikari.maximum-pool-size=50");
		List<String> tuned = List.of("--poolguard.connection-limit=50", "--poolguard.reserved-connections=10");
		List<String> virtual = List.of(VIRTUAL_THREADS);
		Map<String, Configuration> all = new LinkedHashMap<>();
		all.put("a", new Configuration("a", "(a) Boot defaults, no PoolGuard: pool 10, 30 s", false, plain));
		all.put("b", new Configuration("b", "(b) seed 004's fix: pool 50, 30 s", false, concat(plain, pool50)));
		all.put("c", new Configuration("c", "(c) PoolGuard tuned: pool 50, 5 s, breaker, load shedding", true, tuned));
		all.put("c-10", new Configuration("c-10", "(c) PoolGuard, pool 10 (Boot's size), 5 s, load shedding", true,
				List.of("--poolguard.connection-limit=10")));
		all.put("b-vt", new Configuration("b-vt", "(b) plain HikariCP, pool 50, virtual threads", false,
				concat(plain, pool50, virtual)));
		all.put("c-vt", new Configuration("c-vt", "(c) PoolGuard, pool 50, virtual threads", true,
				concat(tuned, virtual)));
		return all;
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		System.setProperty("gatling.data.enableAnalytics", "false");
		System.setProperty("gatling.http.warmUpUrl", "");
		long startNanos = System.nanoTime();
		Thread watchdog = watchdog(options.quick() ? Duration.ofMinutes(20) : Duration.ofMinutes(90));
		Path out = options.root().resolve("benchmarks/target");
		Map<String, Configuration> configurations = configurations();
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("mode", options.quick() ? "quick" : "full");
		summary.put("startedAt", Instant.now().toString());
		summary.put("machine", Map.of("availableProcessors", Runtime.getRuntime().availableProcessors(),
				"javaVersion", System.getProperty("java.version"), "virtualThreadsJava", options.vtJava()));
		Map<String, Object> scenarios = new LinkedHashMap<>();
		summary.put("scenarios", scenarios);
		boolean passed = true;
		try (PostgresServer server = PostgresServers
			.dedicated(Map.of("max_connections", String.valueOf(MAX_CONNECTIONS)))) {
			summary.put("postgres", server.query("SHOW server_version", (rs) -> rs.next() ? rs.getString(1) : "?"));
			Harness harness = new Harness(options, server, out);
			List<Scenario> plan = LoadPlan.scenarios(options.quick()).stream()
				.filter((s) -> s.name().equals("warmup") || options.scenarios().contains(s.name()))
				.toList();
			List<Configuration> chosen = options.configs().stream().map(configurations::get).toList();
			List<Scenario> sequential = plan.stream().filter((s) -> s.mode() == Mode.SEQUENTIAL).toList();
			for (Configuration configuration : (sequential.size() > 1) ? chosen : List.<Configuration>of()) {
				passed &= harness.apps(List.of(configuration), sequential, false, scenarios);
			}
			Scenario warmup = plan.get(0); // fresh apps side by side are warmed up first
			for (Scenario scenario : plan) {
				switch (scenario.mode()) {
					case FROZEN -> {
						for (Configuration configuration : chosen) {
							passed &= harness.apps(List.of(configuration), List.of(scenario), true, scenarios);
						}
					}
					case SIDE_BY_SIDE -> passed &= harness.apps(chosen, List.of(warmup, scenario), false, scenarios);
					// Platform threads: Boot's pool of 10 (a) against PoolGuard's pool of 10.
					case PLATFORM_OVERLOAD -> passed &= harness.apps(
							List.of(configurations.get("a"), configurations.get("c-10")), List.of(warmup, scenario),
							false, scenarios);
					case VIRTUAL_THREADS -> {
						if (options.vtJavaVersion() >= 21) {
							passed &= harness.apps(List.of(configurations.get("b-vt"), configurations.get("c-vt")),
									List.of(warmup, scenario), false, scenarios);
						}
						else {
							scenarios.put(scenario.name(), Map.of("skipped", "virtual threads need Java 21+ for "
									+ "the sample app: set VT_JAVA (found Java " + options.vtJavaVersion() + ")"));
						}
					}
					default -> {
					}
				}
			}
			if (options.physicalLimit()) {
				summary.put("physicalLimit", PhysicalLimit.run(server.host(), server.port(), server.username(),
						server.password(), options.limitThreads(), Duration.ofSeconds(options.quick() ? 10 : 30),
						Duration.ofSeconds(3), options.quick() ? 1 : 3, out.resolve("load/physical-limit")));
			}
		}
		finally {
			watchdog.interrupt();
		}
		summary.put("passed", passed);
		summary.put("wallSeconds", Math.round((System.nanoTime() - startNanos) / 1e9));
		Files.createDirectories(out.resolve("load"));
		new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
			.writeValue(out.resolve("load/summary.json").toFile(), summary);
		System.out.println("Wrote " + out.resolve("load/summary.json") + " in "
				+ summary.get("wallSeconds") + " s; PoolGuard's assertions " + (passed ? "held" : "FAILED"));
		System.exit(passed ? 0 : 2);
	}

	/** Runs the scenarios against sample apps and files their figures under the scenario's name. */
	private record Harness(Options options, PostgresServer server, Path out) {

		/** Starts an app per configuration (behind a proxy to freeze, if asked) and runs the scenarios. */
		boolean apps(List<Configuration> configurations, List<Scenario> scenarios, boolean behindProxy,
				Map<String, Object> results) throws Exception {
			System.out.println("=== " + String.join(" | ", configurations.stream().map(Configuration::label).toList()));
			resetData();
			List<SampleApp> apps = new ArrayList<>();
			String suffix = (scenarios.size() <= 2) ? "-" + scenarios.get(scenarios.size() - 1).name() : "";
			try (NetworkFault proxy = behindProxy ? NetworkFault.inFrontOf(this.server) : null) {
				for (Configuration configuration : configurations) {
					boolean virtual = configuration.properties().contains(VIRTUAL_THREADS);
					apps.add(SampleApp.start(virtual ? this.options.vtJava() : JAVA, this.options.jar(),
							(proxy != null) ? proxy.jdbcUrl() : directUrl(), this.server.username(),
							this.server.password(), configuration.properties(),
							this.out.resolve("load/" + configuration.id() + suffix + "-app.log")));
				}
				boolean passed = true;
				for (Scenario scenario : scenarios) {
					passed &= run(scenario, configurations, apps, proxy, results);
				}
				return passed;
			}
			finally {
				apps.forEach(SampleApp::close);
			}
		}

		/** One Gatling run, asserted on a configuration alone or PoolGuard's side by side. */
		private boolean run(Scenario scenario, List<Configuration> configurations, List<SampleApp> apps,
				NetworkFault network, Map<String, Object> results) throws Exception {
			boolean alone = configurations.size() == 1;
			List<Target> targets = new ArrayList<>();
			for (int i = 0; i < apps.size(); i++) {
				Configuration configuration = configurations.get(i);
				targets.add(new Target(configuration.id(), apps.get(i).baseUrl(), alone || configuration.guarded()));
			}
			LoadPlan.use(new LoadPlan(scenario, targets));
			Recorder.drain();
			long[] window = new long[2]; // when the fault began and ended (epoch ms); read after join()
			Thread controller = (scenario.fault() != null) ? controller(scenario, network, window) : null;
			String ids = String.join("+", configurations.stream().map(Configuration::id).toList());
			Path reports = this.out.resolve("gatling/" + scenario.name() + "-" + ids);
			Files.createDirectories(reports);
			int status = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] { "-s", LoadSimulation.class.getName(),
					"-rf", reports.toString(), "-rd", scenario.name() + " " + ids, "-l", "poolguard-load" });
			if (controller != null) {
				controller.join(TimeUnit.MINUTES.toMillis(2));
			}
			boolean held = status == 0;
			System.out.println("--- " + scenario.name() + " " + ids + ": Gatling's assertions "
					+ (held ? "held" : "failed (status " + status + ")"));
			if (scenario.name().equals("warmup")) {
				return true;
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> result = (Map<String, Object>) results.computeIfAbsent(scenario.name(),
					(name) -> new LinkedHashMap<>(Map.of("assertions",
							scenario.checks().stream().map(Check::describe).toList(), "configurations",
							new LinkedHashMap<>())));
			@SuppressWarnings("unchecked")
			Map<String, Object> perConfiguration = (Map<String, Object>) result.get("configurations");
			Map<String, List<Sample>> samples = Recorder.drain().stream().collect(Collectors.groupingBy(Sample::id));
			for (Target target : targets) {
				List<Sample> responses = samples.getOrDefault(target.id(), List.of());
				Map<String, Object> figures = new LinkedHashMap<>(Recorder.figures(responses));
				figures.put("assertions", !target.asserted() ? "not asserted" : held ? "met" : "not met");
				if (scenario.fault() != null && window[1] > 0) {
					figures.put("fault", Recorder.fault(responses, window[0], window[1]));
					Charts.timeline(this.out.resolve("load/charts/" + scenario.name() + "-" + target.id() + ".png"),
							"(" + target.id() + ") " + scenario.name(), scenario.fault().group(), responses, window[0],
							window[1]);
				}
				perConfiguration.put(target.id(), figures);
			}
			ratios(perConfiguration);
			return held || configurations.stream().noneMatch(Configuration::guarded);
		}

		/** PoolGuard's p95 and 2xx/s over the plain configuration's with the lowest p95, same run. */
		@SuppressWarnings("unchecked")
		private void ratios(Map<String, Object> perConfiguration) {
			Map<String, Configuration> all = configurations();
			perConfiguration.entrySet().stream()
				.filter((entry) -> !all.get(entry.getKey()).guarded())
				.map((entry) -> (Map<String, Object>) entry.getValue())
				.filter((figures) -> figures.get("p95Ms") != null)
				.min((x, y) -> Double.compare((double) x.get("p95Ms"), (double) y.get("p95Ms")))
				.ifPresent((plain) -> perConfiguration.forEach((id, value) -> {
					Map<String, Object> figures = (Map<String, Object>) value;
					if (all.get(id).guarded() && figures.get("p95Ms") != null) {
						figures.put("p95VsBestPlain", Recorder.round((double) figures.get("p95Ms") / (double) plain.get("p95Ms"), 3));
						figures.put("okPerSecondVsBestPlain",
								Recorder.round((double) figures.get("okPerSecond") / (double) plain.get("okPerSecond"), 3));
					}
				}));
		}

		/** After ramp-up and steady load, stops PostgreSQL (and restarts it) or freezes the proxy. */
		private Thread controller(Scenario scenario, NetworkFault network, long[] window) {
			Fault fault = scenario.fault();
			Thread controller = new Thread(() -> {
				try {
					long first = Recorder.awaitFirstStart();
					Thread.sleep(Math.max(0, first + scenario.rampUp().plus(fault.before()).toMillis()
							- System.currentTimeMillis()));
					System.out.println("--- " + fault.group());
					if (network != null) {
						network.freeze();
					}
					else {
						this.server.stop();
					}
					window[0] = System.currentTimeMillis();
					LoadPlan.faultGroup(fault.group());
					Thread.sleep(fault.duration().toMillis());
					if (network != null) {
						network.unfreeze();
					}
					else {
						this.server.start();
						awaitAccepting();
					}
					LoadPlan.faultGroup(null);
					window[1] = System.currentTimeMillis();
					System.out.println("--- " + fault.group() + " for " + (window[1] - window[0]) + " ms");
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "fault-controller");
			controller.setDaemon(true);
			controller.start();
			return controller;
		}

		private void awaitAccepting() throws InterruptedException {
			long deadline = System.currentTimeMillis() + 60_000;
			while (System.currentTimeMillis() < deadline) {
				try (Connection connection = DriverManager.getConnection(directUrl(), this.server.username(),
						this.server.password())) {
					return;
				}
				catch (SQLException ex) {
					Thread.sleep(5);
				}
			}
		}

		private String directUrl() {
			return "jdbc:postgresql://127.0.0.1:" + this.server.port() + "/postgres";
		}

		/** Back to the seeded data, compact (VACUUM FULL: a plain VACUUM keeps the spread pages). */
		private void resetData() throws SQLException {
			try (Connection connection = DriverManager.getConnection(directUrl(), this.server.username(),
					this.server.password()); Statement statement = connection.createStatement()) {
				var migrated = statement.executeQuery("SELECT to_regclass('public.client_audit') IS NOT NULL");
				if (migrated.next() && migrated.getBoolean(1)) {
					statement.execute("DELETE FROM clients WHERE id > 10000");
					statement.execute("TRUNCATE client_audit");
					statement.execute("VACUUM FULL ANALYZE clients");
				}
			}
		}

	}

	private static Thread watchdog(Duration budget) {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(budget.toMillis());
				System.err.println("The load harness overran its budget of " + budget.toMinutes() + " min: stopping");
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

	@SafeVarargs
	private static List<String> concat(List<String>... lists) {
		return Arrays.stream(lists).flatMap(List::stream).toList();
	}

	/** A configuration of the sample app: its command-line properties; guarded: PoolGuard's. */
	record Configuration(String id, String label, boolean guarded, List<String> properties) {

	}

	record Options(Path root, Path jar, boolean quick, List<String> configs, List<String> scenarios,
			boolean physicalLimit, int limitThreads, String vtJava, int vtJavaVersion) {

		static Options parse(String[] args) {
			Path root = Path.of("").toAbsolutePath();
			boolean quick = false;
			List<String> configs = List.of("a", "b", "c");
			List<String> scenarios = LoadPlan.scenarios(false).stream().map(Scenario::name).toList();
			boolean physical = true;
			int threads = 8;
			String vtJava = JAVA;
			int vtJavaVersion = Runtime.version().feature();
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--quick" -> quick = true;
					case "--configs" -> configs = Arrays.asList(args[++i].split(","));
					case "--scenarios" -> scenarios = Arrays.asList(args[++i].split(","));
					case "--no-physical-limit" -> physical = false;
					case "--limit-threads" -> threads = Integer.parseInt(args[++i]);
					case "--vt-java" -> vtJava = args[++i];
					case "--vt-java-version" -> vtJavaVersion = Integer.parseInt(args[++i]);
					case "--root" -> root = Path.of(args[++i]).toAbsolutePath();
					default -> throw new IllegalArgumentException("Unknown option " + args[i]);
				}
			}
			return new Options(root, root.resolve("sample-app/target/poolguard-sample-app-0.1.0-SNAPSHOT.jar"), quick,
					configs, scenarios, physical, threads, vtJava, vtJavaVersion);
		}

	}

}
