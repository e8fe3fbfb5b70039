package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/** The README's examples, run for real. */
@ExtendWith(PostgresExtension.class)
class SpringBootIntegrationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class));

	@Test
	void bootDataSourceUsesTheServerThroughProperties(PostgresServer server) {
		runner.withPropertyValues(
						"spring.datasource.url=" + server.jdbcUrl(),
						"spring.datasource.username=" + server.username(),
						"spring.datasource.password=" + server.password())
				.run(context -> {
					DataSource dataSource = context.getBean(DataSource.class);
					assertThat(dataSource).isInstanceOf(HikariDataSource.class);
					assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
				});
	}

	@Test
	void bootDataSourceUsesTheServerThroughConnectionDetails(PostgresServer server) {
		Role role = server.createRole("boot_user", "boot-secret", -1);
		server.createDatabase("boot_db", role.name());

		runner.withBean(JdbcConnectionDetails.class, () -> server.connectionDetails("boot_db", role.name(), role.password()))
				.run(context -> {
					JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
					assertThat(jdbc.queryForObject("SELECT current_user || '@' || current_database()", String.class))
							.isEqualTo("boot_user@boot_db");
				});
	}
}
