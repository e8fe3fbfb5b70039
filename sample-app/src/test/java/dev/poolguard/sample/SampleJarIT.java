package dev.poolguard.sample;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample, run the way the README tells a user to: {@code java -jar}, nothing
 * configured. It starts its own PostgreSQL, reports UP and serves the seeded clients; on
 * the JDK running the build and on each JDK in {@code sample.java-homes}.
 */
class SampleJarIT {

	@ParameterizedTest(name = "on {0}")
	@MethodSource("dev.poolguard.sample.SampleJar#javaHomes")
	void builtJarStartsWithItsOwnDatabaseAndReportsUp(String javaHome) throws Exception {
		try (SampleJar app = SampleJar.start(javaHome, List.of(), Map.of())) {
			assertThat(app.get("/actuator/health").body()).contains("\"status\":\"UP\"");
			assertThat(app.log()).contains("started an embedded PostgreSQL at jdbc:postgresql://localhost:")
				.contains("PoolGuard tuned pool");
			// The migration is in the jar: the README's curl examples find their clients.
			assertThat(app.get("/api/clients?size=1").body()).contains("\"total\":10000");
		}
	}

}
