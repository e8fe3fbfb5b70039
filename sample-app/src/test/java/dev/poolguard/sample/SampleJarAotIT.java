package dev.poolguard.sample;

import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample with its AOT-processed application context
 * ({@code -Dspring.aot.enabled=true}, what a native image runs): the choice of database is
 * still made at run time, so {@code SPRING_DATASOURCE_URL} points it at a real server and
 * no embedded one is started; PoolGuard tunes and guards that pool. (Before, the build
 * machine's answer, "no URL: embedded", was frozen into the AOT code. The embedded path
 * itself is the one SampleJarIT runs; one AOT start, about 12 s, is kept out of the build.)
 */
class SampleJarAotIT {

	private static final PostgresServer server = PostgresServers.shared();

	@Test
	void aotProcessedJarUsesTheServerItIsGivenAtRunTime() throws Exception {
		Map<String, String> environment = Map.of("SPRING_DATASOURCE_URL", server.jdbcUrl(),
				"SPRING_DATASOURCE_USERNAME", server.username(), "SPRING_DATASOURCE_PASSWORD", server.password(),
				"DB_CONNECTION_LIMIT", "7");
		try (SampleJar app = SampleJar.start(System.getProperty("java.home"), List.of("-Dspring.aot.enabled=true"),
				environment)) {
			assertThat(app.log()).contains("Starting AOT-processed SampleApplication")
				.contains("PoolGuard tuned pool to " + server.jdbcUrl() + ": connection-limit=7")
				.doesNotContain("started an embedded PostgreSQL");
			assertThat(JsonPath.<String>read(app.get("/actuator/health").body(), "$.components.poolguard.status"))
				.isEqualTo("UP");
			assertThat(app.get("/api/clients?size=1").statusCode()).isEqualTo(200);
		}
	}

}
