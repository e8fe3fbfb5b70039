package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Each failure the classifier sorts, produced by a real PostgreSQL and a real pgjdbc and
 * HikariCP, never built by hand.
 */
class AcquisitionFailureClassifierTests {

	private static final PostgresServer server = PostgresServers.shared();

	@Test
	void wrongPasswordIsPermanent() {
		Role role = server.createRole(uniqueName("wrong_password"), "right-password", -1);
		SQLException failure = failureOf(() -> connect(server.jdbcUrl(), role.name(), "wrong-password"));
		assertThat(failure.getSQLState()).isEqualTo("28P01");
		assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.PERMANENT);
		assertThat(AcquisitionFailureClassifier.describe(failure)).contains("password authentication failed")
			.contains("28P01");
	}

	@Test
	void missingDatabaseIsPermanent() {
		SQLException failure = failureOf(
				() -> connect(server.jdbcUrl("no_such_database"), server.username(), server.password()));
		assertThat(failure.getSQLState()).isEqualTo("3D000");
		assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.PERMANENT);
	}

	@Test
	void syntaxErrorWhileConnectingIsPermanent() throws SQLException {
		try (Connection connection = connect(server.jdbcUrl(), server.username(), server.password())) {
			SQLException failure = failureOf(() -> connection.createStatement().execute("SELEC 1"));
			assertThat(failure.getSQLState()).startsWith("42");
			assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.PERMANENT);
		}
	}

	@Test
	void roleConnectionLimitIsTransient() throws SQLException {
		Role role = server.createRole(uniqueName("limited"), "secret", 1);
		try (Connection first = connect(server.jdbcUrl(), role.name(), role.password())) {
			SQLException failure = failureOf(() -> connect(server.jdbcUrl(), role.name(), role.password()));
			assertThat(failure.getSQLState()).isEqualTo("53300");
			assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.TRANSIENT);
		}
	}

	@Test
	void refusedConnectionIsTransient() {
		SQLException failure = failureOf(
				() -> connect("jdbc:postgresql://127.0.0.1:1/postgres", server.username(), server.password()));
		assertThat(failure.getSQLState()).isEqualTo("08001");
		assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.TRANSIENT);
		assertThat(AcquisitionFailureClassifier.describe(failure)).contains("refused");
	}

	@Test
	void terminatedBackendIsTransient() throws SQLException {
		String applicationName = uniqueName("terminated");
		try (Connection connection = connect(server.jdbcUrl() + "?ApplicationName=" + applicationName,
				server.username(), server.password())) {
			assertThat(server.terminateBackends(applicationName)).isEqualTo(1);
			SQLException failure = failureOf(() -> connection.createStatement().execute("SELECT 1"));
			assertThat(failure.getSQLState()).isIn("57P01", "08006");
			assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.TRANSIENT);
		}
	}

	@Test
	void poolTimeoutCarryingAConnectionFailureIsTransient() {
		try (HikariDataSource pool = pool("jdbc:postgresql://127.0.0.1:1/postgres", 1)) {
			SQLException failure = failureOf(pool::getConnection);
			assertThat((Throwable) failure).hasMessageContaining("request timed out").hasCauseInstanceOf(SQLException.class);
			assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.TRANSIENT);
			assertThat(AcquisitionFailureClassifier.describe(failure)).doesNotContain("request timed out")
				.contains("refused");
		}
	}

	@Test
	void poolTimeoutOfAHealthyButBusyPoolIsSaturation() throws SQLException {
		try (HikariDataSource pool = pool(server.jdbcUrl(), 1); Connection busy = pool.getConnection()) {
			SQLException failure = failureOf(pool::getConnection);
			assertThat((Throwable) failure).hasMessageContaining("request timed out").hasNoCause();
			assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.SATURATED);
		}
	}

	@Test
	void interruptedWaitIsNeitherADatabaseFailureNorWorthRetrying() throws SQLException {
		try (HikariDataSource pool = pool(server.jdbcUrl(), 1); Connection busy = pool.getConnection()) {
			Thread.currentThread().interrupt();
			SQLException failure = failureOf(pool::getConnection);
			try {
				assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.INTERRUPTED);
				assertThat(AcquisitionFailureClassifier.isDatabaseFailure(failure)).isFalse();
				assertThat(AcquisitionFailureClassifier.isWorthRetrying(failure)).isFalse();
			}
			finally {
				Thread.interrupted();
			}
		}
	}

	@Test
	void driversRuntimeFailureIsNotCountedAgainstTheDatabase() {
		IllegalStateException failure = new IllegalStateException("a bug in a driver or a data source of the application");
		assertThat(AcquisitionFailureClassifier.classify(failure)).isEqualTo(FailureKind.OTHER);
		assertThat(AcquisitionFailureClassifier.isDatabaseFailure(failure)).isFalse();
		assertThat(AcquisitionFailureClassifier.isWorthRetrying(failure)).isFalse();
	}

	private static HikariDataSource pool(String jdbcUrl, int size) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(jdbcUrl);
		pool.setUsername(server.username());
		pool.setPassword(server.password());
		pool.setMaximumPoolSize(size);
		pool.setConnectionTimeout(500);
		pool.setInitializationFailTimeout(-1);
		return pool;
	}

	private static Connection connect(String jdbcUrl, String username, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", username);
		properties.setProperty("password", password);
		properties.setProperty("connectTimeout", "2");
		return DriverManager.getConnection(jdbcUrl, properties);
	}

	private static SQLException failureOf(Executable action) {
		SQLException failure = catchThrowableOfType(SQLException.class, action::execute);
		assertThat((Throwable) failure).as("the action fails with an SQLException").isNotNull();
		return failure;
	}

	private static String uniqueName(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
	}

}
