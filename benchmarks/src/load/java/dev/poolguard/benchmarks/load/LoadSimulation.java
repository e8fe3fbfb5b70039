package dev.poolguard.benchmarks.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.poolguard.benchmarks.load.LoadPlan.Scenario;
import dev.poolguard.benchmarks.load.LoadPlan.Target;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ClosedInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/**
 * Seed 004's load test against the sample app, in Gatling's Java DSL: the scenarios of the
 * {@link LoadPlan}, one after the other, each a closed workload of virtual users that send
 * one request and think (like the seed's k6 virtual users). Side by side, every target
 * runs them at the same time with its share of the users.
 *
 * <p>
 * The request mix. The sample's CRUD requests run two statements in a transaction and hold
 * their connection for a millisecond or two; seed 004's service held one for about 100 ms
 * ("2-3 queries per request, 40 ms per query"), which is what made 500 users need 40-50
 * connections. One request in five is therefore {@code GET /api/clients/slow?ms=400}, a
 * report-style query that holds its connection 400 ms on the server (pg_sleep, no CPU), so
 * that the mean hold time is about 80 ms:
 * <ul>
 * <li>45 % {@code GET /api/clients/{id}} (select + audit insert)</li>
 * <li>15 % {@code GET /api/clients?page=n&size=20} (page + count)</li>
 * <li>10 % {@code PUT /api/clients/{id}} (update + audit insert)</li>
 * <li>10 % {@code POST /api/clients} (insert + audit insert)</li>
 * <li>20 % {@code GET /api/clients/slow?ms=400}</li>
 * </ul>
 * Think time: 0.5 to 1.5 s, uniform. A 2xx is a success; any other status, and no response
 * at all, is recorded as such (Gatling's report counts them as KO).
 *
 * @author PoolGuard
 */
public class LoadSimulation extends Simulation {

	/** Milliseconds the report-style request holds its connection. */
	static final int SLOW_MILLIS = 400;

	private static final Duration THINK_MIN = Duration.ofMillis(500);

	private static final Duration THINK_MAX = Duration.ofMillis(1500);

	/** Clients 1..9000 are read and updated; the rest are left to the business flow's reads. */
	private static final int UPDATABLE = 9000;

	public LoadSimulation() {
		LoadPlan plan = LoadPlan.current();
		List<PopulationBuilder> targets = new ArrayList<>();
		for (Target target : plan.targets()) {
			targets.add(oneAfterAnother(plan, target));
		}
		setUp(targets);
	}

	/**
	 * The plan's scenarios against one target, a.andThen(b.andThen(c...)), with the
	 * target's share of each scenario's users.
	 */
	private static PopulationBuilder oneAfterAnother(LoadPlan plan, Target target) {
		HttpProtocolBuilder protocol = http.baseUrl(target.baseUrl())
			.acceptHeader("application/json")
			.contentTypeHeader("application/json")
			// One pool of keep-alive connections for all users: a closed workload starts a
			// new virtual user per iteration, and a connection each would exhaust ports.
			.shareConnections()
			.disableCaching();
		int share = plan.targets().size();
		List<PopulationBuilder> populations = new ArrayList<>();
		for (Scenario scenario : plan.scenarios()) {
			String name = Target.recordedAs(scenario.name(), target.id());
			ChainBuilder iteration = switch (scenario.kind()) {
				case MIX -> mix(name);
				case FLOW -> flow(name);
			};
			int users = Math.max(1, scenario.users() / share);
			Duration hold = (scenario.hold() != null) ? scenario.hold() : plan.outage().total();
			List<ClosedInjectionStep> steps = new ArrayList<>();
			steps.add(rampConcurrentUsers(scenario.from() / share).to(users).during(scenario.rampUp()));
			steps.add(constantConcurrentUsers(users).during(hold));
			if (scenario.rampDownSeconds() > 0) {
				steps.add(rampConcurrentUsers(users).to(0).during(scenario.rampDownSeconds()));
			}
			populations.add(scenario(name).exec(iteration).injectClosed(steps).protocols(protocol));
		}
		PopulationBuilder chain = populations.get(populations.size() - 1);
		for (int i = populations.size() - 2; i >= 0; i--) {
			chain = populations.get(i).andThen(chain);
		}
		return chain;
	}

	private static ChainBuilder mix(String scenario) {
		return randomSwitch()
			.on(percent(45).then(timed(scenario, "get", http("get").get(session -> "/api/clients/" + randomId()))),
					percent(15).then(timed(scenario, "list",
							http("list").get(session -> "/api/clients?size=20&page=" + random(0, 499)))),
					percent(10).then(timed(scenario, "update",
							http("update").put(session -> "/api/clients/" + randomId()).body(
									io.gatling.javaapi.core.CoreDsl.StringBody(session -> clientJson("upd"))))),
					percent(10).then(timed(scenario, "create", http("create").post("/api/clients")
						.body(io.gatling.javaapi.core.CoreDsl.StringBody(session -> clientJson("new"))))),
					percent(20).then(timed(scenario, "slow", http("slow").get("/api/clients/slow?ms=" + SLOW_MILLIS))))
			.pause(THINK_MIN, THINK_MAX);
	}

	/**
	 * A user's visit: list, open one client, create a client, read it back, update it,
	 * delete it. Succeeds when every step answered 2xx (seed 004's "business flow success").
	 */
	private static ChainBuilder flow(String scenario) {
		Duration stepMin = Duration.ofMillis(200);
		Duration stepMax = Duration.ofMillis(600);
		return exec(session -> session.set("flowStart", System.currentTimeMillis())
			.set("flowNanos", System.nanoTime())
			.set("flowOk", true))
			.exec(timed(scenario, "list", http("list").get(session -> "/api/clients?size=20&page=" + random(0, 499))))
			.pause(stepMin, stepMax)
			.exec(timed(scenario, "get", http("get").get(session -> "/api/clients/" + randomId())))
			.pause(stepMin, stepMax)
			.exec(timed(scenario, "create",
					http("create").post("/api/clients")
						.body(io.gatling.javaapi.core.CoreDsl.StringBody(session -> clientJson("flow")))
						.check(io.gatling.javaapi.core.CoreDsl.jmesPath("id").optional().saveAs("createdId"))))
			.doIf(session -> session.contains("createdId"))
			.then(exec(pauseChain(stepMin, stepMax))
				.exec(timed(scenario, "get-created",
						http("get-created").get(session -> "/api/clients/" + session.getString("createdId"))))
				.pause(stepMin, stepMax)
				.exec(timed(scenario, "update-created",
						http("update-created").put(session -> "/api/clients/" + session.getString("createdId"))
							.body(io.gatling.javaapi.core.CoreDsl.StringBody(session -> clientJson("flowupd")))))
				.pause(stepMin, stepMax)
				.exec(timed(scenario, "delete-created",
						http("delete-created").delete(session -> "/api/clients/" + session.getString("createdId")))))
			.exec(session -> {
				boolean ok = session.getBoolean("flowOk") && session.contains("createdId");
				Recorder.record(scenario, Recorder.FLOW, session.getLong("flowStart"),
						(System.nanoTime() - session.getLong("flowNanos")) / 1000, ok ? 200 : Recorder.NO_RESPONSE);
				return session.remove("createdId");
			})
			.pause(THINK_MIN, THINK_MAX);
	}

	private static ChainBuilder pauseChain(Duration min, Duration max) {
		return exec(session -> session).pause(min, max);
	}

	/**
	 * The request, timed and recorded. The status is saved before it is checked, so that a
	 * 503 is both recorded as a 503 and counted as KO by Gatling.
	 */
	private static ChainBuilder timed(String scenario, String name, HttpRequestActionBuilder request) {
		return exec(session -> session.remove("status")
			.set("startMillis", System.currentTimeMillis())
			.set("startNanos", System.nanoTime()))
			.exec(request.check(status().saveAs("status"), status().in(200, 201, 204)))
			.exec(session -> {
				long elapsedMicros = (System.nanoTime() - session.getLong("startNanos")) / 1000;
				int status = session.contains("status") ? session.getInt("status") : Recorder.NO_RESPONSE;
				Recorder.record(scenario, name, session.getLong("startMillis"), elapsedMicros, status);
				if (status < 200 || status >= 300) {
					return session.set("flowOk", false);
				}
				return session;
			});
	}

	private static long randomId() {
		return random(1, UPDATABLE);
	}

	private static int random(int from, int to) {
		return ThreadLocalRandom.current().nextInt(from, to + 1);
	}

	private static String clientJson(String kind) {
		String unique = UUID.randomUUID().toString();
		return "{\"name\":\"Load " + kind + "\",\"email\":\"" + kind + "." + unique
				+ "@load.example.com\",\"phone\":\"+1 555 0100\"}";
	}

}
