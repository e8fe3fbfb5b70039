package dev.poolguard.benchmarks.load;

import java.time.Duration;
import java.util.List;

/**
 * One Gatling run: one scenario against one or more sample apps (side by side: at the same
 * time, each with the scenario's users), and the assertions Gatling judges it by. The
 * harness sets it before it starts Gatling, which builds {@link LoadSimulation} in this JVM.
 *
 * @param scenario the scenario
 * @param targets the sample apps
 * @author PoolGuard
 */
record LoadPlan(Scenario scenario, List<Target> targets) {

	private static volatile LoadPlan current;

	/** Name of the Gatling group of the requests sent while a fault is on (null: none). */
	private static volatile String faultGroup;

	static LoadPlan current() {
		if (current == null) {
			throw new IllegalStateException("LoadSimulation runs from LoadHarness, which sets the plan");
		}
		return current;
	}

	static void use(LoadPlan plan) {
		current = plan;
		faultGroup = null;
	}

	static String faultGroup() {
		return faultGroup;
	}

	static void faultGroup(String group) {
		faultGroup = group;
	}

	/** Requests sent while PostgreSQL is stopped, or while the network to it is frozen. */
	static final String DOWN = "database down";

	static final String FROZEN = "network frozen";

	/**
	 * Seed 004's scenarios (users, ramp-up, hold), the database outage, the frozen network
	 * and the virtual-thread overload; quick or full length.
	 */
	static List<Scenario> scenarios(boolean quick) {
		Fault outage = quick ? new Fault(DOWN, s(4), s(5), s(5)) : new Fault(DOWN, s(20), s(10), s(30));
		Fault frozen = quick ? new Fault(FROZEN, s(4), s(8), s(5)) : new Fault(FROZEN, s(20), s(40), s(30));
		List<Check> seed = List.of(new Check(null, "errors", 0), new Check(null, "p95", 450));
		return List.of(
				// JIT and pool warm-up, equal for every configuration; not reported.
				new Scenario("warmup", Mode.SEQUENTIAL, false, 50, s(2), s(quick ? 4 : 15), s(0), null, List.of()),
				new Scenario("baseline", Mode.SEQUENTIAL, false, 100, s(quick ? 3 : 5), s(quick ? 4 : 60), s(0), null,
						seed),
				new Scenario("peak", Mode.SEQUENTIAL, false, 500, s(quick ? 5 : 10), s(quick ? 6 : 90), s(0), null, seed),
				new Scenario("spike", Mode.SEQUENTIAL, false, 300, s(quick ? 3 : 5), s(quick ? 4 : 20), s(quick ? 3 : 5),
						null, seed),
				new Scenario("endurance", Mode.SEQUENTIAL, false, 100, s(quick ? 3 : 5), s(quick ? 6 : 180), s(0),
						null, seed),
				new Scenario("outage", Mode.SEQUENTIAL, false, 100, s(quick ? 3 : 5), outage.total(), s(0), outage,
						List.of(new Check(null, "errors%", 1), new Check(DOWN, "max", 50))),
				new Scenario("frozen", Mode.FROZEN, false, 100, s(quick ? 3 : 5), frozen.total(), s(0), frozen,
						List.of(new Check(null, "errors%", 1), new Check(FROZEN, "p95", 5_500))),
				// A few-millisecond p95: told apart only side by side.
				new Scenario("business", Mode.SIDE_BY_SIDE, true, 100, s(quick ? 3 : 5), s(quick ? 6 : 60), s(0), null,
						List.of(new Check(null, "errors", 0), new Check(null, "p95", 50))),
				new Scenario("overload", Mode.VIRTUAL_THREADS, false, quick ? 1000 : 1500, s(quick ? 5 : 10),
						s(quick ? 8 : 60), s(0), null, List.of(new Check(null, "errors", 0), new Check(null, "p95", 5_500))),
				// 300 users on a pool of 10 and Tomcat's 200 threads: more than the pool serves in time.
				new Scenario("overload-platform", Mode.PLATFORM_OVERLOAD, false, 300, s(quick ? 5 : 10),
						s(quick ? 8 : 60), s(0), null, List.of(new Check(null, "errors", 0), new Check(null, "p95", 5_500))));
	}

	private static Duration s(long seconds) {
		return Duration.ofSeconds(seconds);
	}

	/**
	 * How a scenario's configurations run: one after another (each asserted), the same behind
	 * a TCP proxy the harness freezes, or side by side (only PoolGuard's asserted): all
	 * configurations, plain HikariCP and PoolGuard on pools of 10 under a platform-thread
 * overload, or plain HikariCP and PoolGuard on virtual threads.
	 */
	enum Mode {

		SEQUENTIAL, FROZEN, SIDE_BY_SIDE, PLATFORM_OVERLOAD, VIRTUAL_THREADS

	}

	/**
	 * A closed workload: {@code users} concurrent users per configuration (shared out in
	 * SIDE_BY_SIDE), each sending a request of the mix (or, {@code flow}, a business flow)
	 * and thinking; ramp-up, hold, ramp-down; a fault during the hold; Gatling's assertions.
	 */
	record Scenario(String name, Mode mode, boolean flow, int users, Duration rampUp, Duration hold,
			Duration rampDown, Fault fault, List<Check> checks) {

	}

	/** A fault during the hold: the group of the requests sent while it is on, and its timing. */
	record Fault(String group, Duration before, Duration duration, Duration after) {

		Duration total() {
			return this.before.plus(this.duration).plus(this.after);
		}

	}

	/** One sample app under load: its configuration's id (its Gatling group), URL, and whether asserted. */
	record Target(String id, String baseUrl, boolean asserted) {

	}

	/**
	 * One Gatling assertion on a configuration's requests, or on those sent during a fault
	 * ({@code subgroup}): {@code errors} (at most), {@code errors%} (below), {@code p95} or
	 * {@code max} (below, ms). Errors are responses neither 2xx nor 503, and no response.
	 */
	record Check(String subgroup, String metric, double limit) {

		String describe() {
			String bound = switch (this.metric) {
				case "errors" -> "errors <= " + (long) this.limit;
				case "errors%" -> "errors < " + (long) this.limit + " %";
				default -> this.metric + " < " + (long) this.limit + " ms";
			};
			return (this.subgroup == null) ? bound : bound + " (" + this.subgroup + ")";
		}

	}

}
