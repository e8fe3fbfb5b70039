package dev.poolguard.benchmarks;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The few numbers the acquisition benchmarks exist for: each pool's time per cycle at
 * each thread count, and its time as a multiple of raw HikariCP's, against PoolGuard's
 * target of {@value #TARGET_RATIO}. For throughput the ratio is inverted (HikariCP's
 * throughput over the pool's), so that every ratio reads as "times as long per cycle".
 * Throughput in ops/ns, JMH's unit with the benchmarks' nanoseconds, is shown in ops/us.
 *
 * <p>
 * JMH prints every score, but the question is a ratio, and eyeballing a ratio of two
 * scores with error bars is where mistakes happen. The ratio's error is the usual
 * first-order propagation of both scores' relative errors: an estimate, good enough to
 * tell "clearly below the target" from "too close to call". When JMH's {@code gc}
 * profiler ran, the bytes allocated per cycle are shown too.
 *
 * @author PoolGuard
 */
final class ResultSummary {

	/**
	 * PoolGuard's time per cycle may be at most this multiple of raw HikariCP's.
	 */
	static final double TARGET_RATIO = 1.25;

	private static final String BASELINE = "hikari";

	private static final String ALLOCATION = "gc.alloc.rate.norm";

	private final List<Row> rows;

	ResultSummary(Collection<RunResult> results) {
		List<Row> unsorted = results.stream().map(Row::of).toList();
		// Pools in the order JMH ran them, i.e. the order of the @Param values.
		List<String> pools = unsorted.stream().map(Row::pool).distinct().toList();
		this.rows = unsorted.stream()
			.sorted(Comparator.comparingInt((Row row) -> (row.mode() == Mode.AverageTime) ? 0 : 1)
				.thenComparing(Row::mode)
				.thenComparingInt(Row::threads)
				.thenComparingInt((row) -> pools.indexOf(row.pool())))
			.toList();
	}

	String render() {
		StringBuilder out = new StringBuilder();
		out.append("Acquisition overhead: one getConnection()/close() cycle (JMH score ± 99.9% error)\n");
		out.append(String.format(Locale.ROOT, "%-22s %-6s %8s %14s %12s %14s %10s%n", "pool", "mode", "threads",
				"score", "± error", "unit", "B/op"));
		for (Row row : this.rows) {
			out.append(String.format(Locale.ROOT, "%-22s %-6s %8d %14.3f %12.3f %14s %10s%n", row.pool(),
					row.mode().shortLabel(), row.threads(), row.score(), row.error(), row.unit(),
					row.bytesPerOp().map((bytes) -> String.format(Locale.ROOT, "%.1f", bytes)).orElse("-")));
		}
		out.append(String.format(Locale.ROOT, "%nTime per cycle / raw HikariCP's (target for poolguard <= %.2f)%n",
				TARGET_RATIO));
		Map<String, Row> byKey = new TreeMap<>();
		for (Row row : this.rows) {
			byKey.put(row.key(), row);
		}
		for (Row row : this.rows) {
			Row hikari = byKey.get(Row.key(row.mode(), row.threads(), BASELINE));
			if (BASELINE.equals(row.pool()) || hikari == null) {
				continue;
			}
			Ratio ratio = Ratio.of(row, hikari);
			out.append(String.format(Locale.ROOT, "  %-22s %-6s %2d thread%s: %6.3f ± %.3f  %s%n", row.pool(),
					row.mode().shortLabel(), row.threads(), (row.threads() == 1) ? " " : "s", ratio.value(),
					ratio.error(), verdict(ratio)));
		}
		return out.toString();
	}

	private static String verdict(Ratio ratio) {
		if (ratio.value() + ratio.error() <= TARGET_RATIO) {
			return "meets the target";
		}
		if (ratio.value() - ratio.error() > TARGET_RATIO) {
			return "MISSES the target";
		}
		return (ratio.value() <= TARGET_RATIO) ? "meets the target (within error)"
				: "misses the target (within error)";
	}

	/**
	 * One pool at one thread count.
	 */
	record Row(String pool, Mode mode, int threads, double score, double error, String unit,
			Optional<Double> bytesPerOp) {

		static Row of(RunResult result) {
			Result<?> primary = result.getPrimaryResult();
			// JMH names it "gc.alloc.rate.norm" (older versions prefix a "·").
			Result<?> allocation = result.getSecondaryResults().entrySet().stream()
				.filter((secondary) -> secondary.getKey().endsWith(ALLOCATION))
				.map(Map.Entry::getValue)
				.findFirst()
				.orElse(null);
			double scale = "ops/ns".equals(primary.getScoreUnit()) ? 1000 : 1;
			String unit = (scale == 1) ? primary.getScoreUnit() : "ops/us";
			return new Row(result.getParams().getParam("pool"), result.getParams().getMode(),
					result.getParams().getThreads(), primary.getScore() * scale,
					finite(primary.getScoreError()) * scale, unit,
					Optional.ofNullable(allocation).map(Result::getScore));
		}

		String key() {
			return key(this.mode, this.threads, this.pool);
		}

		static String key(Mode mode, int threads, String pool) {
			return mode.shortLabel() + "/" + threads + "/" + pool;
		}

		private static double finite(double error) {
			// JMH reports NaN as the error of a single iteration.
			return Double.isFinite(error) ? error : 0;
		}

	}

	/**
	 * A pool's time per cycle over raw HikariCP's: for throughput the scores are inverted.
	 */
	record Ratio(double value, double error) {

		static Ratio of(Row guarded, Row hikari) {
			double value = (guarded.mode() == Mode.Throughput) ? hikari.score() / guarded.score()
					: guarded.score() / hikari.score();
			double relative = Math.hypot(guarded.error() / guarded.score(), hikari.error() / hikari.score());
			return new Ratio(value, value * relative);
		}

	}

}
