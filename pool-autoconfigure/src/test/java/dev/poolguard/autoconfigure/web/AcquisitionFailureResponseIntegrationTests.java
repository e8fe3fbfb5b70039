package dev.poolguard.autoconfigure.web;

import java.sql.Connection;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What an HTTP client sees when PoolGuard refuses a connection (seeds 000 and 003: 500s
 * after 30-second hangs): a fast 503 with {@code Retry-After}, through Spring's own JDBC
 * and transaction wrappers, while every other failure is left to the application.
 */
class AcquisitionFailureResponseIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardWebMvcAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, TransactionAutoConfiguration.class, WebMvcAutoConfiguration.class,
				DispatcherServletAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withUserConfiguration(ClientsController.class, CatchAllAdvice.class)
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
				.andExpect(jsonPath("$.instance").value("/api/clients/count")));
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
	void canBeTurnedOff() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres",
					"poolguard.web.enabled=false")
			.run((context) -> mvc(context).perform(get("/api/clients/count"))
				.andExpect(status().isInternalServerError())
				.andExpect(content().string("handled by the application: CannotGetJdbcConnectionException")));
	}

	private static MockMvc mvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context).build();
	}

	@RestController
	static class ClientsController {

		private final JdbcTemplate jdbcTemplate;

		private final TransactionTemplate transactionTemplate;

		ClientsController(JdbcTemplate jdbcTemplate, TransactionTemplate transactionTemplate) {
			this.jdbcTemplate = jdbcTemplate;
			this.transactionTemplate = transactionTemplate;
		}

		@GetMapping("/api/clients/count")
		Integer count() {
			return this.jdbcTemplate.queryForObject("SELECT 1", Integer.class);
		}

		@GetMapping("/api/clients/transactional")
		Integer transactional() {
			return this.transactionTemplate.execute((status) -> count());
		}

		@GetMapping("/api/clients/broken")
		Integer broken() {
			return this.jdbcTemplate.queryForObject("SELEC 1", Integer.class);
		}

		@GetMapping("/api/clients/bug")
		Integer bug() {
			throw new IllegalStateException("a bug");
		}

	}

	/**
	 * An application's catch-all handler, which must not turn PoolGuard's 503 into a 500.
	 */
	@RestControllerAdvice
	static class CatchAllAdvice {

		@ExceptionHandler(Exception.class)
		ResponseEntity<String> handle(Exception exception) {
			return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
				.body("handled by the application: " + exception.getClass().getSimpleName());
		}

	}

}
