package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.test.NetworkFault;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The database's bad days (seeds 000 and 003): the server goes away under load, or the
 * network to it turns into a black hole. Requests must fail fast and honestly while it
 * lasts, and the application must heal by itself when it ends.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseOutageIntegrationTests {

	private static PostgresServer server;

	private final String applicationName = "outage-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.username=" + server.username(),
				"spring.datasource.password=" + server.password(), "spring.application.name=" + this.applicationName,
				"poolguard.connection-limit=4", "poolguard.pool-timeout=1s", "poolguard.connect-timeout=1s",
				"poolguard.socket-timeout=2s", "poolguard.circuit-breaker.minimum-number-of-calls=4",
				"poolguard.circuit-breaker.sliding-window-size=10");

	@BeforeAll
	static void startServer() {
		server = PostgresServers.dedicated();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void serverStoppedUnderLoadOpensTheBreakerFailsFastAndServesAgainAfterRestart(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl()).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			CircuitBreaker breaker = context.getBean(GuardedHikariDataSource.class).resilience().circuitBreaker();
			try (RequestLoad load = new RequestLoad(dataSource, 4)) {
				await().until(() -> load.successesSince(0) > 20);

				server.stop();
				await().atMost(Duration.ofSeconds(20)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
				List<Long> rejections = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					long start = System.nanoTime();
					Throwable failure = catchThrowable(() -> dataSource.getConnection().close());
					long nanos = System.nanoTime() - start;
					if (failure instanceof DatabaseUnavailableException
							&& failure.getMessage().contains("circuit breaker is open")) {
						rejections.add(nanos);
					}
				}
				assertThat(rejections).as("acquisitions rejected by the open breaker").hasSizeGreaterThan(10);
				assertThat(Duration.ofNanos(median(rejections))).isLessThan(Duration.ofMillis(5));

				server.start();
				long accepting = System.nanoTime();
				await().atMost(Duration.ofSeconds(10)).until(() -> load.successesSince(accepting) > 0);
				assertThat(Duration.ofNanos(load.firstSuccessAfter(accepting) - accepting))
					.isLessThan(Duration.ofSeconds(2));
				await().until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
			}
		});
		assertThat(output).containsOnlyOnce("CLOSED -> OPEN")
			.contains("-> CLOSED: the database is back")
			.doesNotContain("PoolGuard did not try the database");
	}

	@Test
	void stoppedServerFailsEachRequestAtOnceInOneAttemptWithoutRetrying(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
					"poolguard.circuit-breaker.minimum-number-of-calls=100")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				CircuitBreaker breaker = context.getBean(GuardedHikariDataSource.class).resilience().circuitBreaker();
				dataSource.getConnection().close();
				server.stop();
				try {
					// The first request meets a dead connection; replacing it finds the server gone.
					await().atMost(Duration.ofSeconds(20)).until(() -> {
						Throwable failure = catchThrowable(() -> {
							try (Connection connection = dataSource.getConnection()) {
								connection.createStatement().execute("SELECT 1");
							}
						});
						return failure != null && failure.getMessage().contains("the database cannot be reached");
					});
					for (int i = 0; i < 5; i++) {
						int attemptsBefore = breaker.getMetrics().getNumberOfFailedCalls();
						Throwable failure = catchThrowable(() -> dataSource.getConnection().close());
						assertThat(failure).isInstanceOf(DatabaseUnavailableException.class)
							.hasMessageContaining("the database cannot be reached")
							.hasMessageContaining("refused");
						assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("attempts")
							.isEqualTo(attemptsBefore + 1);
					}
				}
				finally {
					server.start();
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> querySucceeds(dataSource));
			});
		assertThat(output).containsOnlyOnce("PoolGuard: the database cannot be reached")
			.contains("PoolGuard: the database answers again, after");
	}

	@Test
	void callerWaitingForABusyPoolIsReleasedAtOnceWhenTheServerStops() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(), "poolguard.connection-limit=1",
					"poolguard.pool-timeout=30s", "poolguard.socket-timeout=60s")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				ExecutorService requests = Executors.newFixedThreadPool(2);
				try {
					Future<?> longQuery = requests.submit(() -> {
						try (Connection connection = dataSource.getConnection()) {
							return connection.createStatement().execute("SELECT pg_sleep(60)");
						}
					});
					await().until(() -> activeConnections(pool) == 1);
					Future<WaitOutcome> waiting = requests.submit(() -> {
						long start = System.nanoTime();
						Throwable failure = catchThrowable(() -> dataSource.getConnection().close());
						return new WaitOutcome(failure, Duration.ofNanos(System.nanoTime() - start),
								Thread.currentThread().isInterrupted());
					});
					await().until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);

					server.stop();
					WaitOutcome outcome = waiting.get(20, TimeUnit.SECONDS);
					assertThat(outcome.failure()).isInstanceOf(DatabaseUnavailableException.class)
						.hasMessageContaining("could no longer be reached while the caller waited");
					assertThat(outcome.waited()).as("wait, with poolguard.pool-timeout=30s")
						.isLessThan(Duration.ofSeconds(10));
					assertThat(outcome.interrupted()).as("interrupted after the failure").isFalse();
					assertThat(catchThrowable(longQuery::get)).hasRootCauseInstanceOf(SQLException.class);
					assertThat(catchThrowable(() -> dataSource.getConnection().close()))
						.isInstanceOf(DatabaseUnavailableException.class)
						.hasMessageContaining("the database cannot be reached");
				}
				finally {
					requests.shutdownNow();
					server.start();
				}
			});
	}

	@Test
	void openBreakerLetsTrialCallsThroughAsSoonAsThePoolReachesTheDatabaseAgain() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
					"poolguard.circuit-breaker.wait-duration-in-open-state=60s")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				CircuitBreaker breaker = context.getBean(GuardedHikariDataSource.class).resilience().circuitBreaker();
				try (RequestLoad load = new RequestLoad(dataSource, 2)) {
					await().until(() -> load.successesSince(0) > 10);
					server.stop();
					await().atMost(Duration.ofSeconds(20)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);

					server.start();
					long accepting = System.nanoTime();
					await().atMost(Duration.ofSeconds(20)).until(() -> load.successesSince(accepting) > 0);
					assertThat(Duration.ofNanos(load.firstSuccessAfter(accepting) - accepting))
						.as("with wait-duration-in-open-state=60s")
						.isLessThan(Duration.ofSeconds(10));
				}
			});
	}

	@Test
	void networkBlackholeNeverHangsARequestBeyondTheDocumentedBound() throws Exception {
		try (NetworkFault network = NetworkFault.inFrontOf(server)) {
			this.contextRunner
				.withPropertyValues("spring.datasource.url=" + network.jdbcUrl(), "poolguard.retry.max-attempts=2",
						"poolguard.retry.initial-backoff=100ms", "poolguard.retry.max-backoff=100ms")
				.run((context) -> {
					DataSource dataSource = context.getBean(DataSource.class);
					CircuitBreaker breaker = context.getBean(GuardedHikariDataSource.class).resilience().circuitBreaker();
					try (RequestLoad load = new RequestLoad(dataSource, 3)) {
						await().until(() -> load.successesSince(0) > 20);

						network.freeze();
						await().atMost(Duration.ofSeconds(20))
							.until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
						long frozenAndOpen = System.nanoTime();
						await().until(() -> System.nanoTime() - frozenAndOpen > Duration.ofSeconds(2).toNanos());

						network.unfreeze();
						long healed = System.nanoTime();
						await().atMost(Duration.ofSeconds(10)).until(() -> load.successesSince(healed) > 0);
						load.close();
						// attempts x pool-timeout + backoff, then the statement's socket-timeout
						Duration bound = Duration.ofSeconds(2 * 1).plusMillis(100).plusSeconds(2);
						assertThat(load.longestRequest()).isLessThan(bound.plusSeconds(1));
					}
				});
		}
	}

	@Test
	void everyBackendTerminatedThePoolHealsAndTheNextRequestsSucceed() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl()).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			try (Connection connection = dataSource.getConnection()) {
				await().until(() -> server.countBackends(this.applicationName) == 4);
			}
			List<Integer> before = backendPids();
			assertThat(server.terminateBackends(this.applicationName)).isEqualTo(4);

			int failures = 0;
			while (!querySucceeds(dataSource)) {
				failures++;
				assertThat(failures).as("requests that met a terminated connection").isLessThanOrEqualTo(4);
			}
			for (int i = 0; i < 20; i++) {
				assertThat(querySucceeds(dataSource)).isTrue();
			}
			await().untilAsserted(() -> assertThat(backendPids()).hasSize(4).doesNotContainAnyElementsOf(before));
		});
	}

	private boolean querySucceeds(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.createStatement().execute("SELECT 1");
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private List<Integer> backendPids() {
		return server.query("SELECT pid FROM pg_stat_activity WHERE application_name = '" + this.applicationName + "'",
				(result) -> {
					List<Integer> pids = new ArrayList<>();
					while (result.next()) {
						pids.add(result.getInt(1));
					}
					return pids;
				});
	}

	private static int activeConnections(HikariDataSource pool) {
		HikariPoolMXBean statistics = pool.getHikariPoolMXBean();
		return (statistics != null) ? statistics.getActiveConnections() : 0;
	}

	private record WaitOutcome(Throwable failure, Duration waited, boolean interrupted) {
	}

	private static long median(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(Long::compare);
		return sorted.get(sorted.size() / 2);
	}

}
