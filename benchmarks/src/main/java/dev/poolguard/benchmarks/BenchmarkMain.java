package dev.poolguard.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the acquisition benchmark once per thread count, in one command, and writes all
 * results to one JMH JSON file followed by a summary with PoolGuard's ratio to raw
 * HikariCP.
 *
 * <p>
 * JMH runs one thread count per invocation, and two JSON files would need merging by a
 * tool the machine might not have; through JMH's own API the runs share one process and
 * their results one JSON array, in JMH's format. Arguments:
 * {@code --threads 1,4} and {@code --result FILE} are this class's; everything else is
 * JMH's command line ({@code -f}, {@code -wi}, {@code -prof gc}, {@code -p pool=...},
 * benchmark patterns), applied to every run.
 *
 * @author PoolGuard
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		List<Integer> threadCounts = List.of(1, 4);
		Path resultFile = Path.of("benchmarks/target/jmh-result.json");
		List<String> jmhArgs = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--threads" -> threadCounts = parseThreads(valueOf(args, ++i, "--threads"));
				case "--result" -> resultFile = Path.of(valueOf(args, ++i, "--result"));
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
		System.out.print(new ResultSummary(results).render());
		System.out.println("JMH results (JSON): " + resultFile);
	}

	private static String valueOf(String[] args, int index, String option) {
		if (index >= args.length) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args[index];
	}

	private static List<Integer> parseThreads(String list) {
		return Arrays.stream(list.split(",")).map(String::trim).filter((count) -> !count.isEmpty())
			.map(Integer::valueOf)
			.toList();
	}

}
