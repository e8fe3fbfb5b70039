package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code 53300 too many connections} (seeds 001 and 002): the server is up but has no
 * slot for one more connection. A caller waits for a slot to free within pool-timeout
 * (the pool keeps trying meanwhile), and a short burst does not open the breaker.
 */
class ConnectionLimitIntegrationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("poolguard.pool-timeout=1s", "poolguard.retry.max-attempts=4",
				"poolguard.retry.initial-backoff=200ms", "poolguard.retry.jitter=0");

	@Test
	void waitsForAFreedSlotWhenRoleConnectionLimitIsBelowThePoolSize() {
		PostgresServer server = PostgresServers.shared();
		Role role = server.createRole(unique("role_limited"), "secret", 2);
		this.contextRunner.withPropertyValues(datasource(server, role))
			.withPropertyValues("poolguard.connection-limit=4")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				AcquisitionResilience resilience = context.getBean(GuardedHikariDataSource.class).resilience();
				Connection first = dataSource.getConnection();
				Connection second = dataSource.getConnection();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				CompletableFuture<Connection> third = CompletableFuture.supplyAsync(() -> connect(dataSource));
				// The third caller waits while the pool's own attempts meet 53300; a slot
				// freed within pool-timeout is its connection.
				await().until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);
				first.close();
				try (Connection connection = third.get(10, TimeUnit.SECONDS)) {
					assertThat(connection.isValid(1)).isTrue();
				}
				second.close();
				assertThat(resilience.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
				assertThat(resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
			});
	}

	@Test
	void retriesAcquisitionWhileOtherClientsHoldEveryConnectionOfTheServer() throws SQLException {
		PostgresServer server = PostgresServers.shared(Map.of("max_connections", "8"));
		Role application = server.createRole(unique("app"), "secret", -1);
		Role others = server.createRole(unique("others"), "secret", -1);
		List<Connection> otherClients = fillServer(server, others);
		try {
			this.contextRunner.withPropertyValues(datasource(server, application))
				.withPropertyValues("poolguard.connection-limit=2")
				.run((context) -> {
					DataSource dataSource = context.getBean(DataSource.class);
					AcquisitionResilience resilience = context.getBean(GuardedHikariDataSource.class).resilience();
					CompletableFuture<Connection> request = CompletableFuture.supplyAsync(() -> connect(dataSource));
					await().until(() -> resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls() >= 1);
					otherClients.remove(0).close();
					try (Connection connection = request.get(10, TimeUnit.SECONDS)) {
						assertThat(connection.isValid(1)).isTrue();
					}
					assertThat(resilience.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
				});
		}
		finally {
			for (Connection connection : otherClients) {
				connection.close();
			}
		}
	}

	/**
	 * Opens connections as another client until the server refuses one with 53300; the
	 * slots kept for superusers stay free.
	 */
	private static List<Connection> fillServer(PostgresServer server, Role role) throws SQLException {
		List<Connection> connections = new ArrayList<>();
		while (true) {
			try {
				connections.add(DriverManager.getConnection(server.jdbcUrl(), role.name(), role.password()));
			}
			catch (SQLException ex) {
				assertThat(ex.getSQLState()).isEqualTo("53300");
				return connections;
			}
		}
	}

	private static String[] datasource(PostgresServer server, Role role) {
		return new String[] { "spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + role.name(), "spring.datasource.password=" + role.password() };
	}

	private static Connection connect(DataSource dataSource) {
		try {
			return dataSource.getConnection();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String unique(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
	}

}
