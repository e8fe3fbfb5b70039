package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Resilience4j is in charge of acquisition, so its numbers mean what its users expect:
 * every acquisition reaches the breaker and the retry with its real duration, a cancelled
 * request or a shutdown is not a database failure, and {@code poolguard.max-waiting} is a
 * bound that concurrent callers cannot slip past together.
 */
class Resilience4jInChargeIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"poolguard.connection-limit=2");

	@Test
	void everyAcquisitionReachesTheBreakerAndTheRetryWithItsRealDuration() {
		this.contextRunner.run((context) -> {
			GuardedHikariDataSource pool = context.getBean(GuardedHikariDataSource.class);
			CircuitBreaker breaker = pool.resilience().circuitBreaker();
			Retry retry = pool.resilience().retry();
			AtomicInteger successes = new AtomicInteger();
			AtomicInteger timed = new AtomicInteger();
			breaker.getEventPublisher().onSuccess((event) -> {
				successes.incrementAndGet();
				if (event.getElapsedDuration().toNanos() > 0) {
					timed.incrementAndGet();
				}
			});
			for (int i = 0; i < 1000; i++) {
				pool.getConnection().close();
			}
			assertThat(successes).as("success events: what resilience4j_circuitbreaker_calls counts").hasValue(1000);
			assertThat(timed).as("successes with a duration, for slow-call settings").hasValue(1000);
			assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1000);
		});
	}

	@Test
	void interruptedAcquisitionsOnAHealthyDatabaseNeverOpenTheBreaker() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=1", "poolguard.pool-timeout=10s",
					"poolguard.circuit-breaker.minimum-number-of-calls=2", "poolguard.max-waiting=20")
			.run((context) -> {
				GuardedHikariDataSource pool = context.getBean(GuardedHikariDataSource.class);
				CircuitBreaker breaker = pool.resilience().circuitBreaker();
				ExecutorService requests = Executors.newFixedThreadPool(6);
				try (Connection busy = pool.getConnection()) {
					List<Future<?>> waiting = new ArrayList<>();
					for (int i = 0; i < 3; i++) {
						waiting.add(requests.submit(() -> borrow(pool)));
					}
					await().until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 3);
					waiting.forEach((request) -> request.cancel(true));
					for (int i = 0; i < 3; i++) {
						requests.submit(() -> borrow(pool));
					}
					await().until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 3);
					requests.shutdownNow();
					assertThat(requests.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
					assertThat(busy.isValid(1)).isTrue();
				}
				assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
				borrow(pool);
			});
	}

	@Test
	void callersArrivingTogetherCannotSlipPastMaxWaiting() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=1", "poolguard.max-waiting=3",
				"poolguard.pool-timeout=10s")
			.run((context) -> {
				GuardedHikariDataSource pool = context.getBean(GuardedHikariDataSource.class);
				ExecutorService callers = Executors.newFixedThreadPool(20);
				AtomicInteger rejected = new AtomicInteger();
				CountDownLatch start = new CountDownLatch(1);
				try (Connection busy = pool.getConnection()) {
					for (int i = 0; i < 20; i++) {
						callers.execute(() -> {
							try {
								start.await();
								pool.getConnection().close();
							}
							catch (PoolSaturatedException ex) {
								rejected.incrementAndGet();
							}
							catch (SQLException | InterruptedException ex) {
								// Released when the test ends.
							}
						});
					}
					start.countDown();
					await().atMost(Duration.ofSeconds(5))
						.until(() -> rejected.get() == 17 && pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 3);
					assertThat(rejected).as("20 callers, 3 may wait").hasValue(17);
				}
				finally {
					callers.shutdownNow();
				}
			});
	}

	private static Void borrow(GuardedHikariDataSource pool) throws SQLException {
		pool.getConnection().close();
		return null;
	}

}
