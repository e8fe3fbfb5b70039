package dev.poolguard.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the acquisition benchmarks once per thread count ({@code --threads 1,4}) in one
 * process, writes all results to one JMH JSON file ({@code --result FILE}), and prints each
 * pool's time per cycle as a multiple of raw HikariCP's (for throughput, HikariCP's over the
 * pool's; error by first-order propagation). Other arguments are JMH's command line.
 *
 * @author PoolGuard
 */
public final class BenchmarkMain {

	/** PoolGuard's time per cycle may be at most this multiple of raw HikariCP's. */
	static final double TARGET_RATIO = 1.25;

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		List<Integer> threadCounts = List.of(1, 4);
		Path resultFile = Path.of("benchmarks/target/jmh-result.json");
		List<String> jmhArgs = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).map(String::trim)
					.map(Integer::valueOf)
					.toList();
				case "--result" -> resultFile = Path.of(args[++i]);
				default -> jmhArgs.add(args[i]);
			}
		}
		CommandLineOptions commandLine = new CommandLineOptions(jmhArgs.toArray(String[]::new));
		List<RunResult> results = new ArrayList<>();
		for (int threads : threadCounts) {
			ChainedOptionsBuilder options = new OptionsBuilder().parent(commandLine).threads(threads);
			if (commandLine.getIncludes().isEmpty()) {
				options.include(ConnectionCycleBenchmark.class.getName());
			}
			results.addAll(new Runner(options.build()).run());
		}
		Path parent = resultFile.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		ResultFormatFactory.getInstance(ResultFormatType.JSON, resultFile.toString()).writeOut(results);
		System.out.println();
		System.out.print(summary(results));
		System.out.println("JMH results (JSON): " + resultFile);
	}

	/** Every score (B/op with {@code -prof gc}), then every pool's ratio to raw HikariCP. */
	static String summary(List<RunResult> results) {
		StringBuilder out = new StringBuilder(
				String.format(Locale.ROOT, "%-12s %-6s %8s %12s %10s %8s%n", "pool", "mode", "threads", "score",
						"± error", "B/op"));
		for (RunResult result : results) {
			Result<?> primary = result.getPrimaryResult();
			out.append(String.format(Locale.ROOT, "%-12s %-6s %8d %12.3f %10.3f %8s  %s%n", pool(result),
					result.getParams().getMode().shortLabel(), result.getParams().getThreads(), score(result),
					error(result), result.getSecondaryResults().entrySet().stream()
						.filter((secondary) -> secondary.getKey().endsWith("gc.alloc.rate.norm"))
						.map((secondary) -> String.format(Locale.ROOT, "%.0f", secondary.getValue().getScore()))
						.findFirst()
						.orElse("-"),
					primary.getScoreUnit().equals("ops/ns") ? "ops/us" : primary.getScoreUnit()));
		}
		out.append(String.format(Locale.ROOT, "%nTime per cycle / raw HikariCP's (target <= %.2f)%n", TARGET_RATIO));
		for (RunResult result : results) {
			RunResult hikari = results.stream()
				.filter((other) -> pool(other).equals("hikari")
						&& other.getParams().getMode() == result.getParams().getMode()
						&& other.getParams().getThreads() == result.getParams().getThreads()
						&& other.getParams().getBenchmark().equals(result.getParams().getBenchmark()))
				.findFirst()
				.orElse(null);
			if (hikari == null || hikari == result) {
				continue;
			}
			boolean throughput = result.getParams().getMode() == Mode.Throughput;
			double ratio = throughput ? score(hikari) / score(result) : score(result) / score(hikari);
			double error = ratio * Math.hypot(error(result) / score(result), error(hikari) / score(hikari));
			String verdict = (ratio + error <= TARGET_RATIO) ? "meets the target"
					: (ratio - error > TARGET_RATIO) ? "MISSES the target"
							: (ratio <= TARGET_RATIO) ? "meets the target (within error)"
									: "misses the target (within error)";
			out.append(String.format(Locale.ROOT, "  %-12s %-6s %2d threads: %6.3f ± %.3f  %s%n", pool(result),
					result.getParams().getMode().shortLabel(), result.getParams().getThreads(), ratio, error,
					verdict));
		}
		return out.toString();
	}

	private static String pool(RunResult result) {
		return result.getParams().getParam("pool");
	}

	/** Throughput in ops/us rather than JMH's ops/ns, time in ns/op. */
	private static double score(RunResult result) {
		Result<?> primary = result.getPrimaryResult();
		return primary.getScore() * (primary.getScoreUnit().equals("ops/ns") ? 1000 : 1);
	}

	private static double error(RunResult result) {
		Result<?> primary = result.getPrimaryResult();
		// JMH reports NaN as the error of a single iteration.
		double error = Double.isFinite(primary.getScoreError()) ? primary.getScoreError() : 0;
		return error * (primary.getScoreUnit().equals("ops/ns") ? 1000 : 1);
	}

}
