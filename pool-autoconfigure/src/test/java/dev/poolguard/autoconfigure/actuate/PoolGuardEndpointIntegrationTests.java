package dev.poolguard.autoconfigure.actuate;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.budget.PoolGuardBudgetAutoConfiguration;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.AcquisitionEvents;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolSaturatedException;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/poolguard}: everything an on-call engineer asks about the pool, in one
 * answer, and a resize that stays within what the server can hold.
 */
class PoolGuardEndpointIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final String applicationName = "endpoint-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardServerAutoConfiguration.class,
				PoolGuardBudgetAutoConfiguration.class, PoolGuardActuatorAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"spring.application.name=" + this.applicationName, "poolguard.server-metrics.interval=1s",
				"management.endpoints.web.exposure.include=poolguard");

	@Test
	void showsEverySettingInForceAndWhereItCameFrom() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=7", "spring.datasource.hikari.idle-timeout=20000")
			.run((context) -> {
				List<Map<String, Object>> configuration = list(read(context), "configuration");
				assertThat(configuration).contains(
						setting("poolguard.connection-limit", "7", "poolguard.connection-limit"),
						setting("poolguard.idle-timeout", "20s", "spring.datasource.hikari.idle-timeout"),
						setting("poolguard.pool-timeout", "5s", "PoolGuard default"),
						setting("poolguard.application-name", this.applicationName, "spring.application.name"));
			});
	}

	@Test
	void showsThePoolTheBreakerTheRetryAndTheServer() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=3").run((context) -> {
			context.getBean(DataSource.class).getConnection().close();
			await().untilAsserted(() -> assertThat(map(map(read(context), "server"), "application"))
				.containsEntry("total", 3L));
			Map<String, Object> report = read(context);
			assertThat(map(report, "pool")).containsEntry("max", 3).containsEntry("total", 3);
			assertThat(map(report, "circuitBreaker")).containsEntry("name", "poolguard").containsEntry("state", "CLOSED");
			assertThat(map(report, "retry")).containsEntry("maxAttempts", 3);
			assertThat(map(report, "server")).containsEntry("maxConnections", 100);
			assertThat(report).containsKeys("budget", "events");
		});
	}

	@Test
	void showsRejectionsAsOneEpisodeInTheRecentEvents() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=1", "poolguard.max-waiting=0")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				try (Connection busy = dataSource.getConnection()) {
					for (int i = 0; i < 5; i++) {
						assertThat(catchThrowable(dataSource::getConnection)).isInstanceOf(PoolSaturatedException.class);
					}
				}
				List<AcquisitionEvents.Event> events = context.getBean(GuardedHikariDataSource.class).events().recent();
				assertThat(events).singleElement().satisfies((event) -> {
					assertThat(event.type()).isEqualTo("rejected");
					assertThat(event.count()).isEqualTo(5);
				});
				assertThat(read(context).get("events")).isEqualTo(events);
			});
	}

	@Test
	void refusesToResizeUnlessResizingIsEnabled() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> context.getBean(PoolGuardEndpoint.class).resize(20))
			.withMessageContaining("poolguard.endpoint.resize-enabled=true"));
	}

	@Test
	void resizesTheRunningPoolWhenEnabled() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=3", "poolguard.endpoint.resize-enabled=true")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				pool.getConnection().close();
				Map<String, Object> result = context.getBean(PoolGuardEndpoint.class).resize(5);
				assertThat(result).containsEntry("previousConnectionLimit", 3).containsEntry("connectionLimit", 5);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(server.countBackends(this.applicationName)).isEqualTo(5));
				context.getBean(PoolGuardEndpoint.class).resize(2);
				assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
				assertThat(pool.getMinimumIdle()).isEqualTo(2);
				assertThat(context.getBean(GuardedHikariDataSource.class).events().recent())
					.anySatisfy((event) -> assertThat(event.message()).contains("connection-limit 5 -> 2"));
			});
	}

	@Test
	void showsTheConnectionBudgetWithItsArithmetic() {
		this.contextRunner.withPropertyValues("poolguard.instances=4").run((context) -> {
			Map<String, Object> budget = map(read(context), "budget");
			assertThat(budget).containsEntry("verdict", "OK").containsEntry("instances", 4).containsKey("arithmetic");
		});
	}

	@Test
	void refusesToResizeOverTheConnectionBudget() {
		this.contextRunner.withPropertyValues("poolguard.endpoint.resize-enabled=true", "poolguard.connection-limit=3",
				"poolguard.instances=10")
			.run((context) -> {
				context.getBean(DataSource.class).getConnection().close();
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> context.getBean(PoolGuardEndpoint.class).resize(20))
					.withMessageContaining("over this instance's share of the server's connections (8)");
				assertThat(context.getBean(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(3);
			});
	}

	@Test
	void refusesToResizePastTheServersLimitsEvenWithTheBudgetOff() {
		this.contextRunner.withPropertyValues("poolguard.endpoint.resize-enabled=true", "poolguard.budget.mode=off",
				"poolguard.connection-limit=3")
			.run((context) -> {
				PoolGuardEndpoint endpoint = context.getBean(PoolGuardEndpoint.class);
				assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.resize(100_000))
					.withMessageContaining("over this instance's share of the server's connections");
				assertThat(endpoint.resize(5)).containsEntry("connectionLimit", 5);
			});
	}

	@Test
	void refusesToResizeWhenNothingIsKnownOfTheServersLimits() {
		this.contextRunner.withPropertyValues("poolguard.endpoint.resize-enabled=true", "poolguard.budget.mode=off",
				"spring.datasource.url=jdbc:postgresql://127.0.0.1:1/nowhere")
			.run((context) -> assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> context.getBean(PoolGuardEndpoint.class).resize(5))
				.withMessageContaining("could not be read"));
	}

	@Test
	void neverShowsAPassword() {
		String password = "Pw-" + UUID.randomUUID();
		Role role = server.createRole("secretive_" + UUID.randomUUID().toString().substring(0, 8).replace("-", ""),
				password, -1);
		this.contextRunner
			.withPropertyValues("spring.datasource.username=" + role.name(), "spring.datasource.password=" + password,
					"poolguard.driver-properties.sslpassword=" + password)
			.run((context) -> {
				context.getBean(DataSource.class).getConnection().close();
				await().until(() -> map(read(context), "server").containsKey("application"));
				assertThat(read(context).toString()).doesNotContain(password).contains("sslpassword");
			});
	}

	private static Map<String, Object> read(org.springframework.context.ApplicationContext context) {
		return context.getBean(PoolGuardEndpoint.class).poolguard();
	}

	private static Map<String, Object> setting(String property, String value, String origin) {
		return Map.of("property", property, "value", value, "origin", origin);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Map<String, Object> report, String key) {
		return (Map<String, Object>) report.get(key);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Map<String, Object> report, String key) {
		return (List<Map<String, Object>>) report.get(key);
	}

}
