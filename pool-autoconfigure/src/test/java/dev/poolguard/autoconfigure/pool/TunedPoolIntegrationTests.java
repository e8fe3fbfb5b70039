package dev.poolguard.autoconfigure.pool;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Each setting takes effect where PostgreSQL can see it, and Spring Boot's own JDBC
 * features keep working with PoolGuard on the classpath. Runs against a real PostgreSQL
 * from {@code poolguard-test}.
 */
class TunedPoolIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final String applicationName = "poolguard-it-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"spring.application.name=" + this.applicationName);

	@Test
	void waiterBeyondConnectionLimitTimesOutAfterPoolTimeout() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=3", "poolguard.pool-timeout=500ms")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				List<Connection> borrowed = new ArrayList<>();
				try {
					for (int i = 0; i < 3; i++) {
						borrowed.add(dataSource.getConnection());
					}
					assertThat(server.countBackends(this.applicationName)).isEqualTo(3);
					assertThatExceptionOfType(SQLTransientConnectionException.class)
						.isThrownBy(dataSource::getConnection)
						.withMessageContaining("request timed out after 5")
						.withMessageContaining("total=3, active=3");
				}
				finally {
					closeAll(borrowed);
				}
			});
	}

	@Test
	void fixedSizePoolOpensConnectionLimitConnectionsOnTheServer() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=4").run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				await().untilAsserted(() -> assertThat(server.countBackends(this.applicationName)).isEqualTo(4));
			}
		});
	}

	@Test
	void closingTheContextClosesTheGuardedPoolsConnections() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=3").run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				await().untilAsserted(() -> assertThat(server.countBackends(this.applicationName)).isEqualTo(3));
			}
		});
		await().untilAsserted(() -> assertThat(server.countBackends(this.applicationName)).isZero());
	}

	@Test
	void connectionsShowTheApplicationNameInPgStatActivity() {
		this.contextRunner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection();
					ResultSet result = connection.createStatement()
						.executeQuery("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")) {
				result.next();
				assertThat(result.getString(1)).isEqualTo(this.applicationName);
			}
		});
	}

	@Test
	void statementIsPreparedOnTheServerAfterPrepareThresholdExecutions() {
		this.contextRunner.withPropertyValues("poolguard.prepare-threshold=3").run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				String sql = "SELECT 1 + ? AS threshold_probe";
				execute(connection, sql, 2);
				assertThat(serverPreparedStatements(connection, "threshold_probe")).isZero();
				execute(connection, sql, 1);
				assertThat(serverPreparedStatements(connection, "threshold_probe")).isEqualTo(1);
			}
		});
	}

	@Test
	void statementCacheSizeZeroNeverPreparesOnTheServer() {
		this.contextRunner.withPropertyValues("poolguard.statement-cache-size=0").run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				String sql = "SELECT 1 + ? AS uncached_probe";
				execute(connection, sql, 20);
				try (PreparedStatement reused = connection.prepareStatement(sql)) {
					for (int i = 0; i < 20; i++) {
						reused.setInt(1, i);
						reused.executeQuery().close();
					}
				}
				assertThat(serverPreparedStatements(connection, "uncached_probe")).isZero();
			}
		});
	}

	@Test
	void socketTimeoutEndsAQueryThatWouldHangInsteadOfWaiting() {
		this.contextRunner.withPropertyValues("poolguard.socket-timeout=1s").run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> connection.createStatement().execute("SELECT pg_sleep(30)"))
					.withRootCauseInstanceOf(SocketTimeoutException.class);
			}
		});
	}

	@Test
	void springBootHikariMetricsKeepWorking() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					DataSourcePoolMetricsAutoConfiguration.class))
			.withPropertyValues("poolguard.connection-limit=6")
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					assertThat(registry.get("hikaricp.connections.max").gauge().value()).isEqualTo(6);
					assertThat(registry.get("hikaricp.connections.active").gauge().value()).isEqualTo(1);
				}
			});
	}

	@Test
	void guardedPoolIsStillTheHikariDataSourceBootAndApplicationsExpect() {
		this.contextRunner.withBean(PoolStatisticsReader.class).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(GuardedHikariDataSource.class);
			assertThat(context.getBean(PoolStatisticsReader.class).pool).isSameAs(dataSource);
			assertThat(DataSourceUnwrapper.unwrap(dataSource, HikariDataSource.class)).isSameAs(dataSource);
			assertThat(DataSourceUnwrapper.unwrap(dataSource, HikariConfigMXBean.class, HikariDataSource.class))
				.isSameAs(dataSource);
			assertThat(((HikariDataSource) dataSource).getConnectionTimeout()).isEqualTo(5_000);
		});
	}

	@Test
	void lazyConnectionFetchWrapsTheGuardedPool() {
		this.contextRunner.withPropertyValues("spring.datasource.connection-fetch=lazy").run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(LazyConnectionDataSourceProxy.class);
			assertThat(((LazyConnectionDataSourceProxy) dataSource).getTargetDataSource())
				.isInstanceOf(GuardedHikariDataSource.class);
			try (Connection connection = dataSource.getConnection();
					ResultSet result = connection.createStatement().executeQuery("SELECT 1")) {
				assertThat(result.next()).isTrue();
			}
		});
	}

	@Test
	void jdbcConnectionDetailsBeanIsHonoured() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
					PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/not-this-one",
					"poolguard.connection-limit=2", "poolguard.application-name=" + this.applicationName)
			.withBean(JdbcConnectionDetails.class, server::connectionDetails)
			.run((context) -> {
				HikariDataSource pool = DataSourceUnwrapper.unwrap(context.getBean(DataSource.class),
						HikariDataSource.class);
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
				assertThat(pool.getJdbcUrl()).isEqualTo(server.jdbcUrl());
				assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
				await().untilAsserted(() -> assertThat(server.countBackends(this.applicationName)).isEqualTo(2));
			});
	}

	@Test
	void flywayMigratesThroughTheTunedPool() {
		String database = "flyway_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		server.createDatabase(database, server.username());
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(database))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(JdbcTemplate.class).queryForObject("SELECT name FROM clients", String.class))
					.isEqualTo("first client");
			});
	}

	/**
	 * Application code that injects the pool by its HikariCP type, as some do to read
	 * its statistics.
	 */
	static class PoolStatisticsReader {

		final HikariDataSource pool;

		PoolStatisticsReader(HikariDataSource pool) {
			this.pool = pool;
		}

	}

	private static void execute(Connection connection, String sql, int times) throws SQLException {
		for (int i = 0; i < times; i++) {
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				statement.setInt(1, i);
				statement.executeQuery().close();
			}
		}
	}

	private static int serverPreparedStatements(Connection connection, String marker) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE ?")) {
			statement.setString(1, "%" + marker + "%");
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	private static void closeAll(List<Connection> connections) throws SQLException {
		for (Connection connection : connections) {
			connection.close();
		}
	}

}
