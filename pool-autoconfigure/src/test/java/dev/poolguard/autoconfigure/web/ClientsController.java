package dev.poolguard.autoconfigure.web;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The web tests' application: plain JDBC and transactional endpoints, each failing in its
 * own way.
 */
@RestController
class ClientsController {

	/** PoolGuard with Spring Boot's JDBC, transactions and Spring MVC. */
	static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
			PoolGuardResilienceAutoConfiguration.class, PoolGuardWebMvcAutoConfiguration.class,
			DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class, TransactionAutoConfiguration.class, WebMvcAutoConfiguration.class,
			DispatcherServletAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
			JacksonAutoConfiguration.class);

	/** A table with a unique key, for a real application error ({@code 23505}). */
	static final String CREATE_EMAILS = "CREATE TABLE IF NOT EXISTS web_test_emails (email text PRIMARY KEY)";

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

	/** Holds its connection, on the server, for 30 seconds. */
	@GetMapping("/api/clients/sleep")
	String sleep() {
		this.jdbcTemplate.execute("SELECT pg_sleep(30)");
		return "slept";
	}

	/** Writes, then holds its connection in the transaction. */
	@GetMapping("/api/clients/sleep-in-transaction")
	String sleepInTransaction() {
		return this.transactionTemplate.execute((status) -> {
			this.jdbcTemplate.update("INSERT INTO web_test_emails VALUES (gen_random_uuid()::text)");
			return sleep();
		});
	}

	/** Writes one row in a transaction: what a read-only server refuses ({@code 25006}). */
	@PostMapping("/api/clients/write")
	Integer write() {
		return this.transactionTemplate.execute((status) -> this.jdbcTemplate
			.update("INSERT INTO web_test_emails VALUES (gen_random_uuid()::text)"));
	}

	/** Breaks a unique key. */
	@PostMapping("/api/clients/duplicate")
	void duplicate() {
		this.jdbcTemplate.update("INSERT INTO web_test_emails VALUES ('twice@example.com') ON CONFLICT DO NOTHING");
		this.jdbcTemplate.update("INSERT INTO web_test_emails VALUES ('twice@example.com')");
	}

}
