package dev.poolguard.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static dev.poolguard.autoconfigure.PoolGuardConfigurationFailureTests.analysis;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration mistakes that used to slip through: a misspelt or unknown key, the
 * environment-variable form of a driver property PoolGuard covers, values past any
 * sensible bound. Each is reported at startup, naming the property as it was written;
 * one root problem gives one message.
 */
class StrictConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/never-contacted");

	@Test
	void misspeltKeyIsReportedWithThePropertyItProbablyMeant() {
		this.contextRunner.withPropertyValues("poolguard.conection-limit=5").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("one setting is wrong")
				.contains("poolguard.conection-limit = 5")
				.contains("PoolGuard has no such property, so the value would be ignored");
			assertThat(analysis.getAction())
				.contains("poolguard.conection-limit: Did you mean poolguard.connection-limit? Rename it.");
		});
	}

	@Test
	void misspeltNestedKeyIsReportedWithThePropertyItProbablyMeant() {
		this.contextRunner.withPropertyValues("poolguard.retry.max-atempts=4")
			.run((context) -> assertThat(analysis(context).getAction())
				.contains("Did you mean poolguard.retry.max-attempts?"));
	}

	@Test
	void unknownKeyLikeNoPropertyIsReportedWithoutAGuess() {
		this.contextRunner.withPropertyValues("poolguard.colour=blue").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("poolguard.colour = blue");
			assertThat(analysis.getAction()).contains("poolguard.colour: Remove it, or correct its name")
				.doesNotContain("Did you mean");
		});
	}

	@Test
	void relaxedFormsOfKnownPropertiesAreAccepted() {
		this.contextRunner
			.withPropertyValues("poolguard.connectionLimit=5", "poolguard.retry.max_attempts=2",
					"poolguard.circuit-breaker.slidingWindowSize=10", "poolguard.web.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void keysUnderMapsPerPoolAndUpcomingGroupsAreAccepted() {
		this.contextRunner
			.withPropertyValues("poolguard.driver-properties.sslmode=disable",
					"poolguard.pools.reporting.connection-limit=4", "poolguard.pools.reporting.retry.max-attempts=2",
					"poolguard.replica.url=jdbc:postgresql://replica/db", "poolguard.pooler.mode=transaction",
					"poolguard.test.postgres=embedded")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void misspeltKeyOfOnePoolIsReportedWithThePropertyItProbablyMeant() {
		this.contextRunner.withPropertyValues("poolguard.pools.reporting.conection-limit=4")
			.run((context) -> assertThat(analysis(context).getAction())
				.contains("Did you mean poolguard.pools.reporting.connection-limit?"));
	}

	@Test
	void misspeltEnvironmentVariableIsReportedAsWritten() {
		withEnvironmentVariables("POOLGUARD_CONECTION_LIMIT", "5", "POOLGUARD_RETRY_MAX_ATTEMPTS", "2")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("one setting is wrong")
					.contains("POOLGUARD_CONECTION_LIMIT = 5");
				assertThat(analysis.getAction()).contains("Did you mean POOLGUARD_CONNECTION_LIMIT?");
			});
	}

	@Test
	void environmentVariableOfADriverPropertyPoolGuardCoversIsRejected() {
		withEnvironmentVariables("POOLGUARD_DRIVER_PROPERTIES_SOCKETTIMEOUT", "0")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("one setting is wrong")
					.contains("POOLGUARD_DRIVER_PROPERTIES_SOCKETTIMEOUT = 0")
					.contains("it is a setting PoolGuard covers itself");
				assertThat(analysis.getAction())
					.contains("Set poolguard.socket-timeout (POOLGUARD_SOCKET_TIMEOUT) instead.");
			});
	}

	@Test
	void boundEnvironmentVariableOfADriverPropertyPoolGuardCoversIsRejected() {
		withEnvironmentVariables("POOLGUARD_DRIVERPROPERTIES_SOCKETTIMEOUT", "0")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("one setting is wrong")
				.contains("poolguard.driver-properties.sockettimeout = 0")
				.contains("it is a setting PoolGuard covers itself"));
	}

	@Test
	void environmentVariableOfADriverPropertyThatSpringBootDoesNotBindIsReported() {
		withEnvironmentVariables("POOLGUARD_DRIVER_PROPERTIES_SSLMODE", "require")
			.run((context) -> assertThat(analysis(context).getAction())
				.contains("Rename it POOLGUARD_DRIVERPROPERTIES_SSLMODE"));
	}

	@Test
	void driverPropertyInTheWrongCaseIsRejectedWithPgjdbcsSpelling() {
		this.contextRunner.withPropertyValues("poolguard.driver-properties.logintimeout=5").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("poolguard.driver-properties.logintimeout = 5")
				.contains("pgjdbc reads loginTimeout, with that case");
			assertThat(analysis.getAction()).contains("?loginTimeout=... in the JDBC URL");
		});
	}

	@Test
	void poolTimeoutPastTenMinutesIsRejected() {
		this.contextRunner.withPropertyValues("poolguard.pool-timeout=999999999999s").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("poolguard.pool-timeout = ").contains("hung thread");
			assertThat(analysis.getAction()).contains("poolguard.pool-timeout: Set it to 10m or less");
		});
	}

	@Test
	void valuesPastTheirBoundsAreRejectedEachUnderItsOwnName() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=100000", "poolguard.max-lifetime=30d",
					"poolguard.socket-timeout=100d", "poolguard.connect-timeout=1h",
					"poolguard.statement-cache-size=1000000", "poolguard.retry.max-attempts=100",
					"poolguard.retry.max-backoff=1h", "poolguard.circuit-breaker.wait-duration-in-open-state=1d")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("8 settings are wrong");
				assertThat(analysis.getAction()).contains("poolguard.connection-limit: Set it to 10000 or less")
					.contains("poolguard.max-lifetime: Set it to 24h or less")
					.contains("poolguard.socket-timeout: Set it to 24h or less")
					.contains("poolguard.connect-timeout: Set it to 5m or less")
					.contains("poolguard.statement-cache-size: Set it to 10000 or less")
					.contains("poolguard.retry.max-attempts: Set it to 10 or less")
					.contains("poolguard.retry.max-backoff: Set it to 1m or less")
					.contains("poolguard.circuit-breaker.wait-duration-in-open-state: Set it to 10m or less");
			});
	}

	@Test
	void negativeConnectionLimitIsOneProblemNotAlsoOneAboutMinIdle() {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=-5").run((context) -> {
			FailureAnalysis analysis = analysis(context);
			assertThat(analysis.getDescription()).contains("one setting is wrong")
				.contains("poolguard.connection-limit = -5")
				.doesNotContain("min-idle");
			assertThat(analysis.getAction()).doesNotContain("min-idle");
		});
	}

	private ApplicationContextRunner withEnvironmentVariables(String... namesAndValues) {
		Map<String, Object> variables = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			variables.put(namesAndValues[i], namesAndValues[i + 1]);
		}
		return this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					variables)));
	}

}
