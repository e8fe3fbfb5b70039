package dev.poolguard.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample run as a deployment pipeline would before it deploys (seed 004's
 * verify-db-config, against the real server): {@code java -jar app.jar
 * --poolguard.verify=true} prints the connection budget report and exits 0 when the pool
 * fits the server, 1 when it does not or the server cannot be reached, without starting
 * the web server. The server runs with {@code max_connections=20}: 17 slots for ordinary
 * roles.
 */
class SampleJarVerifyIT {

	private static final PostgresServer server = PostgresServers.shared(Map.of("max_connections", "20"));

	private static final String PASSWORD = "verify-it-" + UUID.randomUUID();

	private static final Role role = server.createRole("sample_verify", PASSWORD, -1);

	@Test
	void poolThatFitsTheServerPassesWithExitCodeZero() throws Exception {
		Run run = verify(server.jdbcUrl(), "10");
		assertThat(run.exitCode()).as(run.output()).isZero();
		assertThat(run.output()).contains("PoolGuard connection budget: OK")
			.contains("poolguard.connection-limit 10 = 63 % of budget 16")
			.contains("PoolGuard verify: OK, exit code 0");
		assertNoWebServerAndNoPassword(run);
	}

	@Test
	void seed004sFiftyConnectionsFailWithExitCodeOne() throws Exception {
		Run run = verify(server.jdbcUrl(), "50");
		assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
		assertThat(run.output()).contains("PoolGuard connection budget: OVER")
			.contains("max_connections 20 - superuser_reserved_connections 3")
			.contains("poolguard.connection-limit 50 > budget 16")
			.contains("Fix: Set poolguard.connection-limit=12 (at most 16)")
			.contains("PoolGuard verify: OVER, exit code 1");
		assertNoWebServerAndNoPassword(run);
	}

	@Test
	void unreachableServerFailsWithExitCodeOne() throws Exception {
		Run run = verify("jdbc:postgresql://127.0.0.1:" + SampleJar.freePort() + "/postgres", "10");
		assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
		assertThat(run.output()).contains("PoolGuard connection budget: UNKNOWN")
			.contains("refused")
			.contains("PoolGuard verify: UNKNOWN, exit code 1");
		assertNoWebServerAndNoPassword(run);
	}

	private static void assertNoWebServerAndNoPassword(Run run) {
		assertThat(run.output()).doesNotContain("Tomcat initialized").doesNotContain("Tomcat started");
		assertThat(run.output()).doesNotContain(PASSWORD);
	}

	/**
	 * Runs the jar with seed 004's {@code DB_CONNECTION_LIMIT} and the datasource in the
	 * environment, as a pipeline would pass its secrets.
	 */
	private static Run verify(String jdbcUrl, String connectionLimit) throws Exception {
		Path jar = SampleJar.jar();
		Path log = Files.createTempFile("sample-verify", ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "--poolguard.verify=true"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("SPRING_DATASOURCE_URL", jdbcUrl);
		builder.environment().put("SPRING_DATASOURCE_USERNAME", role.name());
		builder.environment().put("SPRING_DATASOURCE_PASSWORD", PASSWORD);
		builder.environment().put("DB_CONNECTION_LIMIT", connectionLimit);
		Process app = builder.start();
		try {
			assertThat(app.waitFor(120, TimeUnit.SECONDS)).as("the verification ends by itself (log: %s)", log).isTrue();
			return new Run(app.exitValue(), Files.readString(log));
		}
		finally {
			if (app.isAlive()) {
				app.destroyForcibly();
			}
		}
	}

	private record Run(int exitCode, String output) {

	}

}
