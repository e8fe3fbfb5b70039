package dev.poolguard.autoconfigure.budget;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeds 001 and 002's worst case: a server of {@code max_connections=10} (7 slots for
 * ordinary roles) and {@code connection-limit 20}. The pool's minimum-idle connections
 * and Flyway would fill every slot, after which the budget check's own connection got
 * {@code 53300}, the verdict was UNKNOWN and {@code budget.mode=fail} let startup go on.
 * The check now runs before the pool starts, and a full server is a verdict of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerFilledBeforeTheCheckIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared(Map.of("max_connections", "10"));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardBudgetAutoConfiguration.class,
				DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(), "poolguard.pool-timeout=1s");

	@Test
	void failModeRefusesAPoolThatWouldFillTheServerBeforeFlywayRuns() {
		this.contextRunner.withPropertyValues(account()).withPropertyValues("poolguard.connection-limit=20",
				"poolguard.budget.mode=fail")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ConnectionBudgetExceededException.class)
					.hasMessageContaining("PoolGuard connection budget OVER")
					.hasMessageContaining("poolguard.connection-limit 20 > budget");
			});
	}

	@Test
	void warnModeLogsAWarningForThatPool(CapturedOutput output) {
		this.contextRunner.withPropertyValues(account()).withPropertyValues("poolguard.connection-limit=20",
				"spring.flyway.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).containsPattern("WARN .*PoolGuard connection budget OVER");
			});
	}

	@Test
	void serverAlreadyFullOfOtherClientsIsAFullVerdictNotAnUnknownOne() throws SQLException {
		Role others = server.createRole(unique("others"), "secret", -1);
		List<Connection> otherClients = new ArrayList<>();
		try {
			while (otherClients.size() < 10) {
				try {
					otherClients.add(DriverManager.getConnection(server.jdbcUrl(), others.name(), "secret"));
				}
				catch (SQLException full) {
					break;
				}
			}
			this.contextRunner.withPropertyValues(account())
				.withPropertyValues("poolguard.connection-limit=2", "poolguard.budget.mode=fail")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(ConnectionBudgetExceededException.class)
						.hasMessageContaining("PoolGuard connection budget FULL")
						.hasMessageContaining("SQLState 53300");
					assertThat(((ConnectionBudgetExceededException) rootCause(context.getStartupFailure())).getReport()
						.verdict()).isEqualTo(BudgetVerdict.FULL);
				});
		}
		finally {
			for (Connection connection : otherClients) {
				connection.close();
			}
		}
	}

	private static String[] account() {
		Role application = server.createRole(unique("app"), "secret", -1);
		return new String[] { "spring.datasource.username=" + application.name(),
				"spring.datasource.password=secret" };
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static String unique(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
	}

}
