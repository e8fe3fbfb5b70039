package dev.poolguard.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

/**
 * Every response of a Gatling run, as the harness needs them: Gatling's own log is binary
 * and its report aggregates away what the outage figures need (the responses that started
 * while the database was down, by status). Virtual users record into it from Gatling's
 * threads; the harness drains it after the run.
 *
 * @author PoolGuard
 */
final class Recorder {

	/** No HTTP response: connection error or Gatling's request timeout. */
	static final int NO_RESPONSE = 0;

	/** A business flow as a whole: status 200 when every step answered 2xx, else 0. */
	static final String FLOW = "flow";

	private static final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

	private static final ConcurrentHashMap<String, CompletableFuture<Long>> firstStarts = new ConcurrentHashMap<>();

	private Recorder() {
	}

	static void record(String scenario, String request, long startMillis, long elapsedMicros, int status) {
		samples.add(new Sample(scenario, request, startMillis, elapsedMicros, status));
		firstStarts.computeIfAbsent(scenario, (name) -> new CompletableFuture<>()).complete(startMillis);
	}

	/**
	 * Waits for the first response of a scenario.
	 * @return when the request it answers was sent
	 */
	static long awaitFirstStart(String scenario) throws InterruptedException {
		try {
			return firstStarts.computeIfAbsent(scenario, (name) -> new CompletableFuture<>()).get();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static List<Sample> drain() {
		firstStarts.clear();
		List<Sample> drained = new ArrayList<>();
		Sample sample;
		while ((sample = samples.poll()) != null) {
			drained.add(sample);
		}
		return drained;
	}

	/**
	 * One response.
	 * @param scenario the scenario's name
	 * @param request the request's name, or {@link #FLOW}
	 * @param startMillis wall-clock time the request was sent
	 * @param elapsedMicros time to the response (or the failure)
	 * @param status HTTP status, or {@link #NO_RESPONSE}
	 */
	record Sample(String scenario, String request, long startMillis, long elapsedMicros, int status) {

		long endMillis() {
			return this.startMillis + this.elapsedMicros / 1000;
		}

		double elapsedMillis() {
			return this.elapsedMicros / 1000.0;
		}

		boolean ok() {
			return this.status >= 200 && this.status < 300;
		}

	}

}
