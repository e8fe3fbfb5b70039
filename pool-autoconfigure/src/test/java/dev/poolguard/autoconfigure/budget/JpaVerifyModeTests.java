package dev.poolguard.autoconfigure.budget;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --poolguard.verify=true} in an application with JPA and Flyway: the entity
 * manager factory is created even with lazy initialization, and Spring Boot runs Flyway
 * before it, so a pipeline's verify step migrated the production database. Run with
 * Hibernate on the classpath (the module's {@code jpa-tests} execution).
 */
class JpaVerifyModeTests {

	private static final PostgresServer server = PostgresServers.shared(Map.of("max_connections", "20"));

	private final List<Integer> exitCodes = new CopyOnWriteArrayList<>();

	@Test
	void verifyModeOfAJpaApplicationRunsNoMigration() throws SQLException {
		String database = "verify_jpa_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		server.createDatabase(database, server.username());
		verify(server.jdbcUrl(database));
		assertThat(this.exitCodes).containsExactly(0);
		try (Connection connection = DriverManager.getConnection(server.jdbcUrl(database), server.username(),
				server.password());
				ResultSet result = connection.createStatement()
					.executeQuery("SELECT to_regclass('public.flyway_schema_history') IS NOT NULL")) {
			result.next();
			assertThat(result.getBoolean(1)).as("Flyway ran").isFalse();
		}
	}

	@Test
	void unreachableDatabaseExitsWithOneInAJpaApplicationToo() {
		verify("jdbc:postgresql://127.0.0.1:1/postgres");
		assertThat(this.exitCodes).containsExactly(1);
	}

	private void verify(String jdbcUrl) {
		new SpringApplicationBuilder(BudgetVerificationIntegrationTests.VerifiedApplication.class)
			.web(WebApplicationType.SERVLET)
			.initializers((context) -> context.getBeanFactory()
				.registerSingleton("verificationOutput", new BudgetVerificationIntegrationTests.VerificationOutput(
						new ByteArrayOutputStream(), this.exitCodes)))
			.run("--poolguard.verify=true", "--spring.datasource.url=" + jdbcUrl,
					"--spring.datasource.username=" + server.username(),
					"--spring.datasource.password=" + server.password(), "--poolguard.connection-limit=5");
	}

}
