package dev.poolguard.autoconfigure.actuate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.budget.BudgetReport;
import dev.poolguard.autoconfigure.budget.ConnectionBudget;
import dev.poolguard.autoconfigure.budget.PoolGuardBudgetAutoConfiguration;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application without {@code spring.application.name} (Spring PetClinic sets none) on
 * a database another Java application also uses. Both used to carry pgjdbc's default
 * name, so PoolGuard counted the other application's connections as its own, advised
 * raising {@code poolguard.instances}, and counted its own health connection as another
 * client. Its connections now carry a name of their own, and PoolGuard's side connection
 * is told apart from both.
 */
class ConnectionOwnershipIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardServerAutoConfiguration.class,
				PoolGuardBudgetAutoConfiguration.class, PoolGuardActuatorAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"poolguard.connection-limit=2", "poolguard.server-metrics.interval=1s",
				"management.endpoints.web.exposure.include=poolguard");

	@Test
	void anotherJavaApplicationsConnectionsAreNotCountedAsThisOnes() throws SQLException {
		List<Connection> otherApplication = new ArrayList<>();
		try {
			for (int i = 0; i < 4; i++) {
				// pgjdbc's default application name, as any Java client without one has.
				otherApplication.add(DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password()));
			}
			this.contextRunner.run((context) -> {
				context.getBean(DataSource.class).getConnection().close();
				PoolGuardEndpoint endpoint = context.getBean(PoolGuardEndpoint.class);
				await().untilAsserted(() -> assertThat(total(endpoint, "application")).isEqualTo(2));
				assertThat(total(endpoint, "others")).isGreaterThanOrEqualTo(4);
				assertThat(total(endpoint, "poolguard")).as("the sample's own side connection").isEqualTo(1);

				BudgetReport budget = await().until(() -> context.getBean(ConnectionBudget.class).report(),
						(report) -> report.serverLimits() != null);
				assertThat(budget.serverLimits().applicationConnections())
					.as("read before the pool started: the other application's are not this one's")
					.isZero();
				assertThat(budget.serverLimits().otherClientConnections()).isGreaterThanOrEqualTo(4);
				assertThat(budget.notes()).noneMatch((note) -> note.contains("poolguard.instances is probably too low"));
			});
		}
		finally {
			for (Connection connection : otherApplication) {
				connection.close();
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static long total(PoolGuardEndpoint endpoint, String client) {
		Map<String, Object> server = (Map<String, Object>) endpoint.poolguard().get("server");
		Map<String, Object> connections = (Map<String, Object>) server.get(client);
		return (connections != null) ? ((Number) connections.get("total")).longValue() : -1;
	}

}
