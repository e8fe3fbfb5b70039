package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A pool exhausted by slow work (seeds 000 and 004): the database is healthy, so the
 * breaker stays closed, and callers beyond {@code poolguard.max-waiting} are turned away
 * at once instead of queueing into timeouts.
 */
class PoolSaturationIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"poolguard.connection-limit=2");

	@Test
	void waitersPastMaxWaitingAreRejectedAtOnceAndTheBreakerStaysClosed() {
		this.contextRunner.withPropertyValues("poolguard.max-waiting=2", "poolguard.pool-timeout=10s")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				List<Connection> busy = List.of(pool.getConnection(), pool.getConnection());
				List<CompletableFuture<Connection>> waiters = new ArrayList<>();
				for (int i = 0; i < 2; i++) {
					waiters.add(CompletableFuture.supplyAsync(() -> connect(pool)));
				}
				await().until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 2);

				long start = System.nanoTime();
				PoolSaturatedException rejected = catchThrowableOfType(PoolSaturatedException.class,
						pool::getConnection);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well before pool-timeout")
					.isLessThan(Duration.ofSeconds(5));
				assertThat((Throwable) rejected).hasMessageContaining("poolguard.max-waiting=2")
					.hasMessageContaining("all 2 connections are busy");
				assertThat(rejected.getRetryAfter()).isEqualTo(Duration.ofSeconds(1));

				for (Connection connection : busy) {
					connection.close();
				}
				for (CompletableFuture<Connection> waiter : waiters) {
					waiter.get(5, TimeUnit.SECONDS).close();
				}
				assertBreakerClosedWithoutFailures(context.getBean(GuardedHikariDataSource.class).resilience());
			});
	}

	@Test
	void waiterThatWaitedPoolTimeoutGetsPoolSaturatedAndTheBreakerStaysClosed() {
		this.contextRunner.withPropertyValues("poolguard.pool-timeout=500ms").run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection()) {
				PoolSaturatedException timedOut = catchThrowableOfType(PoolSaturatedException.class,
						dataSource::getConnection);
				assertThat((Throwable) timedOut).hasMessageContaining("no connection came free within")
					.hasMessageContaining("the database is healthy");
			}
			AcquisitionResilience resilience = context.getBean(GuardedHikariDataSource.class).resilience();
			assertBreakerClosedWithoutFailures(resilience);
			assertThat(resilience.retry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isZero();
		});
	}

	private static void assertBreakerClosedWithoutFailures(AcquisitionResilience resilience) {
		assertThat(resilience.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	private static Connection connect(DataSource dataSource) {
		try {
			return dataSource.getConnection();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
