package dev.poolguard.autoconfigure.budget;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.test.NetworkFault;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The budget's arithmetic against a real PostgreSQL started with
 * {@code max_connections=20} (and PostgreSQL's default
 * {@code superuser_reserved_connections=3}, so 17 slots for ordinary roles): each of
 * the server's, the role's and the database's limits decides the budget when it is the
 * smallest, instances and reserved connections divide it, and each instance's share
 * keeps one slot for PoolGuard's own side connection ({@link BudgetReport#SIDE_CONNECTIONS}).
 */
class ConnectionBudgetIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared(Map.of("max_connections", "20"));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardBudgetAutoConfiguration.class,
				DataSourceAutoConfiguration.class));

	@Test
	void maxConnectionsAloneDecidesTheBudget() {
		Account account = account(-1, -1);
		this.contextRunner.withPropertyValues(account.datasource()).run((context) -> {
			BudgetReport report = checked(context.getBean(ConnectionBudget.class));
			assertThat(report.serverLimits().maxConnections()).isEqualTo(20);
			assertThat(report.serverLimits().superuserReservedConnections()).isEqualTo(3);
			assertThat(report.usableConnections()).isEqualTo(17);
			assertThat(report.connectionBudget()).as("17 - 1 PoolGuard side connection").isEqualTo(16);
			assertThat(report.toMap()).containsEntry("limitedBy", "max_connections");
		});
	}

	@Test
	void roleConnectionLimitAloneDecidesTheBudget() {
		Account account = account(8, -1);
		this.contextRunner.withPropertyValues(account.datasource()).run((context) -> {
			BudgetReport report = checked(context.getBean(ConnectionBudget.class));
			assertThat(report.serverLimits().roleConnectionLimit()).isEqualTo(8);
			assertThat(report.usableConnections()).isEqualTo(8);
			assertThat(report.connectionBudget()).as("8 - 1 PoolGuard side connection").isEqualTo(7);
			assertThat(report.toMap()).containsEntry("limitedBy", "the role's CONNECTION LIMIT");
		});
	}

	@Test
	void databaseConnectionLimitAloneDecidesTheBudget() {
		Account account = account(-1, 6);
		this.contextRunner.withPropertyValues(account.datasource()).run((context) -> {
			BudgetReport report = checked(context.getBean(ConnectionBudget.class));
			assertThat(report.serverLimits().databaseConnectionLimit()).isEqualTo(6);
			assertThat(report.usableConnections()).isEqualTo(6);
			assertThat(report.connectionBudget()).as("6 - 1 PoolGuard side connection").isEqualTo(5);
			assertThat(report.toMap()).containsEntry("limitedBy", "the database's CONNECTION LIMIT");
		});
	}

	@Test
	void instancesDivideTheBudget() {
		Account account = account(-1, -1);
		this.contextRunner.withPropertyValues(account.datasource()).withPropertyValues("poolguard.instances=4")
			.run((context) -> assertThat(checked(context.getBean(ConnectionBudget.class)).connectionBudget())
				.as("17 / 4, rounded down, - 1 PoolGuard side connection")
				.isEqualTo(3));
	}

	@Test
	void reservedConnectionsAreKeptBeforeTheInstancesShare() {
		Account account = account(-1, -1);
		this.contextRunner.withPropertyValues(account.datasource())
			.withPropertyValues("poolguard.instances=2", "poolguard.reserved-connections=5")
			.run((context) -> {
				BudgetReport report = checked(context.getBean(ConnectionBudget.class));
				assertThat(report.connectionBudget()).as("(17 - 5) / 2 - 1").isEqualTo(5);
				assertThat(report.arithmetic())
					.contains("(17 - poolguard.reserved-connections 5) / poolguard.instances 2 - 1 PoolGuard side connection")
					.contains("= 5 per instance");
				assertThat(report.summary())
					.contains("/ instances 2 - 1 PoolGuard side connection = 5");
			});
	}

	@Test
	void poolWithinEightyPercentOfTheBudgetIsOk() {
		// Role limit 11 - 1 PoolGuard side connection = budget 10; 8 is 80 % of it.
		Account account = account(11, -1);
		this.contextRunner.withPropertyValues(account.datasource()).withPropertyValues("poolguard.connection-limit=8")
			.run((context) -> {
				BudgetReport report = checked(context.getBean(ConnectionBudget.class));
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.OK);
				assertThat(report.recommendedConnectionLimit()).isEqualTo(8);
			});
	}

	@Test
	void poolAboveEightyPercentOfTheBudgetIsTight() {
		// Role limit 11 - 1 PoolGuard side connection = budget 10; 9 is 90 % of it.
		Account account = account(11, -1);
		this.contextRunner.withPropertyValues(account.datasource()).withPropertyValues("poolguard.connection-limit=9")
			.run((context) -> {
				BudgetReport report = checked(context.getBean(ConnectionBudget.class));
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.TIGHT);
				assertThat(report.recommendedConnectionLimit()).isEqualTo(8);
			});
	}

	@Test
	void poolAboveTheBudgetIsOverAndTheRecommendationLeavesAFifthFree() {
		// Role limit 11 - 1 PoolGuard side connection = budget 10.
		Account account = account(11, -1);
		this.contextRunner.withPropertyValues(account.datasource()).withPropertyValues("poolguard.connection-limit=11")
			.run((context) -> {
				BudgetReport report = checked(context.getBean(ConnectionBudget.class));
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.OVER);
				assertThat(report.recommendedConnectionLimit()).isEqualTo(8);
				assertThat(report.table()).contains("poolguard.connection-limit 11 > budget 10")
					.contains("recommended")
					.contains("poolguard.connection-limit=8");
			});
	}

	@Test
	void connectionLimitSetThroughHikariPropertiesIsTheOneToChange() {
		// Role limit 5 - 1 PoolGuard side connection = budget 4; 80 % of it is 3.
		Account account = account(5, -1);
		this.contextRunner.withPropertyValues(account.datasource())
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=6")
			.run((context) -> {
				BudgetReport report = checked(context.getBean(ConnectionBudget.class));
				assertThat(report.connectionLimit()).isEqualTo(6);
				assertThat(report.connectionLimitProperty()).isEqualTo("spring.datasource.hikari.maximum-pool-size");
				assertThat(report.fix()).startsWith("Set spring.datasource.hikari.maximum-pool-size=3");
			});
	}

	@Test
	void connectionsOfOtherClientsAreReportedButNotSubtracted() throws Exception {
		Account account = account(-1, -1);
		Role other = server.createRole(unique("other"), "secret", -1);
		List<Connection> otherClients = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				otherClients.add(DriverManager.getConnection(server.jdbcUrl(account.database()) + "?ApplicationName=reports",
						other.name(), other.password()));
			}
			this.contextRunner.withPropertyValues(account.datasource()).run((context) -> {
				BudgetReport report = checked(context.getBean(ConnectionBudget.class));
				assertThat(report.serverLimits().otherClientConnections()).isGreaterThanOrEqualTo(3);
				assertThat(report.connectionBudget()).as("17 - 1 PoolGuard side connection, other clients not subtracted")
					.isEqualTo(16);
				assertThat(report.notes()).anySatisfy((note) -> assertThat(note)
					.contains("belong to other clients, more than poolguard.reserved-connections (0)"));
			});
		}
		finally {
			for (Connection connection : otherClients) {
				connection.close();
			}
		}
	}

	@Test
	void otherInstancesOfTheApplicationCountAsTheApplications() throws Exception {
		Account account = account(-1, -1);
		String applicationName = unique("orders");
		List<Connection> otherInstance = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				otherInstance.add(DriverManager.getConnection(
						server.jdbcUrl(account.database()) + "?ApplicationName=" + applicationName, account.role().name(),
						account.role().password()));
			}
			this.contextRunner.withPropertyValues(account.datasource())
				.withPropertyValues("spring.application.name=" + applicationName, "poolguard.connection-limit=2")
				.run((context) -> {
					BudgetReport report = checked(context.getBean(ConnectionBudget.class));
					assertThat(report.serverLimits().applicationConnections()).isEqualTo(3);
					assertThat(report.notes()).anySatisfy(
							(note) -> assertThat(note).contains("poolguard.instances is probably too low"));
				});
		}
		finally {
			for (Connection connection : otherInstance) {
				connection.close();
			}
		}
	}

	@Test
	void superuserIsNotHeldToRoleOrDatabaseLimits() {
		String database = unique("budget_db");
		server.createDatabase(database, null);
		server.setDatabaseConnectionLimit(database, 5);
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(database),
					"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password())
			.run((context) -> {
				BudgetReport report = checked(context.getBean(ConnectionBudget.class));
				assertThat(report.serverLimits().superuser()).isTrue();
				assertThat(report.connectionBudget()).as("17 - 1 PoolGuard side connection, database limit 5 ignored")
					.isEqualTo(16);
				assertThat(report.notes()).anySatisfy((note) -> assertThat(note).contains("is a superuser"));
			});
	}

	@Test
	void reportAnswersAtOnceWhileTheServerDoesNotAnswer() throws Exception {
		Account account = account(-1, -1);
		try (NetworkFault fault = NetworkFault.inFrontOf(server)) {
			fault.freeze();
			this.contextRunner
				.withPropertyValues("spring.datasource.url=" + fault.jdbcUrl(account.database()),
						"spring.datasource.username=" + account.role().name(),
						"spring.datasource.password=" + account.role().password())
				.run((context) -> {
					ConnectionBudget budget = context.getBean(ConnectionBudget.class);
					for (int i = 0; i < 20; i++) {
						long start = System.nanoTime();
						assertThat(budget.report().verdict()).isEqualTo(BudgetVerdict.UNKNOWN);
						assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
					}
				});
		}
	}

	@Test
	void reportNeverShowsThePassword() {
		String password = "budget-pw-" + UUID.randomUUID();
		Role role = server.createRole(unique("secretive"), password, 1);
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl() + "?password=" + password,
					"spring.datasource.username=" + role.name(), "poolguard.connection-limit=5")
			.run((context) -> {
				BudgetReport report = checked(context.getBean(ConnectionBudget.class));
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.OVER);
				assertThat(report.table() + report.summary() + report.fix() + report.toMap()).doesNotContain(password)
					.contains(server.jdbcUrl());
			});
	}

	@Test
	void budgetIsPublishedAsAGauge() {
		Account account = account(7, -1);
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues(account.datasource())
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().untilAsserted(() -> assertThat(registry.get("poolguard.budget.connections").gauge().value())
					.as("role limit 7 - 1 PoolGuard side connection")
					.isEqualTo(6));
			});
	}

	@Test
	void budgetModeOffChecksNothing() {
		this.contextRunner.withPropertyValues(account(-1, -1).datasource())
			.withPropertyValues("poolguard.budget.mode=off")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ConnectionBudget.class));
	}

	/**
	 * Waits for the first reading of the server's limits; the startup check has already
	 * asked for it.
	 */
	private static BudgetReport checked(ConnectionBudget budget) {
		return await().until(budget::report, (report) -> report.verdict() != BudgetVerdict.UNKNOWN);
	}

	/**
	 * A role and a database of its own, with the given connection limits ({@code -1}
	 * for none), so that each test's limits are its own.
	 */
	private static Account account(int roleLimit, int databaseLimit) {
		Role role = server.createRole(unique("budget_app"), "secret", roleLimit);
		String database = unique("budget_db");
		server.createDatabase(database, role.name());
		if (databaseLimit >= 0) {
			server.setDatabaseConnectionLimit(database, databaseLimit);
		}
		return new Account(role, database);
	}

	private static String unique(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
	}

	private record Account(Role role, String database) {

		String[] datasource() {
			return new String[] { "spring.datasource.url=" + server.jdbcUrl(this.database),
					"spring.datasource.username=" + this.role.name(),
					"spring.datasource.password=" + this.role.password() };
		}

	}

}
