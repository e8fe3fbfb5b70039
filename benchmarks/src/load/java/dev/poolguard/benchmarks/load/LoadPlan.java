package dev.poolguard.benchmarks.load;

import java.time.Duration;
import java.util.List;

/**
 * What one Gatling run does: the scenarios of seed 004 in order, sized for a quick, a full
 * or a 30-minute-endurance run, against one configuration of the sample app or, side by
 * side, several at the same time. The harness sets it before it starts Gatling, which
 * builds {@link LoadSimulation} in this JVM.
 *
 * @param targets the sample apps, on loopback addresses
 * @param scenarios the scenarios, run one after the other
 * @param outage the outage timing, when the run has an outage scenario
 * @author PoolGuard
 */
record LoadPlan(List<Target> targets, List<Scenario> scenarios, Outage outage) {

	private static volatile LoadPlan current;

	static LoadPlan current() {
		LoadPlan plan = current;
		if (plan == null) {
			throw new IllegalStateException("LoadSimulation runs from LoadHarness, which sets the plan");
		}
		return plan;
	}

	static void use(LoadPlan plan) {
		current = plan;
	}

	/** Name of the warm-up scenario, left out of every figure. */
	static final String WARMUP = "warmup";

	/**
	 * The scenarios of a run.
	 * @param mode {@code quick}, {@code full}
	 * @param endurance how long the endurance scenario holds its users
	 */
	static List<Scenario> scenarios(String mode, Duration endurance) {
		boolean quick = mode.equals("quick");
		return List.of(
				// JIT and pool warm-up, equal for every configuration; not reported.
				new Scenario(WARMUP, Kind.MIX, 0, 50, s(quick ? 2 : 5), s(quick ? 4 : 15), 0),
				new Scenario("baseline", Kind.MIX, 0, 100, s(5), s(quick ? 8 : 60), 0),
				new Scenario("peak", Kind.MIX, 0, 500, s(10), s(quick ? 12 : 90), 0),
				new Scenario("spike", Kind.MIX, 0, 300, s(5), s(quick ? 5 : 20), 5),
				new Scenario("endurance", Kind.MIX, 0, 100, s(5), endurance, 0),
				new Scenario("business", Kind.FLOW, 0, 100, s(5), s(quick ? 8 : 60), 0),
				new Scenario("outage", Kind.MIX, 0, 100, s(5), null, 0));
	}

	static Outage outage(String mode) {
		return mode.equals("quick") ? new Outage(s(5), s(10), s(8)) : new Outage(s(20), s(10), s(30));
	}

	static Duration defaultEndurance(String mode) {
		return mode.equals("quick") ? s(20) : s(180);
	}

	private static Duration s(long seconds) {
		return Duration.ofSeconds(seconds);
	}

	/** How a scenario's virtual users behave. */
	enum Kind {

		/** One request from the mix, then think time: seed 004's users. */
		MIX,

		/** A whole business flow: list, read, create, read it, update it, delete it. */
		FLOW

	}

	/**
	 * One scenario, a closed workload (a fixed number of concurrent users, like k6's VUs).
	 * @param name its name
	 * @param kind what its users do
	 * @param from users at the start of the ramp
	 * @param users users after the ramp
	 * @param rampUp ramp from {@code from} to {@code users}
	 * @param hold time at {@code users}; for the outage, null (the outage decides)
	 * @param rampDownSeconds ramp back to 0 (the spike)
	 */
	record Scenario(String name, Kind kind, int from, int users, Duration rampUp, Duration hold,
			int rampDownSeconds) {

	}

	/**
	 * One sample app under load. Side by side, each target gets an equal share of every
	 * scenario's users at the same time, so that the moment, and whatever else the machine
	 * was doing then, is the same for all of them.
	 * @param id the configuration's id, empty when it runs alone
	 * @param baseUrl where it listens
	 */
	record Target(String id, String baseUrl) {

		/**
		 * The name a target's responses are recorded under: the scenario's, then "@" and
		 * the target's id.
		 */
		static String recordedAs(String scenario, String id) {
			return id.isEmpty() ? scenario : scenario + "@" + id;
		}

	}

	/**
	 * The outage scenario: steady load, the database stopped in the middle.
	 * @param before steady load before the database stops
	 * @param down how long the database stays stopped
	 * @param after steady load after it accepts connections again
	 */
	record Outage(Duration before, Duration down, Duration after) {

		Duration total() {
			return this.before.plus(this.down).plus(this.after);
		}

	}

}
