package dev.poolguard.benchmarks.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

/**
 * Every response of a Gatling run with its HTTP status (Gatling's check passes 2xx and 503
 * alike), and the figures of summary.json computed from them.
 *
 * @author PoolGuard
 */
final class Recorder {

	/** No HTTP response: connection error or Gatling's request timeout. */
	static final int NO_RESPONSE = 0;

	private static final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();

	private static volatile CompletableFuture<Long> firstStart = new CompletableFuture<>();

	private Recorder() {
	}

	static void record(String id, long startMillis, long elapsedMicros, int status) {
		samples.add(new Sample(id, startMillis, elapsedMicros, status));
		firstStart.complete(startMillis);
	}

	/** Waits for the run's first response and returns when its request was sent. */
	static long awaitFirstStart() throws InterruptedException {
		try {
			return firstStart.get();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static List<Sample> drain() {
		firstStart = new CompletableFuture<>();
		List<Sample> drained = new ArrayList<>();
		for (Sample sample; (sample = samples.poll()) != null;) {
			drained.add(sample);
		}
		return drained;
	}

	/** Throughput, latency percentiles, errors and 503s of one configuration's responses. */
	static Map<String, Object> figures(List<Sample> responses) {
		Map<String, Object> figures = new LinkedHashMap<>();
		if (responses.isEmpty()) {
			return figures;
		}
		long from = responses.stream().mapToLong(Sample::startMillis).min().orElse(0);
		long to = responses.stream().mapToLong(Sample::endMillis).max().orElse(from);
		double seconds = Math.max(1, to - from) / 1000.0;
		long ok = responses.stream().filter(Sample::ok).count();
		long unavailable = responses.stream().filter((s) -> s.status() == 503).count();
		long[] micros = responses.stream().mapToLong(Sample::elapsedMicros).sorted().toArray();
		figures.put("requests", responses.size());
		figures.put("requestsPerSecond", round(responses.size() / seconds, 1));
		figures.put("okPerSecond", round(ok / seconds, 1));
		figures.put("p50Ms", millis(micros, 50));
		figures.put("p95Ms", millis(micros, 95));
		figures.put("p99Ms", millis(micros, 99));
		figures.put("maxMs", round(micros[micros.length - 1] / 1000.0, 1));
		figures.put("errorsPercent", percent(responses.size() - ok - unavailable, responses.size()));
		figures.put("status503Percent", percent(unavailable, responses.size()));
		return figures;
	}

	/** The requests sent during a fault [from, to), and how soon after it a request succeeded. */
	static Map<String, Object> fault(List<Sample> responses, long from, long to) {
		List<Sample> during = responses.stream()
			.filter((s) -> s.startMillis() >= from && s.startMillis() < to)
			.toList();
		Map<String, Object> figures = figures(during);
		figures.put("within50MsPercent",
				percent(during.stream().filter((s) -> s.elapsedMicros() <= 50_000).count(), during.size()));
		figures.put("faultSeconds", round((to - from) / 1000.0, 1));
		figures.put("firstOkAfterMs", responses.stream()
			.filter((s) -> s.ok() && s.endMillis() >= to)
			.mapToLong((s) -> s.endMillis() - to)
			.min()
			.orElse(-1));
		return figures;
	}

	/** Nearest-rank percentile of sorted microseconds, in milliseconds. */
	private static double millis(long[] sortedMicros, double percentile) {
		int rank = (int) Math.ceil(percentile / 100 * sortedMicros.length);
		return round(sortedMicros[Math.max(0, rank - 1)] / 1000.0, 2);
	}

	private static double percent(long part, long whole) {
		return (whole == 0) ? 0 : round(100.0 * part / whole, 3);
	}

	static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

	static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/** One response: configuration, when sent (epoch ms), time to the response, HTTP status. */
	record Sample(String id, long startMillis, long elapsedMicros, int status) {

		long endMillis() {
			return this.startMillis + this.elapsedMicros / 1000;
		}

		boolean ok() {
			return this.status >= 200 && this.status < 300;
		}

	}

}
