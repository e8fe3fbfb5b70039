package dev.poolguard.benchmarks.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
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

import dev.poolguard.benchmarks.load.LoadPlan.Check;
import dev.poolguard.benchmarks.load.LoadPlan.Mode;
import dev.poolguard.benchmarks.load.LoadPlan.Scenario;
import dev.poolguard.benchmarks.load.LoadPlan.Target;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ClosedInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/**
 * The plan's scenario against its sample apps, in Gatling's Java DSL, judged by Gatling's
 * assertions. Every request is in its configuration's Gatling group, and while a fault is
 * on in the fault's group inside it, so that the assertions can name both. A 2xx or a 503
 * (PoolGuard's deliberate answer) passes Gatling's check; anything else is a failure.
 *
 * <p>
 * The mix: 45 % get a client (select + audit insert), 15 % list a page, 10 % update, 10 %
 * create, and 20 % a report that holds its connection 400 ms on the server (pg_sleep), so
 * that the mean hold time is about 80 ms, like seed 004's service's 100 ms (which is what
 * made 500 users need 40-50 connections). Think time 0.5 to 1.5 s.
 *
 * @author PoolGuard
 */
public class LoadSimulation extends Simulation {

	static final int SLOW_MILLIS = 400;

	private static final Duration THINK_MIN = Duration.ofMillis(500);

	private static final Duration THINK_MAX = Duration.ofMillis(1500);

	private static final Duration STEP_MIN = Duration.ofMillis(200);

	private static final Duration STEP_MAX = Duration.ofMillis(600);

	public LoadSimulation() {
		LoadPlan plan = LoadPlan.current();
		Scenario scenario = plan.scenario();
		List<PopulationBuilder> populations = new ArrayList<>();
		List<Assertion> assertions = new ArrayList<>();
		for (Target target : plan.targets()) {
			ChainBuilder iteration = scenario.flow() ? flow(target.id()) : mix(target.id());
			int users = (scenario.mode() == Mode.SIDE_BY_SIDE) ? scenario.users() / plan.targets().size()
					: scenario.users();
			List<ClosedInjectionStep> steps = new ArrayList<>();
			steps.add(rampConcurrentUsers(0).to(users).during(scenario.rampUp()));
			steps.add(constantConcurrentUsers(users).during(scenario.hold()));
			if (!scenario.rampDown().isZero()) {
				steps.add(rampConcurrentUsers(users).to(0).during(scenario.rampDown()));
			}
			populations.add(scenario(scenario.name() + " " + target.id()).exec(iteration)
				.injectClosed(steps)
				.protocols(http.baseUrl(target.baseUrl())
					.acceptHeader("application/json")
					.contentTypeHeader("application/json")
					// A closed workload starts a new virtual user per iteration: share connections.
					.shareConnections()
					.disableCaching()));
			if (target.asserted()) {
				scenario.checks().forEach((check) -> assertions.add(assertion(target.id(), check)));
			}
		}
		setUp(populations).assertions(assertions);
	}

	private static Assertion assertion(String id, Check check) {
		var path = (check.subgroup() == null) ? details(id) : details(id, check.subgroup());
		return switch (check.metric()) {
			case "errors" -> path.failedRequests().count().lte((long) check.limit());
			case "errors%" -> path.failedRequests().percent().lt(check.limit());
			case "p95" -> path.responseTime().percentile(95.0).lt((int) check.limit());
			default -> path.responseTime().max().lt((int) check.limit());
		};
	}

	private static ChainBuilder mix(String id) {
		return randomSwitch()
			.on(percent(45).then(timed(id, http("get").get((s) -> "/api/clients/" + random(1, 9000)))),
					percent(15).then(timed(id, http("list").get((s) -> "/api/clients?size=20&page=" + random(0, 499)))),
					percent(10).then(timed(id, http("update").put((s) -> "/api/clients/" + random(1, 9000))
						.body(StringBody((s) -> clientJson("upd"))))),
					percent(10).then(timed(id, http("create").post("/api/clients").body(StringBody((s) -> clientJson("new"))))),
					percent(20).then(timed(id, http("slow").get("/api/clients/slow?ms=" + SLOW_MILLIS))))
			.pause(THINK_MIN, THINK_MAX);
	}

	/** Seed 004's business flow: list, open a client, create one, read, update, delete it. */
	private static ChainBuilder flow(String id) {
		return exec(timed(id, http("list").get((s) -> "/api/clients?size=20&page=" + random(0, 499))))
			.pause(STEP_MIN, STEP_MAX)
			.exec(timed(id, http("get").get((s) -> "/api/clients/" + random(1, 9000))))
			.pause(STEP_MIN, STEP_MAX)
			.exec(timed(id, http("create").post("/api/clients")
				.body(StringBody((s) -> clientJson("flow")))
				.check(jmesPath("id").optional().saveAs("createdId"))))
			.doIf((s) -> s.contains("createdId"))
			.then(exec(timed(id, http("get-created").get("/api/clients/#{createdId}"))).pause(STEP_MIN, STEP_MAX)
				.exec(timed(id, http("update-created").put("/api/clients/#{createdId}")
					.body(StringBody((s) -> clientJson("flowupd")))))
				.pause(STEP_MIN, STEP_MAX)
				.exec(timed(id, http("delete-created").delete("/api/clients/#{createdId}"))))
			.exec((s) -> s.remove("createdId"))
			.pause(THINK_MIN, THINK_MAX);
	}

	/** The request in its groups, timed and recorded with its status (503s are counted apart). */
	private static ChainBuilder timed(String id, HttpRequestActionBuilder request) {
		ChainBuilder call = exec(request.check(status().saveAs("status"), status().in(200, 201, 204, 503)));
		return exec((s) -> {
			String fault = LoadPlan.faultGroup();
			return s.remove("status")
				.set("fault", (fault != null) ? fault : "")
				.set("startMillis", System.currentTimeMillis())
				.set("startNanos", System.nanoTime());
		}).doIfOrElse((s) -> s.getString("fault").isEmpty())
			.then(group(id).on(call))
			.orElse(group(id).on(group("#{fault}").on(call)))
			.exec((s) -> {
				int status = s.contains("status") ? s.getInt("status") : Recorder.NO_RESPONSE;
				Recorder.record(id, s.getLong("startMillis"), (System.nanoTime() - s.getLong("startNanos")) / 1000,
						status);
				return s;
			});
	}

	private static int random(int from, int to) {
		return ThreadLocalRandom.current().nextInt(from, to + 1);
	}

	private static String clientJson(String kind) {
		return "{\"name\":\"Load " + kind + "\",\"email\":\"" + kind + "." + UUID.randomUUID()
				+ "@load.example.com\",\"phone\":\"+1 555 0100\"}";
	}

}
