package dev.poolguard.autoconfigure.resilience;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;

import javax.sql.DataSource;

import com.jayway.jsonpath.JsonPath;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that already uses resilience4j-spring-boot4: PoolGuard's instances come
 * from its registries, so they show in its actuator endpoints, and a property set on the
 * {@code poolguard} instance overrides just that one of PoolGuard's settings.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "resilience4j.circuitbreaker.instances.poolguard.failure-rate-threshold=25",
				"resilience4j.circuitbreaker.instances.poolguard.minimum-number-of-calls=2",
				"resilience4j.retry.instances.poolguard.max-attempts=5", "spring.flyway.enabled=false",
				"management.endpoints.web.exposure.include=circuitbreakers,retries" })
class Resilience4jSpringBootIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	@Autowired
	private CircuitBreakerRegistry circuitBreakers;

	@Autowired
	private RetryRegistry retries;

	@Autowired
	private DataSource dataSource;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		server.registerDataSource(registry::add);
	}

	@Test
	void poolGuardUsesTheInstancesOfTheApplicationsRegistries() {
		assertThat(resilience().circuitBreaker()).isSameAs(this.circuitBreakers.circuitBreaker("poolguard"));
		assertThat(resilience().retry()).isSameAs(this.retries.retry("poolguard"));
	}

	@Test
	void propertySetOnThePoolGuardInstanceOverridesOnlyThatSetting() {
		CircuitBreakerConfig config = resilience().circuitBreaker().getCircuitBreakerConfig();
		assertThat(config.getFailureRateThreshold()).isEqualTo(25);
		assertThat(config.getMinimumNumberOfCalls()).isEqualTo(2);
		assertThat(config.getSlidingWindowSize()).as("PoolGuard's default, not Resilience4j's 100").isEqualTo(20);
		assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
		assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).as("PoolGuard's 1s, not Resilience4j's 60s")
			.isEqualTo(Duration.ofSeconds(1).toMillis());
		Retry retry = resilience().retry();
		assertThat(retry.getRetryConfig().getMaxAttempts()).isEqualTo(5);
		assertThat(retry.getRetryConfig().getIntervalBiFunction().apply(1, null)).as("PoolGuard's first backoff")
			.isBetween(50L, 150L);
	}

	@Test
	void circuitBreakersEndpointListsPoolGuardsBreaker() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.isValid(1)).isTrue();
		}
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/circuitbreakers"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(response.body(), "$.circuitBreakers.poolguard.state"))
			.isEqualTo(CircuitBreaker.State.CLOSED.name());
		assertThat(JsonPath.<Object>read(response.body(), "$.circuitBreakers.poolguard.failureRateThreshold"))
			.hasToString("25.0%");
	}

	private AcquisitionResilience resilience() {
		return DataSourceUnwrapper.unwrap(this.dataSource, GuardedHikariDataSource.class).resilience();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
