package dev.poolguard.autoconfigure.budget;

import java.util.Map;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.test.PgBouncer;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Behind a real PgBouncer in transaction mode (issue 15, case 2): a pool of 50 in front of a
 * server of 20 connections is fine, since PostgreSQL sees only PgBouncer's 5; the budget
 * holds the pool against PgBouncer's max_client_conn and PgBouncer's server pool against
 * the server, read through the admin console, and says what it cannot check without one.
 */
class PoolerBudgetIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared(Map.of("max_connections", "20"));

	private static PgBouncer pooler;

	private static PgBouncer oversizedPooler;

	private static PgBouncer poolerWithPasswords;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardBudgetAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.username=" + server.username(),
				"spring.datasource.password=" + server.password(), "poolguard.connection-limit=50",
				"poolguard.min-idle=1", "poolguard.budget.mode=fail");

	@BeforeAll
	static void startPoolers() {
		assumeTrue(PgBouncer.isAvailable(), PgBouncer.unavailableReason());
		pooler = PgBouncer.inFrontOf(server, "transaction", Map.of("default_pool_size", "5", "max_client_conn", "200"));
		oversizedPooler = PgBouncer.inFrontOf(server, "transaction",
				Map.of("default_pool_size", "30", "max_client_conn", "200"));
		poolerWithPasswords = PgBouncer.withPasswordsInFrontOf(server, "transaction",
				Map.of("default_pool_size", "5", "max_client_conn", "100"));
	}

	@AfterAll
	static void stopPoolers() {
		if (pooler != null) {
			pooler.close();
		}
		if (oversizedPooler != null) {
			oversizedPooler.close();
		}
		if (poolerWithPasswords != null) {
			poolerWithPasswords.close();
		}
	}

	@Test
	void poolOfFiftyBehindTransactionPoolerIsHeldAgainstMaxClientConnAndStarts() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + pooler.jdbcUrl(),
					"poolguard.pooler.admin-url=" + pooler.adminJdbcUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BudgetReport report = context.getBean(ConnectionBudget.class).report();
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.OK);
				assertThat(report.reason()).contains("max_client_conn (200)").contains("server connections (5");
				assertThat(report.table()).contains("pooler budget");
			});
	}

	@Test
	void adminConsoleThatAsksForAScramPasswordIsRead() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + poolerWithPasswords.jdbcUrl(),
					"poolguard.pooler.admin-url=" + poolerWithPasswords.adminJdbcUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BudgetReport report = context.getBean(ConnectionBudget.class).report();
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.OK);
				assertThat(report.reason()).contains("max_client_conn (100)");
			});
	}

	@Test
	void wrongAdminPasswordIsReportedAndNeverCalledOk() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + poolerWithPasswords.jdbcUrl(),
					"poolguard.pooler.admin-url=" + poolerWithPasswords.adminJdbcUrl(),
					"poolguard.pooler.admin-username=" + server.username(), "poolguard.pooler.admin-password=wrong")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BudgetReport report = context.getBean(ConnectionBudget.class).report();
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.UNKNOWN);
				assertThat(report.reason()).contains("admin console");
			});
	}

	@Test
	void withoutTheAdminConsoleTheReportSaysWhatItCannotCheckAndStartupGoesOn() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + pooler.jdbcUrl()).run((context) -> {
			assertThat(context).hasNotFailed();
			BudgetReport report = context.getBean(ConnectionBudget.class).report();
			assertThat(report.verdict()).isEqualTo(BudgetVerdict.UNKNOWN);
			assertThat(report.reason()).contains("client of the pooler").contains("poolguard.pooler.admin-url is not set");
			assertThat(report.notes()).anySatisfy((note) -> assertThat(note).contains("poolguard.pooler.admin-url"));
		});
	}

	@Test
	void poolerWhoseServerPoolIsLargerThanTheServerStopsStartupWithTheFix() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + oversizedPooler.jdbcUrl(),
					"poolguard.pooler.admin-url=" + oversizedPooler.adminJdbcUrl())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ConnectionBudgetExceededException.class);
				BudgetReport report = ((ConnectionBudgetExceededException) org.assertj.core.util.Throwables
					.getRootCause(context.getStartupFailure())).getReport();
				assertThat(report.verdict()).isEqualTo(BudgetVerdict.OVER);
				assertThat(report.fix()).contains("Lower the pooler's pool_size + reserve_pool to at most 16");
			});
	}

}
