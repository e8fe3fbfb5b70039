package dev.poolguard.autoconfigure.budget;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The advisor under a controlled load on a real PostgreSQL ({@code max_connections=20}):
 * requests arrive 50 times a second and each holds a connection in {@code pg_sleep}.
 * Little's law puts the demand at 50/s x 60 ms = 3 connections, and at 6 when the hold
 * time doubles; the advice follows it, and never goes past the budget.
 */
class SizingAdvisorIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared(Map.of("max_connections", "20"));

	private static final int ARRIVALS_PER_SECOND = 50;

	private static final Duration WINDOW = Duration.ofSeconds(3);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardBudgetAutoConfiguration.class,
				DataSourceAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				DataSourcePoolMetricsAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"poolguard.budget.advice-window=" + WINDOW.toSeconds() + "s");

	@Test
	void adviceFollowsTheHoldTimeWhenItDoubles() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=12").run((context) -> {
			SizingAdvisor advisor = context.getBean(SizingAdvisor.class);
			try (SteadyArrivals load = new SteadyArrivals(context.getBean(DataSource.class), ARRIVALS_PER_SECOND,
					Duration.ofMillis(60))) {
				SizingAdvice shortHolds = fullWindowSince(advisor, warmedUp());
				load.holdFor(Duration.ofMillis(120));
				SizingAdvice longHolds = fullWindowSince(advisor, Instant.now());

				assertThat(shortHolds.acquisitionsPerSecond()).isCloseTo(ARRIVALS_PER_SECOND, within(10.0));
				assertThat(longHolds.acquisitionsPerSecond()).isCloseTo(ARRIVALS_PER_SECOND, within(10.0));
				assertThat(shortHolds.meanDemand()).as(shortHolds.arithmetic()).isBetween(2.5, 4.5);
				assertThat(longHolds.meanDemand() / shortHolds.meanDemand()).as(longHolds.arithmetic())
					.isBetween(1.6, 2.4);
				assertThat((double) longHolds.recommendedConnectionLimit() / shortHolds.recommendedConnectionLimit())
					.as("%s%n%s", shortHolds.arithmetic(), longHolds.arithmetic())
					.isBetween(1.4, 2.6);
				assertThat(longHolds.cappedByBudget()).isFalse();
				assertThat(load.failures()).isZero();
			}
		});
	}

	@Test
	void adviceSizesForTheSlowEndOfTheHoldTimes() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=12").run((context) -> {
			SizingAdvisor advisor = context.getBean(SizingAdvisor.class);
			try (SteadyArrivals load = new SteadyArrivals(context.getBean(DataSource.class), ARRIVALS_PER_SECOND,
					Duration.ofMillis(60))) {
				SizingAdvice advice = fullWindowSince(advisor, warmedUp());
				assertThat(advice.p95HoldTime()).isBetween(Duration.ofMillis(55), Duration.ofMillis(120));
				assertThat(advice.demandWithHeadroom()).isGreaterThanOrEqualTo(advice.meanDemand());
				assertThat(advice.recommendedConnectionLimit())
					.isEqualTo((int) Math.ceil(advice.demandWithHeadroom() + advice.meanWaitingThreads() - 1e-9));
				assertThat(advice.arithmetic()).contains("demand (Little's law)").contains("p95");
			}
		});
	}

	@Test
	void adviceNeverGoesPastTheBudget() {
		// (20 - 3) / 3 instances - 1 PoolGuard side connection = 4 connections per
		// instance; the traffic needs about 6.
		this.contextRunner.withPropertyValues("poolguard.connection-limit=10", "poolguard.instances=3")
			.run((context) -> {
				SizingAdvisor advisor = context.getBean(SizingAdvisor.class);
				try (SteadyArrivals load = new SteadyArrivals(context.getBean(DataSource.class), ARRIVALS_PER_SECOND,
						Duration.ofMillis(120))) {
					SizingAdvice advice = fullWindowSince(advisor, warmedUp());
					assertThat(advice.neededConnections()).as(advice.arithmetic()).isGreaterThan(4);
					assertThat(advice.connectionBudget()).isEqualTo(4);
					assertThat(advice.recommendedConnectionLimit()).isEqualTo(4);
					assertThat(advice.cappedByBudget()).isTrue();
					assertThat(advice.toMap()).containsEntry("recommendedConnectionLimit", 4)
						.containsEntry("cappedByBudget", true)
						.containsKey("arithmetic");
				}
			});
	}

	@Test
	void withoutTrafficThereIsNoAdvice() {
		this.contextRunner.run((context) -> {
			SizingAdvice advice = context.getBean(SizingAdvisor.class).advise();
			assertThat(advice.recommendedConnectionLimit()).isNull();
			assertThat(advice.reason()).contains("no traffic to size from");
		});
	}

	/**
	 * When a load that starts now is past its first requests: new connections and code
	 * that has not been compiled yet make the first hold times of a test JVM slow.
	 */
	private static Instant warmedUp() {
		return Instant.now().plusSeconds(1);
	}

	/**
	 * The advice once a whole window of traffic after {@code start} is in, plus a little
	 * for requests of the earlier load still finishing.
	 */
	private static SizingAdvice fullWindowSince(SizingAdvisor advisor, Instant start) {
		Instant settled = start.plusMillis(500);
		return await().atMost(WINDOW.multipliedBy(4))
			.pollInterval(Duration.ofMillis(100))
			.until(advisor::advise, (advice) -> advice.recommendedConnectionLimit() != null
					&& advice.from().isAfter(settled) && advice.window().compareTo(WINDOW.minusMillis(400)) >= 0);
	}

}
