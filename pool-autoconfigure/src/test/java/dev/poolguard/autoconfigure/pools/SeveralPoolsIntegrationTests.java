package dev.poolguard.autoconfigure.pools;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.actuate.PoolGuardActuatorAutoConfiguration;
import dev.poolguard.autoconfigure.actuate.PoolGuardEndpoint;
import dev.poolguard.autoconfigure.budget.BudgetReport;
import dev.poolguard.autoconfigure.budget.BudgetVerdict;
import dev.poolguard.autoconfigure.budget.ConnectionBudget;
import dev.poolguard.autoconfigure.budget.ConnectionBudgets;
import dev.poolguard.autoconfigure.budget.PoolGuardBudgetAutoConfiguration;
import dev.poolguard.autoconfigure.metrics.PoolGuardMetricsAutoConfiguration;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application with two pools on one server (seed 002: the API's pool and one for
 * scripts): each is tuned and guarded under its own name, with its own settings, breaker,
 * health component, endpoint entry and meters, and both count in one budget.
 */
@ExtendWith(OutputCaptureExtension.class)
class SeveralPoolsIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final String applicationName = "pools-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardServerAutoConfiguration.class,
				PoolGuardBudgetAutoConfiguration.class, PoolGuardActuatorAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withUserConfiguration(ScriptsPoolConfiguration.class)
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"app.datasource.scripts.hikari.jdbc-url=" + server.jdbcUrl(),
				"app.datasource.scripts.hikari.username=" + server.username(),
				"app.datasource.scripts.hikari.password=" + server.password(),
				"spring.application.name=" + this.applicationName, "poolguard.server-metrics.enabled=false");

	@Test
	void topLevelSettingsApplyToEveryPoolAndAPoolsOwnOverrideToThatPoolOnly() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=4", "poolguard.pools.scripts.connection-limit=2",
					"poolguard.pools.scripts.pool-timeout=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(springBootPool(context).getMaximumPoolSize()).isEqualTo(4);
				assertThat(springBootPool(context).getConnectionTimeout()).isEqualTo(5_000);
				assertThat(scripts(context).getMaximumPoolSize()).isEqualTo(2);
				assertThat(scripts(context).getConnectionTimeout()).isEqualTo(1_000);
				assertThat(context.getBean(TunedPools.class).get("scripts").properties().getConnectionLimit())
					.isEqualTo(2);
			});
	}

	@Test
	void environmentVariableSpellingOfAPoolsNameReachesThePool() {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("POOLGUARD_POOLS_SCRIPTS_CONNECTION_LIMIT", "3"))))
			.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(scripts(context).getMaximumPoolSize()).isEqualTo(3);
		});
	}

	@Test
	void aPoolsOwnHikariSettingWinsOverTheTopLevelValue() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=6", "app.datasource.scripts.hikari.maximum-pool-size=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(springBootPool(context).getMaximumPoolSize()).isEqualTo(6);
				assertThat(scripts(context).getMaximumPoolSize()).isEqualTo(3);
			});
	}

	@Test
	void perPoolValueContradictingThePoolsOwnSettingStopsStartupNamingBoth() {
		this.contextRunner
			.withPropertyValues("poolguard.pools.scripts.connection-limit=5",
					"app.datasource.scripts.hikari.maximum-pool-size=3")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("poolguard.pools.scripts.connection-limit")
				.hasMessageContaining("the scripts bean sets the same setting to 3"));
	}

	@Test
	void perPoolValueIsValidatedLikeATopLevelOneAndNamedAsWritten() {
		this.contextRunner.withPropertyValues("poolguard.pools.scripts.retry.max-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("poolguard.pools.scripts.retry.max-attempts"));
	}

	@Test
	void settingOfTheWholeApplicationUnderAPoolIsRejected() {
		this.contextRunner.withPropertyValues("poolguard.pools.scripts.instances=3")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("poolguard.pools.scripts.instances"));
	}

	@Test
	void settingsForAPoolThatDoesNotExistAreReportedAsUnused(CapturedOutput output) {
		this.contextRunner.withPropertyValues("poolguard.pools.scirpts.connection-limit=2").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("PoolGuard found no DataSource bean named 'scirpts'")
				.contains("poolguard.pools.scirpts");
		});
	}

	@Test
	void poolLeftOutIsNeitherTunedNorGuardedNorObserved() {
		this.contextRunner.withPropertyValues("poolguard.pools.scripts.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("scripts")).isNotInstanceOf(GuardedHikariDataSource.class);
			assertThat(context.getBean(TunedPools.class).all()).extracting("name").containsExactly("dataSource");
			assertThat(context.getBean("poolguardHealthIndicator")).isInstanceOf(HealthIndicator.class);
			assertThat(context.getBean(ConnectionBudgets.class).all()).singleElement()
				.satisfies((budget) -> assertThat(budget.pools()).extracting("name").containsExactly("dataSource"));
		});
	}

	@Test
	void eachPoolHasItsOwnBreakerAndRetryWithItsOwnSettings() {
		this.contextRunner.withPropertyValues("poolguard.pools.scripts.circuit-breaker.failure-rate-threshold=25",
				"poolguard.pools.scripts.retry.max-attempts=2", "poolguard.pools.scripts.max-waiting=7")
			.run((context) -> {
				GuardedHikariDataSource springBootPool = (GuardedHikariDataSource) springBootPool(context);
				GuardedHikariDataSource scripts = (GuardedHikariDataSource) scripts(context);
				assertThat(springBootPool.resilience().circuitBreaker().getName()).isEqualTo("poolguard");
				assertThat(scripts.resilience().circuitBreaker().getName()).isEqualTo("poolguard-scripts");
				assertThat(springBootPool.resilience().circuitBreaker().getCircuitBreakerConfig()
					.getFailureRateThreshold()).isEqualTo(50);
				assertThat(scripts.resilience().circuitBreaker().getCircuitBreakerConfig().getFailureRateThreshold())
					.isEqualTo(25);
				assertThat(scripts.resilience().retry().getName()).isEqualTo("poolguard-scripts");
				assertThat(scripts.resilience().retry().getRetryConfig().getMaxAttempts()).isEqualTo(2);
				assertThat(springBootPool.resilience().retry().getRetryConfig().getMaxAttempts()).isEqualTo(3);
				assertThat(scripts.resilience().maxWaiting()).isEqualTo(7);
			});
	}

	@Test
	void resilience4jPropertiesOfAPoolsInstanceOverrideItsSettingsOneByOne() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(CircuitBreakerAutoConfiguration.class, RetryAutoConfiguration.class))
			.withPropertyValues("resilience4j.circuitbreaker.instances.poolguard-scripts.failure-rate-threshold=30",
					"resilience4j.retry.instances.poolguard-scripts.max-attempts=4",
					"poolguard.pools.scripts.circuit-breaker.sliding-window-size=12")
			.run((context) -> {
				GuardedHikariDataSource scripts = (GuardedHikariDataSource) scripts(context);
				assertThat(scripts.resilience().circuitBreaker())
					.isSameAs(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("poolguard-scripts"));
				CircuitBreakerConfig config = scripts.resilience().circuitBreaker().getCircuitBreakerConfig();
				assertThat(config.getFailureRateThreshold()).isEqualTo(30);
				assertThat(config.getSlidingWindowSize()).as("the pool's own PoolGuard setting").isEqualTo(12);
				assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).as("PoolGuard's 1s, not 60s")
					.isEqualTo(1000);
				assertThat(scripts.resilience().retry())
					.isSameAs(context.getBean(RetryRegistry.class).retry("poolguard-scripts"));
				assertThat(scripts.resilience().retry().getRetryConfig().getMaxAttempts()).isEqualTo(4);
				GuardedHikariDataSource springBootPool = (GuardedHikariDataSource) springBootPool(context);
				assertThat(springBootPool.resilience().circuitBreaker().getCircuitBreakerConfig()
					.getFailureRateThreshold()).isEqualTo(50);
			});
	}

	@Test
	void healthEndpointAndMetersShowEachPoolUnderItsName() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					PoolGuardMetricsAutoConfiguration.class))
			.withPropertyValues("poolguard.pools.scripts.connection-limit=2",
					"management.endpoints.web.exposure.include=poolguard")
			.run((context) -> {
				try (Connection connection = scripts(context).getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
				HealthContributor contributor = context.getBean("poolguardHealthIndicator", HealthContributor.class);
				assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
				CompositeHealthContributor composite = (CompositeHealthContributor) contributor;
				HealthIndicator scriptsHealth = (HealthIndicator) composite.getContributor("scripts");
				assertThat(scriptsHealth.health(true).getStatus()).isEqualTo(Status.UP);
				assertThat(details(scriptsHealth.health(true).getDetails(), "pool")).containsEntry("max", 2);
				assertThat(composite.getContributor("dataSource")).isNotNull();

				Map<String, Object> endpoint = context.getBean(PoolGuardEndpoint.class).poolguard();
				Map<String, Object> pools = details(endpoint, "pools");
				assertThat(pools).containsOnlyKeys("dataSource", "scripts");
				assertThat(details(details(pools, "scripts"), "pool")).containsEntry("max", 2);
				assertThat(details(details(pools, "scripts"), "circuitBreaker")).containsEntry("name",
						"poolguard-scripts");

				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("poolguard.acquire").tag("pool", "scripts").timers()).isNotEmpty();
				assertThat(registry.get("poolguard.pool.utilization").tag("pool", "scripts").gauge()).isNotNull();
				assertThat(registry.get("poolguard.pool.utilization").tag("pool", "dataSource").gauge()).isNotNull();
			});
	}

	@Test
	void eachPoolIsResizedByNameWithinWhatItsServerLeavesIt() {
		this.contextRunner
			.withPropertyValues("poolguard.endpoint.resize-enabled=true",
					"management.endpoints.web.exposure.include=poolguard", "poolguard.connection-limit=4",
					"poolguard.pools.scripts.connection-limit=2")
			.run((context) -> {
				PoolGuardEndpoint endpoint = context.getBean(PoolGuardEndpoint.class);
				ConnectionBudget budget = context.getBean(ConnectionBudgets.class)
					.of(context.getBean(TunedPools.class).get("scripts"));
				int shared = checked(budget).connectionBudget();
				assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> endpoint.resize(3))
					.withMessageContaining("/actuator/poolguard/<pool>");
				endpoint.resizePool("scripts", 3);
				assertThat(scripts(context).getMaximumPoolSize()).isEqualTo(3);
				assertThat(springBootPool(context).getMaximumPoolSize()).isEqualTo(4);
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.resizePool("scripts", shared - 4 + 1))
					.withMessageContaining("(" + (shared - 4) + ")");
			});
	}

	@Test
	void twoPoolsOnOneServerAreAddedUpInOneBudget() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=4", "poolguard.pools.scripts.connection-limit=2")
			.run((context) -> {
				ConnectionBudgets budgets = context.getBean(ConnectionBudgets.class);
				TunedPools pools = context.getBean(TunedPools.class);
				ConnectionBudget budget = budgets.of(pools.get("scripts"));
				assertThat(budgets.of(pools.get("dataSource"))).isSameAs(budget);
				assertThat(budgets.all()).hasSize(1);
				BudgetReport report = checked(budget);
				assertThat(report.connectionLimit()).isEqualTo(6);
				assertThat(report.toMap()).containsEntry("pools", Map.of("dataSource", 4, "scripts", 2));
				assertThat(report.arithmetic()).contains("2 PoolGuard side connections");
			});
	}

	@Test
	void poolsThatEachFitTheRoleButNotTogetherAreOverBudgetAndStopStartup() {
		// 8 slots for the role: each pool of 4 fits alone (4 + 1 side connection), both
		// together with their 2 side connections (10) do not.
		Role role = server.createRole("pools_" + UUID.randomUUID().toString().substring(0, 8), "secret", 8);
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues(
				"spring.datasource.username=" + role.name(), "spring.datasource.password=secret",
				"app.datasource.scripts.hikari.username=" + role.name(),
				"app.datasource.scripts.hikari.password=secret", "poolguard.connection-limit=4",
				"poolguard.budget.mode=fail");
		runner.withPropertyValues("poolguard.pools.scripts.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed());
		runner.run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("the connection limits of pools dataSource 4 + scripts 4, together 8")
			.hasMessageContaining("> budget 6"));
	}

	private static BudgetReport checked(ConnectionBudget budget) {
		return await().atMost(Duration.ofSeconds(5))
			.until(budget::report, (report) -> report.verdict() != BudgetVerdict.UNKNOWN);
	}

	private static HikariDataSource springBootPool(org.springframework.context.ApplicationContext context) {
		return (HikariDataSource) context.getBean("dataSource", DataSource.class);
	}

	private static HikariDataSource scripts(org.springframework.context.ApplicationContext context) {
		return (HikariDataSource) context.getBean("scripts", DataSource.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> details(Map<String, Object> map, String key) {
		return (Map<String, Object>) map.get(key);
	}

	/**
	 * A second pool as Spring Boot's documentation defines one: bound from a prefix of
	 * the application's own (as {@code @ConfigurationProperties} on the bean method
	 * would, which in a test would add to the generated configuration metadata), and
	 * not a default candidate for injection by type, so that Spring Boot's own pool is
	 * still built and used by its auto-configurations.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ScriptsPoolConfiguration {

		@Bean(defaultCandidate = false)
		HikariDataSource scripts(Environment environment) {
			return Binder.get(environment)
				.bind("app.datasource.scripts.hikari", Bindable.ofInstance(new HikariDataSource()))
				.get();
		}

	}

}
