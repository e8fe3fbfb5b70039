package dev.poolguard.autoconfigure;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rule that stops startup, and what the person reading the failure is told. The
 * pool never starts in these tests: configuration is checked before it does.
 */
class PoolGuardConfigurationFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/never-contacted");

	@Test
	void connectionLimitOfZeroIsRejected() {
		assertRejected("poolguard.connection-limit=0", "poolguard.connection-limit = 0",
				"at least one connection", "Set it to 1 or more");
	}

	@Test
	void negativeConnectionLimitIsRejected() {
		assertRejected("poolguard.connection-limit=-5", "poolguard.connection-limit = -5",
				"at least one connection", "Set it to 1 or more");
	}

	@Test
	void minIdleAboveConnectionLimitIsRejected() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=5", "poolguard.min-idle=8")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("poolguard.min-idle = 8")
				.contains("between 0 and connection-limit (5)"));
	}

	@Test
	void poolTimeoutUnder250MillisecondsIsRejected() {
		assertRejected("poolguard.pool-timeout=100ms", "poolguard.pool-timeout = 100ms", "less than 250ms",
				"250ms or more");
	}

	@Test
	void maxLifetimeUnder30SecondsIsRejected() {
		assertRejected("poolguard.max-lifetime=10s", "poolguard.max-lifetime = 10s", "at least 30s", "30s or more");
	}

	@Test
	void maxLifetimeNotAboveKeepaliveTimeIsRejected() {
		this.contextRunner.withPropertyValues("poolguard.max-lifetime=2m", "poolguard.keepalive-time=2m")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("poolguard.max-lifetime = 2m")
				.contains("longer than keepalive-time (2m)"));
	}

	@Test
	void keepaliveTimeUnder30SecondsIsRejected() {
		assertRejected("poolguard.keepalive-time=5s", "poolguard.keepalive-time = 5s", "every 30s",
				"0 to turn keep-alive off");
	}

	@Test
	void idleTimeoutUnder10SecondsIsRejected() {
		assertRejected("poolguard.idle-timeout=3s", "poolguard.idle-timeout = 3s", "sooner than 10s", "10s or more");
	}

	@Test
	void validationTimeoutLongerThanPoolTimeoutIsRejected() {
		this.contextRunner.withPropertyValues("poolguard.pool-timeout=2s", "poolguard.validation-timeout=3s")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("poolguard.validation-timeout = 3s")
				.contains("at most pool-timeout (2s)"));
	}

	@Test
	void leakDetectionThresholdUnder2SecondsIsRejected() {
		assertRejected("poolguard.leak-detection-threshold=500ms", "poolguard.leak-detection-threshold = 500ms",
				"at least 2s", "Set it to 0");
	}

	@Test
	void negativeStatementCacheSizeIsRejected() {
		assertRejected("poolguard.statement-cache-size=-1", "poolguard.statement-cache-size = -1", "0 or more",
				"Set it to 0 or more");
	}

	@Test
	void negativeStatementCacheMemoryIsRejected() {
		assertRejected("poolguard.statement-cache-size-mib=-2", "poolguard.statement-cache-size-mib = -2",
				"0 or more", "Set it to 0 or more");
	}

	@Test
	void negativePrepareThresholdIsRejected() {
		assertRejected("poolguard.prepare-threshold=-1", "poolguard.prepare-threshold = -1", "0 or more",
				"Set it to 0 or more");
	}

	@Test
	void socketTimeoutInFractionsOfASecondIsRejected() {
		assertRejected("poolguard.socket-timeout=500ms", "poolguard.socket-timeout = 500ms", "whole seconds",
				"Use whole seconds");
	}

	@Test
	void connectTimeoutInFractionsOfASecondIsRejected() {
		assertRejected("poolguard.connect-timeout=1500ms", "poolguard.connect-timeout = 1500ms", "whole seconds",
				"Use whole seconds");
	}

	@Test
	void adviceWindowUnderOneSecondIsRejected() {
		assertRejected("poolguard.budget.advice-window=500ms", "poolguard.budget.advice-window = 500ms",
				"at least a second of traffic", "Set it to 1s or more");
	}

	@Test
	void unknownBudgetModeIsRejected() {
		assertRejected("poolguard.budget.mode=sometimes", "poolguard.budget.mode = sometimes",
				"not one of fail, warn, off", "Use one of fail, warn, off");
	}

	@Test
	void durationThatDoesNotParseIsRejected() {
		assertRejected("poolguard.pool-timeout=soon", "poolguard.pool-timeout = soon", "not a duration",
				"such as 500ms, 5s or 2m");
	}

	@Test
	void connectionLimitThatIsNotANumberIsRejected() {
		assertRejected("poolguard.connection-limit=lots", "poolguard.connection-limit = lots", "not a whole number",
				"plain number");
	}

	@Test
	void zeroInstancesIsRejected() {
		assertRejected("poolguard.instances=0", "poolguard.instances = 0", "at least one instance",
				"number of instances you run");
	}

	@Test
	void negativeReservedConnectionsIsRejected() {
		assertRejected("poolguard.reserved-connections=-1", "poolguard.reserved-connections = -1", "negative",
				"0 or more");
	}

	@Test
	void negativeMaxWaitingIsRejected() {
		assertRejected("poolguard.max-waiting=-1", "poolguard.max-waiting = -1", "negative", "0 or more");
	}

	@Test
	void zeroRetryAttemptsIsRejected() {
		assertRejected("poolguard.retry.max-attempts=0", "poolguard.retry.max-attempts = 0", "at least 1",
				"poolguard.retry.enabled=false");
	}

	@Test
	void maxBackoffBelowInitialBackoffIsRejected() {
		this.contextRunner.withPropertyValues("poolguard.retry.initial-backoff=2s", "poolguard.retry.max-backoff=1s")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("poolguard.retry.max-backoff = 1s")
				.contains("at least initial-backoff (2s)"));
	}

	@Test
	void retryMultiplierBelowOneIsRejected() {
		assertRejected("poolguard.retry.multiplier=0.5", "poolguard.retry.multiplier = 0.5", "shrinks the wait",
				"1 or more");
	}

	@Test
	void retryJitterAboveOneIsRejected() {
		assertRejected("poolguard.retry.jitter=1.5", "poolguard.retry.jitter = 1.5", "fraction of the wait",
				"between 0 and 1");
	}

	@Test
	void failureRateThresholdAbove100IsRejected() {
		assertRejected("poolguard.circuit-breaker.failure-rate-threshold=150",
				"poolguard.circuit-breaker.failure-rate-threshold = 150", "percentage", "at most 100");
	}

	@Test
	void emptySlidingWindowIsRejected() {
		assertRejected("poolguard.circuit-breaker.sliding-window-size=0",
				"poolguard.circuit-breaker.sliding-window-size = 0", "at least one call", "1 or more");
	}

	@Test
	void zeroMinimumNumberOfCallsIsRejected() {
		assertRejected("poolguard.circuit-breaker.minimum-number-of-calls=0",
				"poolguard.circuit-breaker.minimum-number-of-calls = 0", "at least 1", "1 or more");
	}

	@Test
	void zeroWaitDurationInOpenStateIsRejected() {
		assertRejected("poolguard.circuit-breaker.wait-duration-in-open-state=0",
				"poolguard.circuit-breaker.wait-duration-in-open-state = 0", "longer than 0", "positive duration");
	}

	@Test
	void noHalfOpenProbesIsRejected() {
		assertRejected("poolguard.circuit-breaker.permitted-calls-in-half-open-state=0",
				"poolguard.circuit-breaker.permitted-calls-in-half-open-state = 0", "at least one probe",
				"1 or more");
	}

	@Test
	void saturationThresholdAboveOneIsRejected() {
		assertRejected("poolguard.health.saturation-threshold=80", "poolguard.health.saturation-threshold = 80",
				"fraction of the pool", "0.8 means 80 %");
	}

	@Test
	void serverMetricsIntervalUnderOneSecondIsRejected() {
		assertRejected("poolguard.server-metrics.interval=100ms", "poolguard.server-metrics.interval = 100ms",
				"more than once a second", "1s or more");
	}

	@Test
	void everyProblemIsReportedAtOnce() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=0", "poolguard.pool-timeout=10ms",
					"poolguard.retry.jitter=3")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("3 settings are wrong")
				.contains("poolguard.connection-limit = 0")
				.contains("poolguard.pool-timeout = 10ms")
				.contains("poolguard.retry.jitter = 3"));
	}

	@Test
	void invalidValueSetThroughHikariPropertiesNamesThatProperty() {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.max-lifetime=10000")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("spring.datasource.hikari.max-lifetime = 10s")
				.contains("at least 30s"));
	}

	@Test
	void invalidValueInTheJdbcUrlNamesTheUrl() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/db?prepareThreshold=-3")
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("poolguard.prepare-threshold = -3 (from the JDBC URL parameter prepareThreshold)"));
	}

	private void assertRejected(String property, String shown, String reason, String fix) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains(shown).contains(reason);
			assertThat(analysis.getAction()).contains(fix).contains("docs/configuration.md");
		});
	}

	static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		FailureAnalysis analysis = new PoolGuardBindFailureAnalyzer().analyze(failure);
		if (analysis == null) {
			analysis = new PoolGuardConfigurationFailureAnalyzer().analyze(failure);
		}
		assertThat(analysis).as("PoolGuard failure analysis of %s", failure).isNotNull();
		return analysis;
	}

}
