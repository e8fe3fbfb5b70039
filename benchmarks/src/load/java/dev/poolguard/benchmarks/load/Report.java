package dev.poolguard.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.poolguard.benchmarks.load.LoadHarness.Run;
import dev.poolguard.benchmarks.load.Recorder.Sample;

/**
 * The targets of issue #6, the charts, and the generated part of docs/benchmarks.md (between
 * its markers; the rest of the file, such as the JMH section, is left as it is).
 *
 * @author PoolGuard
 */
final class Report {

	private static final List<String> SCENARIOS = List.of("baseline", "peak", "spike", "endurance", "business",
			"outage");

	/** The scenario whose p95s are a few milliseconds: judged side by side when the run has it. */
	static final String SIDE_BY_SIDE_SCENARIO = "business";

	private Report() {
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (value instanceof Map<?, ?> m) ? (Map<String, Object>) m : Map.of();
	}

	private static double num(Object value) {
		return (value instanceof Number n) ? n.doubleValue() : Double.NaN;
	}

	/**
	 * Issue #6's targets for (c), each with the figures it was judged on.
	 */
	static List<Object> targets(Map<String, Object> summary) {
		List<Object> targets = new ArrayList<>();
		Map<String, Object> scenarios = map(summary.get("scenarios"));
		Map<String, Object> peak = map(scenarios.get("peak"));
		if (peak.containsKey("c")) {
			Map<String, Object> c = map(peak.get("c"));
			double errors = num(c.get("errorRatePercent"));
			targets.add(target("(c) at 500 users: no errors other than deliberate 503s", errors == 0,
					String.format(Locale.ROOT, "errors %.3f %%, 503s %.3f %%", errors, num(c.get("shedRatePercent")))));
		}
		Map<String, Object> comparison = map(summary.get("p95Comparison"));
		Map<String, Object> sideBySide = map(map(summary.get("sideBySide")).get("comparison"));
		for (String scenario : SCENARIOS) {
			String target = "(c) p95 no worse than the better of (a) and (b): " + scenario;
			if (scenario.equals(SIDE_BY_SIDE_SCENARIO) && sideBySide.containsKey("verdict")) {
				Object against = sideBySide.get("against");
				targets.add(judged(target, String.format(Locale.ROOT,
						"side by side, %d rounds: median (c) %.2f ms vs %.2f ms (%s): median difference %+.2f ms, %.0f %%",
						((List<?>) sideBySide.get("differencesMs")).size(), num(map(sideBySide.get("medianP95Ms")).get("c")),
						num(map(sideBySide.get("medianP95Ms")).get(against)), against,
						num(sideBySide.get("medianDifferenceMs")), num(sideBySide.get("confidencePercent"))), sideBySide));
				continue;
			}
			Map<String, Object> per = map(scenarios.get(scenario));
			Map<String, Object> difference = map(comparison.get(scenario));
			if (per.containsKey("c") && difference.containsKey("against")) {
				String against = (String) difference.get("against");
				double c = num(map(per.get("c")).get("p95Ms"));
				double better = num(map(per.get(against)).get("p95Ms"));
				targets.add(judged(target, String.format(Locale.ROOT, "(c) %.1f ms vs %.1f ms (%s): %+.1f ms, 95 %% bootstrap",
						c, better, against, c - better), difference));
			}
		}
		Map<String, Object> outage = map(map(map(scenarios.get("outage")).get("c")).get("outage"));
		if (!outage.isEmpty()) {
			double max = num(outage.get("duringMaxMs"));
			targets.add(target("(c) during the outage every response in <= 50 ms", max <= 50, String.format(
					Locale.ROOT,
					"max %.1f ms, p95 %.1f ms, %s %% within 50 ms; caught by the %.0f ms shutdown: %.0f requests, "
							+ "%.0f of them 500, slowest %.1f ms",
					max, num(outage.get("duringP95Ms")), outage.get("duringWithin50MsPercent"),
					num(outage.get("shutdownMs")), num(outage.get("shutdownRequests")),
					num(outage.get("shutdown500")), num(outage.get("shutdownMaxMs")))));
			double recovery = num(outage.get("recoveryFirstOkMs"));
			targets.add(target("(c) recovery <= 2 s after the database accepts connections", recovery <= 2000,
					String.format(Locale.ROOT, "first 2xx after %.0f ms; every response 2xx again after %.0f ms",
							recovery, num(outage.get("recoveryAllOkMs")))));
		}
		Map<String, Object> limit = map(summary.get("physicalLimit"));
		if (!limit.isEmpty()) {
			double ratio = num(limit.get("poolguardToPgbench"));
			targets.add(target("PoolGuard >= 0.9 x pgbench's transactions per second", ratio >= 0.9,
					String.format(Locale.ROOT, "%.0f vs %.0f tps = %.3f", num(limit.get("poolguardTps")),
							num(limit.get("pgbenchTps")), ratio)));
		}
		return targets;
	}

	/**
	 * A p95 target, met when {@link Analysis#verdict} says no worse.
	 * @param measured what was compared, up to the name of the interval
	 */
	private static Map<String, Object> judged(String name, String measured, Map<String, Object> verdict) {
		return target(name, "no worse".equals(verdict.get("verdict")), measured + String.format(Locale.ROOT,
				" interval %+.2f to %+.2f ms, margin %.2f ms: %s", num(verdict.get("intervalLowMs")),
				num(verdict.get("intervalHighMs")), num(verdict.get("marginMs")), verdict.get("verdict")));
	}

	private static Map<String, Object> target(String name, boolean met, String figures) {
		Map<String, Object> target = new LinkedHashMap<>();
		target.put("target", name);
		target.put("met", met);
		target.put("figures", figures);
		return target;
	}

	static void charts(Map<String, Object> summary, Map<String, Run> runs, Path dir) throws IOException {
		Files.createDirectories(dir);
		Map<String, Object> scenarios = map(summary.get("scenarios"));
		List<String> ids = new ArrayList<>(runs.keySet());
		for (String scenario : SCENARIOS) {
			Map<String, Object> per = map(scenarios.get(scenario));
			if (per.isEmpty()) {
				continue;
			}
			List<String> labels = new ArrayList<>();
			List<Map<String, Object>> figures = new ArrayList<>();
			for (String id : ids) {
				labels.add(label(id));
				figures.add(map(per.get(id)));
			}
			Charts.percentiles(dir.resolve("latency-" + scenario + ".png"), scenario, labels, figures);
		}
		List<String> outageLabels = new ArrayList<>();
		List<List<Sample>> outageSamples = new ArrayList<>();
		List<long[]> windows = new ArrayList<>();
		for (Map.Entry<String, Run> entry : runs.entrySet()) {
			Run run = entry.getValue();
			List<Sample> measured = run.samples().stream().filter(s -> !s.scenario().equals(LoadPlan.WARMUP)).toList();
			long origin = measured.stream().mapToLong(Sample::startMillis).min().orElse(0);
			Charts.timeline(dir.resolve("timeline-" + entry.getKey() + ".png"),
					label(entry.getKey()) + ": responses per second, all scenarios in turn", measured, origin,
					run.stoppedAt(), run.acceptingAt());
			List<Sample> outage = Analysis.of(run.samples(), "outage");
			if (!outage.isEmpty() && run.stoppedAt() > 0) {
				long outageOrigin = outage.stream().mapToLong(Sample::startMillis).min().orElse(0);
				Charts.timeline(dir.resolve("outage-" + entry.getKey() + ".png"),
						label(entry.getKey()) + ": outage, responses per second (database down shaded)", outage,
						outageOrigin, run.stoppedAt(), run.acceptingAt());
				outageLabels.add(label(entry.getKey()));
				outageSamples.add(outage);
				windows.add(new long[] { run.stoppedAt(), run.acceptingAt() });
			}
		}
		if (!outageSamples.isEmpty()) {
			Charts.outageLatency(dir.resolve("outage-latency.png"), outageLabels, outageSamples, windows);
		}
	}

	private static String label(String id) {
		return switch (id) {
			case "a" -> "(a) Boot defaults";
			case "b" -> "(b) pool 50";
			case "c" -> "(c) PoolGuard";
			default -> id;
		};
	}

	static void markdown(Map<String, Object> summary, Path file) throws IOException {
		section(file, "load-harness", "benchmarks/run.sh", Markdown.render(summary));
	}

	/**
	 * Replaces a generated section of a file, between its marker comments, or appends it
	 * with its markers.
	 * @param name the section's name in its markers
	 * @param command the command that generates it, named in its first marker
	 */
	static void section(Path file, String name, String command, String content) throws IOException {
		String begin = "<!-- " + name + ":begin (generated by " + command + "; edits here are overwritten) -->";
		String end = "<!-- " + name + ":end -->";
		String generated = begin + "\n" + content + end + "\n";
		String existing = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
		int from = existing.indexOf(begin);
		int to = existing.indexOf(end);
		String updated;
		if (from >= 0 && to > from) {
			updated = existing.substring(0, from) + generated + existing.substring(to + end.length()).replaceFirst("^\n", "");
		}
		else {
			updated = existing.stripTrailing() + "\n\n" + generated;
		}
		Files.writeString(file, updated);
	}

}
