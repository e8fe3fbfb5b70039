package dev.poolguard.autoconfigure.web;

import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.ResultSetReader;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A request whose connection is lost while its statement runs (the backend terminated,
 * the server restarted) answers 503 with {@code Retry-After}, not 500, through plain JDBC
 * and through a transaction whose rollback fails too; the statement is not retried. A
 * real application error is still the application's 500.
 */
class LostConnectionResponseIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private static final String APPLICATION_NAME = "lost-connection-web-test";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(ClientsController.AUTO_CONFIGURATIONS)
		.withUserConfiguration(ClientsController.class)
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"poolguard.application-name=" + APPLICATION_NAME, "poolguard.connection-limit=2");

	@BeforeAll
	static void createTable() {
		server.execute(ClientsController.CREATE_EMAILS);
	}

	@Test
	void terminatedBackendAnswers503WithRetryAfter() {
		this.contextRunner.run((context) -> {
			MvcResult result = LostConnections.terminatedWhileSleeping(mvc(context), get("/api/clients/sleep"), server,
					APPLICATION_NAME);
			assertThat(result.getResponse().getStatus()).isEqualTo(503);
			assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
			assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
			assertThat(result.getResponse().getContentAsString()).contains("\"title\":\"Database unavailable\"")
				.contains("connection to the database was lost")
				.doesNotContain("terminating connection");
		});
	}

	@Test
	void terminatedBackendInATransactionWhoseRollbackFailsAnswers503() {
		this.contextRunner.run((context) -> {
			MvcResult result = LostConnections.terminatedWhileSleeping(mvc(context), get("/api/clients/sleep-in-transaction"),
					server, APPLICATION_NAME);
			assertThat(result.getResponse().getStatus()).isEqualTo(503);
			assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		});
	}

	@Test
	void lostStatementIsNotRetriedAndThePoolServesTheNextRequest() {
		this.contextRunner.run((context) -> {
			MockMvc mvc = mvc(context);
			LostConnections.terminatedWhileSleeping(mvc, get("/api/clients/sleep"), server, APPLICATION_NAME);
			assertThat(server.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
					+ APPLICATION_NAME + "' AND query LIKE 'SELECT pg_sleep%' AND state = 'active'",
					ResultSetReader.singleInt()))
				.isZero();
			mvc.perform(get("/api/clients/count")).andExpect(status().isOk());
		});
	}

	@Test
	void uniqueViolationIsStillTheApplicationsError() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(ServletException.class)
			.isThrownBy(() -> mvc(context).perform(post("/api/clients/duplicate")))
			.withCauseInstanceOf(DuplicateKeyException.class));
	}

	private static MockMvc mvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context).build();
	}

}
