package dev.poolguard.autoconfigure.actuate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.budget.PoolGuardBudgetAutoConfiguration;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.test.NetworkFault;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code poolguard} health component, as Kubernetes sees it (seed 003): it tells
 * "pool busy" from "database gone", answers at once whatever the pool and the network
 * are doing, and never borrows a pooled connection to do it.
 */
class PoolGuardHealthIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final String applicationName = "health-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardServerAutoConfiguration.class,
				PoolGuardBudgetAutoConfiguration.class, PoolGuardActuatorAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"spring.application.name=" + this.applicationName, "poolguard.server-metrics.enabled=false");

	@Test
	void upWithPoolCircuitBreakerAndDatabaseDetails() {
		this.contextRunner.run((context) -> {
			context.getBean(DataSource.class).getConnection().close();
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKeys("pool", "circuitBreaker", "database", "budget");
			assertThat(details(health, "pool")).containsEntry("max", 10).containsEntry("saturated", false);
			assertThat(details(health, "circuitBreaker")).containsEntry("state", "CLOSED");
			assertThat(details(health, "database")).containsEntry("reachable", true);
			assertThat(details(health, "budget")).containsEntry("verdict", "OK").containsEntry("connectionLimit", 10);
		});
	}

	@Test
	void readOnlyServerWhereAPrimaryIsExpectedIsDownAndSaysSo() {
		// A database whose sessions are read-only: what a write meets on a standby.
		String database = "health_read_only_" + UUID.randomUUID().toString().substring(0, 8);
		server.createDatabase(database, server.username());
		server.execute("ALTER DATABASE " + database + " SET default_transaction_read_only = on");
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(database)).run((context) -> {
			await().atMost(Duration.ofSeconds(5))
				.until(() -> health(context).getDetails().get("database") instanceof Map<?, ?> db
						&& db.containsKey("readOnly"));
			Health readOnly = health(context);
			assertThat(readOnly.getStatus()).isEqualTo(Status.DOWN);
			assertThat(details(readOnly, "database")).containsEntry("reachable", true)
				.containsEntry("readOnly", true)
				.containsEntry("primary", true)
				.containsKey("problem");
			assertThat(details(readOnly, "pooler")).containsEntry("mode", "none").containsEntry("present", false);
		});
	}

	@Test
	void answersAtOnceAndStaysUpWhileEveryConnectionIsBusyAndDozensOfThreadsWait() throws Exception {
		ExecutorService waiters = Executors.newFixedThreadPool(30);
		try {
			this.contextRunner
				.withPropertyValues("poolguard.connection-limit=2", "poolguard.pool-timeout=10s",
						"poolguard.max-waiting=100")
				.run((context) -> {
					HikariDataSource pool = context.getBean(HikariDataSource.class);
					health(context);
					List<Connection> busy = List.of(pool.getConnection(), pool.getConnection());
					for (int i = 0; i < 30; i++) {
						waiters.execute(() -> closeQuietly(pool));
					}
					await().until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 30);

					long start = System.nanoTime();
					Health health = health(context);
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(details(health, "pool")).containsEntry("saturated", true)
						.containsEntry("active", 2)
						.containsEntry("pending", 30);
					for (Connection connection : busy) {
						connection.close();
					}
				});
		}
		finally {
			waiters.shutdownNow();
		}
	}

	@Test
	void noticesAStoppedDatabaseWithinOneCheck() {
		PostgresServer dedicated = PostgresServers.dedicated();
		try {
			this.contextRunner.withPropertyValues("spring.datasource.url=" + dedicated.jdbcUrl()).run((context) -> {
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);
				dedicated.stop();
				Health health = health(context);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(details(health, "database")).containsEntry("reachable", false).containsKey("lastError");
			});
		}
		finally {
			dedicated.close();
		}
	}

	@Test
	void answersAtOnceWhenTheNetworkToTheDatabaseIsBlackholed() throws Exception {
		try (NetworkFault network = NetworkFault.inFrontOf(server)) {
			this.contextRunner.withPropertyValues("spring.datasource.url=" + network.jdbcUrl()).run((context) -> {
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);
				network.freeze();
				for (int i = 0; i < 5; i++) {
					long start = System.nanoTime();
					health(context);
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> health(context).getStatus().equals(Status.DOWN));
				network.unfreeze();
			});
		}
	}

	@Test
	void holdsNoConnectionOfItsOwnBetweenChecksHoweverOftenItIsAsked() {
		this.contextRunner.run((context) -> {
			for (int i = 0; i < 20; i++) {
				assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			}
			await().untilAsserted(() -> assertThat(server.countBackends(this.applicationName + " (poolguard)")).isZero());
			assertThat(server.countBackends(this.applicationName)).as("no pooled connection borrowed").isZero();
		});
	}

	@Test
	void staysUpWhileTheRoleHasNoSlotLeftForPoolGuardAndThePoolServes() throws SQLException {
		Role limited = server.createRole("full_" + UUID.randomUUID().toString().substring(0, 8), "secret", 2);
		this.contextRunner
			.withPropertyValues("spring.datasource.username=" + limited.name(), "spring.datasource.password=secret",
					"poolguard.connection-limit=2")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				try (Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
					Health health = checked(context);
					assertThat(health.getStatus()).as("every request is served: the service is ready")
						.isEqualTo(Status.UP);
					assertThat(details(health, "database")).containsEntry("reachable", true)
						.containsEntry("serverFull", true);
					assertThat(first.isValid(1)).isTrue();
				}
			});
	}

	@Test
	void poolKeepsEverySlotOfATightRoleWhileHealthIsCheckedAndTheServerSampled() throws SQLException {
		Role tight = server.createRole("tight_" + UUID.randomUUID().toString().substring(0, 8), "secret", 3);
		this.contextRunner
			.withPropertyValues("spring.datasource.username=" + tight.name(), "spring.datasource.password=secret",
					"poolguard.connection-limit=3", "poolguard.server-metrics.enabled=true",
					"poolguard.server-metrics.interval=1s")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				for (int i = 0; i < 5; i++) {
					assertThat(checked(context).getStatus()).isEqualTo(Status.UP);
				}
				List<Connection> connections = new ArrayList<>();
				try {
					for (int i = 0; i < 3; i++) {
						connections.add(pool.getConnection());
					}
					assertThat(connections).allSatisfy((connection) -> assertThat(connection.isValid(1)).isTrue());
					assertThat(checked(context).getStatus()).isEqualTo(Status.UP);
				}
				finally {
					for (Connection connection : connections) {
						connection.close();
					}
				}
			});
	}

	@Test
	void downWhileTheCircuitBreakerIsOpen() {
		this.contextRunner.run((context) -> {
			context.getBean(GuardedHikariDataSource.class).resilience().circuitBreaker().transitionToOpenState();
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(details(health, "circuitBreaker")).containsEntry("state", "OPEN");
		});
	}

	@Test
	void canBeTurnedOffLikeAnyHealthIndicator() {
		this.contextRunner.withPropertyValues("management.health.poolguard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("poolguardHealthIndicator"));
	}

	/**
	 * The health once a check has finished, rather than the last answer while one runs.
	 */
	private static Health checked(AssertableApplicationContext context) {
		return await().until(() -> health(context), (health) -> !details(health, "database").containsKey("checking"));
	}

	private static Health health(AssertableApplicationContext context) {
		return context.getBean("poolguardHealthIndicator", HealthIndicator.class).health();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> details(Health health, String name) {
		return (Map<String, Object>) health.getDetails().get(name);
	}

	private static void closeQuietly(DataSource dataSource) {
		try {
			dataSource.getConnection().close();
		}
		catch (SQLException ex) {
			// The test is over before this waiter got a connection.
		}
	}

}
