package dev.poolguard.autoconfigure.web;

import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The same 503s through JPA and Hibernate ({@code JDBCConnectionException}, Spring's
 * translation of it, {@code JpaTransactionManager}): a lost connection and a refused one.
 */
class JpaLostConnectionResponseIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private static final String APPLICATION_NAME = "lost-connection-jpa-test";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(ClientsController.AUTO_CONFIGURATIONS)
		.withConfiguration(AutoConfigurations.of(HibernateJpaAutoConfiguration.class))
		.withUserConfiguration(JpaController.class)
		.withPropertyValues("spring.datasource.username=" + server.username(),
				"spring.datasource.password=" + server.password(), "poolguard.application-name=" + APPLICATION_NAME,
				"poolguard.connection-limit=2", "spring.jpa.hibernate.ddl-auto=none",
				"spring.jpa.database-platform=org.hibernate.dialect.PostgreSQLDialect",
				// Hibernate starts without asking the database, which may be unreachable.
				"spring.jpa.properties.hibernate.boot.allow_jdbc_metadata_access=false");

	@Test
	void terminatedBackendUnderJpaAnswers503WithRetryAfter() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl()).run((context) -> {
			MvcResult result = LostConnections.terminatedWhileSleeping(mvc(context), get("/api/jpa/sleep"), server,
					APPLICATION_NAME);
			assertThat(result.getResponse().getStatus()).isEqualTo(503);
			assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		});
	}

	@Test
	void unreachableDatabaseUnderJpaAnswers503() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> mvc(context).perform(get("/api/jpa/sleep"))
				.andExpect(status().isServiceUnavailable())
				.andExpect(header().string(HttpHeaders.RETRY_AFTER, "1"))
				.andExpect(jsonPath("$.title").value("Database unavailable")));
	}

	private static MockMvc mvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context).build();
	}

	@RestController
	static class JpaController {

		@PersistenceContext
		private EntityManager entityManager;

		private final TransactionTemplate transactionTemplate;

		JpaController(TransactionTemplate transactionTemplate) {
			this.transactionTemplate = transactionTemplate;
		}

		@GetMapping("/api/jpa/sleep")
		Object sleep() {
			return this.transactionTemplate.execute(
					(status) -> this.entityManager.createNativeQuery("SELECT pg_sleep(30)::text").getSingleResult());
		}

	}

}
