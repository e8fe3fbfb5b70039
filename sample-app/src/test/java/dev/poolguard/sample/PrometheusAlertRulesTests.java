package dev.poolguard.sample;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped alert rules, checked and unit-tested by Prometheus' own {@code promtool}:
 * {@code docs/prometheus/poolguard-alerts.test.yml} makes each alert fire on its condition
 * and stay quiet below it, including the 400 ms alerts with and without a 0.4 s bucket.
 * Runs where {@code promtool} is on the {@code PATH} (Debian package {@code prometheus};
 * {@code .ci/run} installs it where it can), skipped with that reason elsewhere.
 */
@EnabledIf(value = "promtoolInstalled",
		disabledReason = "promtool is not on the PATH (Debian/Ubuntu: apt-get install prometheus)")
class PrometheusAlertRulesTests {

	private static final Path RULES = Path.of("..", "docs", "prometheus");

	@Test
	void alertRulesAreValid() throws Exception {
		assertPromtoolPasses("check", "rules", "poolguard-alerts.yml");
	}

	@Test
	void alertRuleUnitTestsPass() throws Exception {
		assertPromtoolPasses("test", "rules", "poolguard-alerts.test.yml");
	}

	private static void assertPromtoolPasses(String... arguments) throws IOException, InterruptedException {
		Path output = Files.createTempFile("promtool", ".log");
		List<String> command = new ArrayList<>(List.of(promtool().toString()));
		command.addAll(List.of(arguments));
		Process promtool = new ProcessBuilder(command).directory(RULES.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		String log = Files.readString(output, StandardCharsets.UTF_8);
		assertThat(promtool.exitValue()).as(log).isZero();
		assertThat(log).contains("SUCCESS");
	}

	static boolean promtoolInstalled() {
		return promtool() != null;
	}

	private static Path promtool() {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(directory, "promtool");
			if (!directory.isBlank() && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

}
