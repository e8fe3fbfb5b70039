package dev.poolguard.autoconfigure.web;

import java.sql.Connection;

import javax.sql.DataSource;

import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What an HTTP client sees when PoolGuard refuses a connection (seeds 000 and 003: 500s
 * after 30-second hangs): a fast 503 with {@code Retry-After}, through Spring's own JDBC
 * and transaction wrappers, as Problem Details for an API client and through the error
 * page for a browser, while every other failure, and every failure the application
 * handles itself, is left to the application.
 */
class AcquisitionFailureResponseIntegrationTests {

	static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

	private static final PostgresServer server = PostgresServers.shared();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(ClientsController.AUTO_CONFIGURATIONS)
		.withUserConfiguration(ClientsController.class, ApplicationErrorsAdvice.class)
		.withPropertyValues("spring.datasource.username=" + server.username(),
				"spring.datasource.password=" + server.password());

	@Test
	void unreachableDatabaseBecomes503ThroughJdbcTemplate() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> mvc(context).perform(get("/api/clients/count"))
				.andExpect(status().isServiceUnavailable())
				.andExpect(header().string("Retry-After", "1"))
				.andExpect(content().contentTypeCompatibleWith("application/problem+json"))
				.andExpect(jsonPath("$.status").value(503))
				.andExpect(jsonPath("$.title").value("Database unavailable"))
				.andExpect(jsonPath("$.instance").value("/api/clients/count"))
				.andExpect(jsonPath("$.retryAfterSeconds").value(1)));
	}

	@Test
	void browserIsSentToTheErrorPageWith503AndRetryAfter() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> mvc(context)
				.perform(get("/api/clients/count").header(HttpHeaders.ACCEPT, BROWSER_ACCEPT))
				.andExpect(status().isServiceUnavailable())
				.andExpect(header().string("Retry-After", "1"))
				.andExpect(status().reason("Database unavailable"))
				.andExpect(content().string("")));
	}

	@Test
	void clientAcceptingAnythingGetsProblemDetails() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> mvc(context).perform(get("/api/clients/count").header(HttpHeaders.ACCEPT, "*/*"))
				.andExpect(status().isServiceUnavailable())
				.andExpect(content().contentTypeCompatibleWith("application/problem+json")));
	}

	@Test
	void applicationsOwnExceptionHandlerWins() {
		this.contextRunner.withUserConfiguration(CatchAllAdvice.class)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> mvc(context).perform(get("/api/clients/count"))
				.andExpect(status().isInternalServerError())
				.andExpect(content().string("handled by the application: CannotGetJdbcConnectionException")));
	}

	@Test
	void unreachableDatabaseBecomes503ThroughATransaction() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> mvc(context).perform(get("/api/clients/transactional"))
				.andExpect(status().isServiceUnavailable())
				.andExpect(header().exists("Retry-After")));
	}

	@Test
	void saturatedPoolBecomes503() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(), "poolguard.connection-limit=1",
					"poolguard.max-waiting=0")
			.run((context) -> {
				try (Connection busy = context.getBean(DataSource.class).getConnection()) {
					mvc(context).perform(get("/api/clients/count"))
						.andExpect(status().isServiceUnavailable())
						.andExpect(header().string("Retry-After", "1"))
						.andExpect(jsonPath("$.title").value("Too many requests waiting for the database"));
				}
			});
	}

	@Test
	void otherDatabaseErrorsAreLeftToTheApplication() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl())
			.run((context) -> mvc(context).perform(get("/api/clients/broken"))
				.andExpect(status().isInternalServerError())
				.andExpect(content().string("handled by the application: BadSqlGrammarException")));
	}

	@Test
	void otherExceptionsAreLeftToTheApplication() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl())
			.run((context) -> mvc(context).perform(get("/api/clients/bug"))
				.andExpect(status().isInternalServerError())
				.andExpect(content().string("handled by the application: IllegalStateException")));
	}

	@Test
	void catchAllHandlerThatRethrowsLeavesTheFailureToPoolGuard() {
		this.contextRunner.withUserConfiguration(RethrowingCatchAllAdvice.class)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> mvc(context).perform(get("/api/clients/count"))
				.andExpect(status().isServiceUnavailable())
				.andExpect(header().string("Retry-After", "1")));
	}

	@Test
	void canBeTurnedOff() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres",
					"poolguard.web.enabled=false")
			.run((context) -> assertThatExceptionOfType(ServletException.class)
				.isThrownBy(() -> mvc(context).perform(get("/api/clients/count")))
				.withCauseInstanceOf(CannotGetJdbcConnectionException.class));
	}

	private static MockMvc mvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context).build();
	}

	/**
	 * An application's handlers for its own errors.
	 */
	@RestControllerAdvice
	static class ApplicationErrorsAdvice {

		@ExceptionHandler({ BadSqlGrammarException.class, IllegalStateException.class })
		ResponseEntity<String> handle(Exception exception) {
			return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
				.body("handled by the application: " + exception.getClass().getSimpleName());
		}

	}

	/**
	 * An application's catch-all handler: the application decided, so it wins over
	 * PoolGuard's 503.
	 */
	@RestControllerAdvice
	@Order(Ordered.HIGHEST_PRECEDENCE)
	static class CatchAllAdvice {

		@ExceptionHandler(Exception.class)
		ResponseEntity<String> handle(Exception exception) {
			return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
				.body("handled by the application: " + exception.getClass().getSimpleName());
		}

	}

	/**
	 * A catch-all handler that leaves database failures to PoolGuard, as the docs show.
	 */
	@RestControllerAdvice
	@Order(Ordered.HIGHEST_PRECEDENCE)
	static class RethrowingCatchAllAdvice {

		@ExceptionHandler(Exception.class)
		ResponseEntity<String> handle(Exception exception) throws Exception {
			if (exception instanceof DataAccessException) {
				throw exception;
			}
			return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body("handled by the application");
		}

	}

}
