package dev.poolguard.autoconfigure.resilience;

import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A wrong password or a missing database can never succeed by waiting: PoolGuard fails
 * at once, without retrying, and says what is wrong instead of HikariCP's "Connection is
 * not available, request timed out".
 */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigurationIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@Test
	void wrongPasswordFailsAtOnceNamingTheCauseAndIsNotRetried(CapturedOutput output) {
		Role role = server.createRole("pw_" + UUID.randomUUID().toString().substring(0, 8).replace("-", ""),
				"the-right-password", -1);
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
					"spring.datasource.username=" + role.name(), "spring.datasource.password=Wr0ng-Pa55word-42")
			.run((context) -> {
				DatabaseUnavailableException failure = catchThrowableOfType(DatabaseUnavailableException.class,
						() -> context.getBean(DataSource.class).getConnection());
				assertThat((Throwable) failure).hasMessageContaining("password authentication failed")
					.hasMessageContaining("28P01")
					.hasMessageContaining("Check spring.datasource.username and spring.datasource.password")
					.hasMessageNotContaining("request timed out")
					.hasMessageNotContaining("Wr0ng-Pa55word-42");
				assertThat(((SQLException) failure.getCause()).getSQLState()).isEqualTo("28P01");
				AcquisitionResilience resilience = context.getBean(GuardedHikariDataSource.class).resilience();
				assertThat(resilience.circuitBreaker().getMetrics().getNumberOfFailedCalls())
					.as("attempts made").isEqualTo(1);
			});
		assertThat(output).doesNotContain("Wr0ng-Pa55word-42");
	}

	@Test
	void missingDatabaseFailsAtOnceNamingTheCauseAndIsNotRetried() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl("no_such_database"),
					"spring.datasource.username=" + server.username(),
					"spring.datasource.password=" + server.password())
			.run((context) -> {
				DatabaseUnavailableException failure = catchThrowableOfType(DatabaseUnavailableException.class,
						() -> context.getBean(DataSource.class).getConnection());
				assertThat((Throwable) failure).hasMessageContaining("database \"no_such_database\" does not exist")
					.hasMessageContaining("Check the database name in spring.datasource.url")
					.hasMessageNotContaining("request timed out");
				assertThat(context.getBean(GuardedHikariDataSource.class).resilience()
					.circuitBreaker()
					.getMetrics()
					.getNumberOfFailedCalls()).isEqualTo(1);
			});
	}

}
