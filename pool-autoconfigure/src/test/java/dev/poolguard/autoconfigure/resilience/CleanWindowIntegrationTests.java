package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The guard stops writing successes into a breaker window that holds nothing else, and
 * the breaker must open after exactly as many failures as if every success had been
 * written. Connections and failures come from a real PostgreSQL and a real refused
 * connection.
 */
class CleanWindowIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private static Connection connection;

	private static SQLException refused;

	@BeforeAll
	static void connectAndFail() throws SQLException {
		connection = DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
		refused = catchThrowableOfType(SQLException.class,
				() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/postgres", "nobody", "nothing"));
	}

	@AfterAll
	static void close() throws SQLException {
		connection.close();
	}

	@Test
	void breakerOpensAfterAsManyFailuresAsIfEverySuccessHadBeenRecorded() throws SQLException {
		PoolGuardProperties properties = new PoolGuardProperties();
		properties.getRetry().setEnabled(false);
		AcquisitionResilience resilience = AcquisitionResilience.of(properties);
		CircuitBreaker breaker = resilience.circuitBreaker();
		AcquisitionGuard guard = new AcquisitionGuard(new HikariDataSource(), null, breaker, null, 50,
				AcquisitionObserver.NONE, new AcquisitionEvents());
		for (int i = 0; i < 100; i++) {
			guard.acquire(() -> connection);
		}
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(20);
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(20);
		int failures = 0;
		while (breaker.getState() == CircuitBreaker.State.CLOSED) {
			catchThrowableOfType(SQLException.class, () -> guard.acquire(() -> {
				throw refused;
			}));
			failures++;
		}
		// Window of 20, failure-rate threshold 50 %: the 10th failure opens it.
		assertThat(failures).isEqualTo(10);
	}

	@Test
	void successesAreRecordedAgainUntilTheWindowIsCleanAfterAFailure() throws SQLException {
		PoolGuardProperties properties = new PoolGuardProperties();
		properties.getRetry().setEnabled(false);
		CircuitBreaker breaker = AcquisitionResilience.of(properties).circuitBreaker();
		AcquisitionGuard guard = new AcquisitionGuard(new HikariDataSource(), null, breaker, null, 50,
				AcquisitionObserver.NONE, new AcquisitionEvents());
		for (int i = 0; i < 30; i++) {
			guard.acquire(() -> connection);
		}
		catchThrowableOfType(SQLException.class, () -> guard.acquire(() -> {
			throw refused;
		}));
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		for (int i = 0; i < 19; i++) {
			guard.acquire(() -> connection);
		}
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("still in the window").isEqualTo(1);
		guard.acquire(() -> connection);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("aged out by recorded successes").isZero();
	}

}
