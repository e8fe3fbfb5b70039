package dev.poolguard.benchmarks.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import dev.poolguard.benchmarks.load.Recorder.Sample;

/**
 * Figures from recorded responses: per scenario, and for the outage.
 *
 * @author PoolGuard
 */
final class Analysis {

	private static final int BOOTSTRAP_RESAMPLES = 1000;

	private Analysis() {
	}

	static List<Sample> of(List<Sample> samples, String scenario) {
		return samples.stream().filter(s -> s.scenario().equals(scenario)).toList();
	}

	static List<Sample> requests(List<Sample> samples) {
		return samples.stream().filter(s -> !s.request().equals(Recorder.FLOW)).toList();
	}

	/**
	 * A scenario's figures: throughput, latency percentiles over all responses, and how
	 * the responses that were not 2xx divide.
	 */
	static Map<String, Object> scenario(List<Sample> scenarioSamples) {
		List<Sample> requests = requests(scenarioSamples);
		Map<String, Object> figures = new LinkedHashMap<>();
		if (requests.isEmpty()) {
			figures.put("requests", 0);
			return figures;
		}
		long start = requests.stream().mapToLong(Sample::startMillis).min().getAsLong();
		long end = requests.stream().mapToLong(Sample::endMillis).max().getAsLong();
		double seconds = Math.max(1, end - start) / 1000.0;
		Counts counts = Counts.of(requests);
		figures.put("requests", requests.size());
		figures.put("durationSeconds", round(seconds, 1));
		figures.put("throughputPerSecond", round(requests.size() / seconds, 1));
		figures.put("okPerSecond", round(counts.ok / seconds, 1));
		double[] all = latencies(requests);
		figures.put("p50Ms", round(percentile(all, 50), 1));
		figures.put("p95Ms", round(percentile(all, 95), 1));
		figures.put("p99Ms", round(percentile(all, 99), 1));
		figures.put("maxMs", round(all[all.length - 1], 1));
		double[] ok = latencies(requests.stream().filter(Sample::ok).toList());
		figures.put("okP95Ms", ok.length > 0 ? round(percentile(ok, 95), 1) : null);
		figures.put("ok", counts.ok);
		figures.put("status503", counts.s503);
		figures.put("status500", counts.s500);
		figures.put("otherStatus", counts.other);
		figures.put("noResponse", counts.none);
		// Errors: everything but 2xx and the deliberate 503s; shed: the 503s.
		figures.put("errorRatePercent", round(100.0 * (counts.s500 + counts.other + counts.none) / requests.size(), 3));
		figures.put("shedRatePercent", round(100.0 * counts.s503 / requests.size(), 3));
		figures.put("failedRatePercent", round(100.0 * (requests.size() - counts.ok) / requests.size(), 3));
		List<Sample> flows = scenarioSamples.stream().filter(s -> s.request().equals(Recorder.FLOW)).toList();
		if (!flows.isEmpty()) {
			long succeeded = flows.stream().filter(Sample::ok).count();
			figures.put("flows", flows.size());
			figures.put("flowSuccessPercent", round(100.0 * succeeded / flows.size(), 2));
		}
		return figures;
	}

	/**
	 * The endurance scenario's drift: p95 of its first and its last third.
	 */
	static Map<String, Object> drift(List<Sample> scenarioSamples) {
		List<Sample> requests = new ArrayList<>(requests(scenarioSamples));
		requests.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
		Map<String, Object> figures = new LinkedHashMap<>();
		int third = requests.size() / 3;
		if (third == 0) {
			return figures;
		}
		figures.put("firstThirdP95Ms", round(percentile(latencies(requests.subList(0, third)), 95), 1));
		figures.put("lastThirdP95Ms",
				round(percentile(latencies(requests.subList(requests.size() - third, requests.size())), 95), 1));
		return figures;
	}

	/**
	 * Minute by minute, from the first request: requests per second, p50, p95, p99 and
	 * the share of errors (neither 2xx nor 503).
	 */
	static List<Map<String, Object>> perMinute(List<Sample> scenarioSamples) {
		List<Sample> requests = requests(scenarioSamples);
		List<Map<String, Object>> minutes = new ArrayList<>();
		if (requests.isEmpty()) {
			return minutes;
		}
		long origin = requests.stream().mapToLong(Sample::startMillis).min().getAsLong();
		Map<Long, List<Sample>> byMinute = new TreeMap<>();
		for (Sample sample : requests) {
			byMinute.computeIfAbsent((sample.startMillis() - origin) / 60_000, (m) -> new ArrayList<>()).add(sample);
		}
		byMinute.forEach((minute, inMinute) -> {
			double[] sorted = latencies(inMinute);
			Counts counts = Counts.of(inMinute);
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("minute", minute + 1);
			figures.put("requests", inMinute.size());
			figures.put("throughputPerSecond", round(inMinute.size() / 60.0, 1));
			figures.put("p50Ms", round(percentile(sorted, 50), 1));
			figures.put("p95Ms", round(percentile(sorted, 95), 1));
			figures.put("p99Ms", round(percentile(sorted, 99), 1));
			figures.put("errorRatePercent",
					round(100.0 * (counts.s500 + counts.other + counts.none) / inMinute.size(), 3));
			minutes.add(figures);
		});
		return minutes;
	}

	/**
	 * The outage figures.
	 * @param samples the outage scenario's responses
	 * @param stopCommandAt when the database was told to stop
	 * @param stoppedAt when it was down: the outage's start
	 * @param acceptingAt when it accepted a connection again
	 */
	static Map<String, Object> outage(List<Sample> samples, long stopCommandAt, long stoppedAt, long acceptingAt) {
		List<Sample> requests = requests(samples);
		List<Sample> during = requests.stream()
			.filter(s -> s.startMillis() >= stoppedAt && s.startMillis() < acceptingAt)
			.toList();
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("downSeconds", round((acceptingAt - stoppedAt) / 1000.0, 2));
		figures.put("shutdownMs", stoppedAt - stopCommandAt);
		// Requests caught by the shutdown itself: running when it began, or sent while the
		// server was ending its sessions. No pool can save a statement the server ends.
		List<Sample> caught = requests.stream()
			.filter(s -> s.startMillis() < stoppedAt && s.endMillis() >= stopCommandAt)
			.toList();
		Counts caughtCounts = Counts.of(caught);
		figures.put("shutdownRequests", caught.size());
		figures.put("shutdownOk", caughtCounts.ok);
		figures.put("shutdown503", caughtCounts.s503);
		figures.put("shutdown500", caughtCounts.s500);
		figures.put("shutdownMaxMs",
				caught.isEmpty() ? null : round(caught.stream().mapToDouble(Sample::elapsedMillis).max().getAsDouble(), 1));
		Counts counts = Counts.of(during);
		figures.put("duringRequests", during.size());
		figures.put("during503", counts.s503);
		figures.put("during500", counts.s500);
		figures.put("duringNoResponse", counts.none);
		figures.put("duringOther", counts.other);
		figures.put("duringOk", counts.ok);
		if (!during.isEmpty()) {
			double[] latencies = latencies(during);
			figures.put("duringP50Ms", round(percentile(latencies, 50), 1));
			figures.put("duringP95Ms", round(percentile(latencies, 95), 1));
			figures.put("duringMaxMs", round(latencies[latencies.length - 1], 1));
			long within50 = during.stream().filter(s -> s.elapsedMicros() <= 50_000).count();
			figures.put("duringWithin50MsPercent", round(100.0 * within50 / during.size(), 2));
		}
		// Recovery: the first 2xx that completes after the database accepts connections
		// again; and the moment from which every response is a 2xx again.
		long firstOk = requests.stream()
			.filter(s -> s.ok() && s.endMillis() >= acceptingAt)
			.mapToLong(Sample::endMillis)
			.min()
			.orElse(-1);
		figures.put("recoveryFirstOkMs", firstOk < 0 ? null : firstOk - acceptingAt);
		long lastFailure = requests.stream()
			.filter(s -> !s.ok() && s.endMillis() >= acceptingAt)
			.mapToLong(Sample::endMillis)
			.max()
			.orElse(acceptingAt);
		figures.put("recoveryAllOkMs", lastFailure - acceptingAt);
		long failedAfter = requests.stream().filter(s -> !s.ok() && s.endMillis() >= acceptingAt).count();
		figures.put("failuresAfterAccepting", failedAfter);
		return figures;
	}

	/**
	 * How much higher one configuration's p95 is than another's, with a 95 % bootstrap
	 * interval: each run is one sample of a noisy process, and two p95s a fraction of a
	 * millisecond apart may differ by chance alone.
	 * @param candidate the responses of the configuration judged
	 * @param reference the responses of the configuration it is judged against
	 * @param seed the random seed, so that a summary can be recomputed exactly
	 */
	static Map<String, Object> p95Difference(List<Sample> candidate, List<Sample> reference, long seed) {
		double[] c = latencies(requests(candidate));
		double[] r = latencies(requests(reference));
		Map<String, Object> figures = new LinkedHashMap<>();
		if (c.length == 0 || r.length == 0) {
			return figures;
		}
		SplittableRandom random = new SplittableRandom(seed);
		double[] differences = new double[BOOTSTRAP_RESAMPLES];
		for (int i = 0; i < differences.length; i++) {
			differences[i] = resampledPercentile(c, 95, random) - resampledPercentile(r, 95, random);
		}
		Arrays.sort(differences);
		figures.put("differenceMs", round(percentile(c, 95) - percentile(r, 95), 2));
		figures.putAll(verdict(percentile(r, 95), percentile(differences, 2.5), percentile(differences, 97.5)));
		return figures;
	}

	/**
	 * How much higher (c)'s p95 may be than the reference's and still count as no worse:
	 * 5 % of the reference's p95, and never more than 1 ms. Fixed before the runs it judges
	 * (docs/benchmarks.md, "How the p95 targets are judged"): 5 % is about the smallest
	 * change a latency dashboard shows apart from its own wobble, and the 1 ms cap keeps a
	 * 400 ms p95 from hiding a cost of several milliseconds on every request.
	 */
	static double noWorseMarginMs(double referenceP95Ms) {
		return Math.min(1.0, 0.05 * referenceP95Ms);
	}

	/**
	 * Judges an interval of (c)'s p95 minus the reference's against the margin: no worse
	 * when all of it is within the margin, worse when all of it is beyond, and undecided
	 * when the measurement cannot tell.
	 */
	static Map<String, Object> verdict(double referenceP95Ms, double intervalLowMs, double intervalHighMs) {
		double margin = noWorseMarginMs(referenceP95Ms);
		Map<String, Object> verdict = new LinkedHashMap<>();
		verdict.put("intervalLowMs", round(intervalLowMs, 2));
		verdict.put("intervalHighMs", round(intervalHighMs, 2));
		verdict.put("marginMs", round(margin, 3));
		verdict.put("verdict", (intervalHighMs <= margin) ? "no worse" : (intervalLowMs > margin) ? "worse" : "undecided");
		return verdict;
	}

	/**
	 * (c)'s p95 against the better of (a) and (b) over repeated rounds. The better one is
	 * the one with the lower median p95; then each round pairs (c) with it, and the
	 * distribution-free interval of the median difference (order statistics of the
	 * differences: 94 % with 5 rounds, 96 % with 9, 95 % with 17) is judged against the
	 * margin. With fewer than 5 rounds the verdict is undecided.
	 * @param rounds per configuration, the figures of each round in order
	 */
	static Map<String, Object> roundsComparison(Map<String, List<Map<String, Object>>> rounds) {
		Map<String, Object> comparison = new LinkedHashMap<>();
		Map<String, Object> medians = new LinkedHashMap<>();
		rounds.forEach((id, figures) -> medians.put(id, round(median(p95s(figures)), 2)));
		comparison.put("medianP95Ms", medians);
		if (!rounds.keySet().containsAll(List.of("a", "b", "c"))) {
			return comparison;
		}
		String against = ((Double) medians.get("a") <= (Double) medians.get("b")) ? "a" : "b";
		double[] c = p95s(rounds.get("c"));
		double[] reference = p95s(rounds.get(against));
		int n = Math.min(c.length, reference.length);
		if (n == 0) {
			return comparison;
		}
		double[] differences = new double[n];
		int slower = 0;
		for (int i = 0; i < n; i++) {
			differences[i] = round(c[i] - reference[i], 2);
			slower += (differences[i] > 0) ? 1 : 0;
		}
		double[] sorted = differences.clone();
		Arrays.sort(sorted);
		// The interval [d(j), d(n+1-j)] misses the median with probability 2 P(X < j),
		// X ~ Binomial(n, 1/2): take the widest cut j that keeps that within 5 %.
		int cut = 1;
		while (cut < n / 2 && atMost(cut, n) <= 0.025) {
			cut++;
		}
		comparison.put("against", against);
		comparison.put("differencesMs", Arrays.stream(differences).boxed().toList());
		comparison.put("medianDifferenceMs", round(median(differences), 2));
		comparison.put("roundsSlower", slower);
		double confidence = 100 * (1 - 2 * atMost(cut - 1, n));
		comparison.put("confidencePercent", round(confidence, 1));
		comparison.putAll(verdict(median(reference), sorted[cut - 1], sorted[n - cut]));
		if (confidence < 90) {
			// Fewer than 5 rounds: the interval says too little to judge on.
			comparison.put("verdict", "undecided");
		}
		return comparison;
	}

	private static double[] p95s(List<Map<String, Object>> figures) {
		return figures.stream().mapToDouble((f) -> ((Number) f.get("p95Ms")).doubleValue()).toArray();
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		return (n == 0) ? Double.NaN : (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	/** P(X <= k) for X ~ Binomial(n, 1/2). */
	private static double atMost(int k, int n) {
		double p = 0;
		double choose = 1;
		for (int i = 0; i <= k; i++) {
			p += choose / Math.pow(2, n);
			choose = choose * (n - i) / (i + 1);
		}
		return p;
	}

	/**
	 * The percentile of a resample, with replacement, of sorted values: the order
	 * statistics of a resample are those of its sorted indices.
	 */
	private static double resampledPercentile(double[] sorted, double percentile, SplittableRandom random) {
		int[] indices = new int[sorted.length];
		for (int i = 0; i < indices.length; i++) {
			indices[i] = random.nextInt(sorted.length);
		}
		Arrays.sort(indices);
		int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
		return sorted[indices[Math.max(0, Math.min(sorted.length - 1, rank - 1))]];
	}

	static double[] latencies(List<Sample> samples) {
		double[] values = samples.stream().mapToDouble(Sample::elapsedMillis).toArray();
		Arrays.sort(values);
		return values;
	}

	/** Nearest-rank percentile of sorted values. */
	static double percentile(double[] sorted, double percentile) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

	static final class Counts {

		long ok;

		long s503;

		long s500;

		long other;

		long none;

		static Counts of(List<Sample> samples) {
			Counts counts = new Counts();
			for (Sample sample : samples) {
				if (sample.ok()) {
					counts.ok++;
				}
				else if (sample.status() == 503) {
					counts.s503++;
				}
				else if (sample.status() == 500) {
					counts.s500++;
				}
				else if (sample.status() == Recorder.NO_RESPONSE) {
					counts.none++;
				}
				else {
					counts.other++;
				}
			}
			return counts;
		}

	}

}
