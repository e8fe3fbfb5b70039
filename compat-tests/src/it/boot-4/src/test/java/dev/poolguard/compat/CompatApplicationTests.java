package dev.poolguard.compat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PoolGuard in a user's application on one Spring Boot line, on a real PostgreSQL: the
 * classpath holds only that line's modules, the pool is tuned and guarded, the
 * {@code poolguard} health component replaces Boot's blocking {@code db} check, and a stopped
 * database turns into a 503 with {@code Retry-After} within seconds.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "poolguard.connection-limit=4", "poolguard.pool-timeout=2s",
				"management.endpoints.web.exposure.include=health",
				"management.endpoint.health.show-details=always" })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class CompatApplicationTests {

	private static final PostgresServer server = PostgresServers.dedicated();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private HikariDataSource pool;

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		server.registerDataSource(registry::add);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	@Order(1)
	void runsOnTheSpringBootLineUnderTestAndOnlyThatLine() throws IOException {
		String expected = System.getProperty("expected.boot.version");
		assertThat(SpringBootVersion.getVersion()).isEqualTo(expected);
		Map<String, String> bootJars = springBootJars();
		assertThat(bootJars).containsKeys("spring.boot", "spring.boot.jdbc", "spring.boot.autoconfigure");
		assertThat(bootJars).as("every Spring Boot module comes from the application's BOM")
			.allSatisfy((module, version) -> assertThat(version).as(module).isEqualTo(expected));
	}

	@Test
	@Order(2)
	void tunesAndGuardsBootsPool() {
		assertThat(this.pool.getClass().getName()).isEqualTo("dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource");
		assertThat(this.pool.getMaximumPoolSize()).isEqualTo(4);
		assertThat(this.pool.getConnectionTimeout()).isEqualTo(2000);
	}

	@Test
	@Order(3)
	void startsWithMicrometerButWithoutResilience4jsMicrometerBinding(CapturedOutput output) throws Exception {
		assertThat(ClassUtils.isPresent("io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics", null))
			.as("the starter does not bring resilience4j-micrometer").isFalse();
		assertThat(output).contains("Add resilience4j-micrometer to export them");
		assertThat(get("/now").statusCode()).isEqualTo(200);
		assertThat(this.meters.find("poolguard.acquire").timers()).isNotEmpty();
	}

	@Test
	@Order(4)
	void healthIsUpThroughPoolGuardNotBootsDbCheck() throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(health.body(), "$.components.poolguard.status")).isEqualTo("UP");
		assertThat(JsonPath.<Map<String, Object>>read(health.body(), "$.components")).doesNotContainKey("db");
	}

	@Test
	@Order(5)
	void answers503WithRetryAfterWhileTheDatabaseIsDown() throws Exception {
		assertThat(get("/now").statusCode()).isEqualTo(200);
		server.stop();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> get("/now").statusCode() == 503);
			HttpResponse<String> unavailable = get("/now");
			assertThat(unavailable.statusCode()).isEqualTo(503);
			assertThat(unavailable.headers().firstValue("Retry-After")).isPresent();
			await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health").statusCode() == 503);
			assertThat(JsonPath.<String>read(get("/actuator/health").body(), "$.components.poolguard.status"))
				.isEqualTo("DOWN");
		}
		finally {
			server.start();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> get("/now").statusCode() == 200);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** Spring Boot's jars on the classpath, by module name, with their versions. */
	static Map<String, String> springBootJars() throws IOException {
		Map<String, String> jars = new TreeMap<>();
		for (URL url : Collections.list(CompatApplicationTests.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
			try (InputStream in = url.openStream()) {
				Attributes attributes = new Manifest(in).getMainAttributes();
				String module = attributes.getValue("Automatic-Module-Name");
				if (module != null && (module.equals("spring.boot") || module.startsWith("spring.boot."))) {
					jars.put(module, attributes.getValue("Implementation-Version"));
				}
			}
		}
		return jars;
	}

}
