package dev.poolguard.autoconfigure.budget;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.test.NetworkFault;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code poolguard.budget.mode} does at startup (seeds 002 and 004: a pool that fits
 * one instance but not five is found before the server refuses connections, not after):
 * {@code fail} stops startup with the arithmetic, {@code warn} logs one line, {@code off}
 * checks nothing, and a database that cannot be reached never holds startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class BudgetStartupIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared(Map.of("max_connections", "20"));

	private static final String PASSWORD = "startup-pw-" + UUID.randomUUID();

	/**
	 * Role limit 9: one instance's budget is 9 - 1 PoolGuard side connection = 8.
	 */
	private static final Role role = server.createRole("budget_startup", PASSWORD, 9);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardBudgetAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(), "spring.datasource.username=" + role.name(),
				"spring.datasource.password=" + role.password());

	@Test
	void failModeStopsStartupOfAnOverBudgetPool() {
		this.contextRunner.withPropertyValues("poolguard.budget.mode=fail", "poolguard.connection-limit=10")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.as("the check runs as the pool's bean is created, so its exception comes wrapped in that bean's")
				.hasRootCauseInstanceOf(ConnectionBudgetExceededException.class));
	}

	@Test
	void failureAnalysisShowsTheArithmeticAndTheFix() {
		this.contextRunner
			.withPropertyValues("poolguard.budget.mode=fail", "poolguard.connection-limit=10", "poolguard.instances=2",
					"poolguard.reserved-connections=1")
			.run((context) -> {
				FailureAnalysis analysis = new ConnectionBudgetFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("PoolGuard connection budget: OVER")
					.contains("max_connections 20 - superuser_reserved_connections 3")
					.contains("role budget_startup CONNECTION LIMIT")
					.contains("min(17, 9, none)")
					.contains(
							"(9 - poolguard.reserved-connections 1) / poolguard.instances 2 - 1 PoolGuard side connection")
					.contains("= 3 per instance")
					.contains("poolguard.connection-limit 10 > budget 3")
					.containsPattern("recommended +poolguard.connection-limit=2 \\(80 % of the budget\\)")
					.doesNotContain(PASSWORD);
				assertThat(analysis.getAction()).contains("Set poolguard.connection-limit=2 (at most 3)")
					.contains("ALTER ROLE budget_startup CONNECTION LIMIT n")
					.contains("poolguard.budget.mode=warn")
					.doesNotContain(PASSWORD);
			});
	}

	@Test
	void failModeStartsAPoolWithinTheBudget() {
		this.contextRunner.withPropertyValues("poolguard.budget.mode=fail", "poolguard.connection-limit=6")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void warnModeStartsAnOverBudgetPoolWithOneWarningLine(CapturedOutput output) {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=10").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output.getOut().lines().filter((line) -> line.contains("WARN") && line.contains("PoolGuard")))
				.singleElement()
				.asString()
				.contains("PoolGuard connection budget OVER: poolguard.connection-limit 10 > budget 8")
				.contains("Set poolguard.connection-limit=6")
				.doesNotContain(PASSWORD);
		});
	}

	@Test
	void poolWithinTheBudgetIsLoggedAsInformation(CapturedOutput output) {
		this.contextRunner.withPropertyValues("poolguard.connection-limit=4").run((context) -> {
			assertThat(output.getOut())
				.contains("PoolGuard connection budget OK: poolguard.connection-limit 4 = 50 % of budget 8");
			assertThat(output.getOut().lines().filter((line) -> line.contains("WARN"))).isEmpty();
		});
	}

	@Test
	void offModeChecksNothing(CapturedOutput output) {
		this.contextRunner.withPropertyValues("poolguard.budget.mode=off", "poolguard.connection-limit=10")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ConnectionBudget.class);
				assertThat(output.getOut()).doesNotContain("PoolGuard connection budget");
			});
	}

	@Test
	void nonPostgresDataSourceIsNotChecked(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:mysql://localhost:1/db",
					"spring.datasource.driver-class-name=org.postgresql.Driver", "poolguard.budget.mode=fail")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BudgetReport report = context.getBean(ConnectionBudget.class).report();
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.UNKNOWN);
				assertThat(report.reason()).contains("PoolGuard did not tune a PostgreSQL pool");
				assertThat(output.getOut()).doesNotContain("PoolGuard connection budget");
			});
	}

	@Test
	void databaseDownAtStartupNeverStopsStartupAndIsCheckedAgainLater(CapturedOutput output) {
		try (PostgresServer stopped = PostgresServers.dedicated(Map.of("max_connections", "20"))) {
			stopped.stop();
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
						PoolGuardResilienceAutoConfiguration.class, PoolGuardBudgetAutoConfiguration.class,
						DataSourceAutoConfiguration.class))
				.withPropertyValues("spring.datasource.url=" + stopped.jdbcUrl(),
						"spring.datasource.username=" + stopped.username(),
						"spring.datasource.password=" + stopped.password(), "poolguard.budget.mode=fail",
						"poolguard.instances=8")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					ConnectionBudget budget = context.getBean(ConnectionBudget.class);
					assertThat(budget.report().verdict()).isEqualTo(BudgetVerdict.UNKNOWN);
					assertThat(budget.report().reason()).contains("refused");
					assertThat(output.getOut()).contains("PoolGuard connection budget UNKNOWN")
						.contains("Startup goes on; the budget is checked again in the background");

					stopped.start();
					await().atMost(Duration.ofSeconds(20))
						.until(() -> budget.report().verdict() == BudgetVerdict.OVER);
					// 17 / 8 instances - 1 PoolGuard side connection = 1 per instance.
					await().untilAsserted(() -> assertThat(output.getOut())
						.contains("PoolGuard connection budget OVER: poolguard.connection-limit 10 > budget 1")
						.contains("Startup was not stopped (poolguard.budget.mode=fail) because the server could not be reached then"));
				});
		}
	}

	@Test
	void databaseThatDoesNotAnswerHoldsStartupOnlyForTheCheckTimeout() throws Exception {
		try (NetworkFault fault = NetworkFault.inFrontOf(server)) {
			fault.freeze();
			long start = System.nanoTime();
			this.contextRunner
				.withPropertyValues("spring.datasource.url=" + fault.jdbcUrl(), "poolguard.budget.mode=fail",
						"poolguard.connection-limit=10")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(Duration.ofNanos(System.nanoTime() - start))
						.isLessThan(BudgetStartupCheck.STARTUP_WAIT.plusSeconds(5));
					assertThat(context.getBean(ConnectionBudget.class).report().verdict())
						.isEqualTo(BudgetVerdict.UNKNOWN);
				});
		}
	}

}
