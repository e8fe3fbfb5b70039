package dev.poolguard.autoconfigure.budget;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --poolguard.verify=true} in a real {@code SpringApplication} against a real
 * PostgreSQL ({@code max_connections=20}), with the process exit recorded instead of
 * performed. {@code SampleJarVerifyIT} runs the same as a real process.
 */
class BudgetVerificationIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared(Map.of("max_connections", "20"));

	/**
	 * Role limit 9: the budget is 9 - 1 PoolGuard side connection = 8; 6 is OK, 8 is
	 * TIGHT and 10 is OVER.
	 */
	private static final Role role = server.createRole("budget_verify", "verify-secret", 9);

	private final List<Integer> exitCodes = new CopyOnWriteArrayList<>();

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	@Test
	void poolWithinTheBudgetExitsWithZero() {
		verify("--poolguard.connection-limit=6");
		assertThat(this.exitCodes).containsExactly(0);
		assertThat(output()).contains("PoolGuard connection budget: OK").endsWith("PoolGuard verify: OK, exit code 0\n");
	}

	@Test
	void tightPoolStillExitsWithZero() {
		verify("--poolguard.connection-limit=8");
		assertThat(this.exitCodes).containsExactly(0);
		assertThat(output()).contains("PoolGuard verify: TIGHT, exit code 0");
	}

	@Test
	void poolOverTheBudgetExitsWithOneAndShowsTheFix() {
		verify("--poolguard.connection-limit=10", "--poolguard.budget.mode=off");
		assertThat(this.exitCodes).containsExactly(1);
		assertThat(output()).contains("PoolGuard connection budget: OVER")
			.contains("poolguard.connection-limit 10 > budget 8")
			.contains("Fix: Set poolguard.connection-limit=6 (at most 8)")
			.contains("PoolGuard verify: OVER, exit code 1")
			.doesNotContain(role.password());
	}

	@Test
	void unreachableServerExitsWithOne() {
		verifyAgainst("jdbc:postgresql://127.0.0.1:1/postgres");
		assertThat(this.exitCodes).containsExactly(1);
		assertThat(output()).contains("PoolGuard connection budget: UNKNOWN")
			.contains("refused")
			.contains("PoolGuard verify: UNKNOWN, exit code 1");
	}

	@Test
	void verifyModeStartsNoWebServerAndClosesTheApplication() {
		ConfigurableApplicationContext context = verify("--poolguard.connection-limit=6");
		assertThat(context.isActive()).isFalse();
		assertThat(context.getEnvironment().getProperty("spring.main.web-application-type")).isEqualTo("none");
	}

	@Test
	void verifyModeRunsNoMigration() throws SQLException {
		String database = "verify_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		server.createDatabase(database, role.name());
		verifyAgainst(server.jdbcUrl(database), "--poolguard.connection-limit=6");
		assertThat(this.exitCodes).containsExactly(0);
		assertThat(flywayHistoryExists(server.jdbcUrl(database))).as("Flyway is on the classpath but did not run")
			.isFalse();
	}

	private static boolean flywayHistoryExists(String jdbcUrl) throws SQLException {
		try (Connection connection = DriverManager.getConnection(jdbcUrl, role.name(), role.password());
				ResultSet result = connection.createStatement()
					.executeQuery("SELECT to_regclass('public.flyway_schema_history') IS NOT NULL")) {
			result.next();
			return result.getBoolean(1);
		}
	}

	private ConfigurableApplicationContext verify(String... arguments) {
		return verifyAgainst(server.jdbcUrl(), arguments);
	}

	private ConfigurableApplicationContext verifyAgainst(String jdbcUrl, String... arguments) {
		List<String> all = new ArrayList<>(List.of("--poolguard.verify=true", "--spring.datasource.url=" + jdbcUrl,
				"--spring.datasource.username=" + role.name(), "--spring.datasource.password=" + role.password()));
		all.addAll(List.of(arguments));
		return new SpringApplicationBuilder(VerifiedApplication.class).web(WebApplicationType.SERVLET)
			.initializers((context) -> context.getBeanFactory()
				.registerSingleton("verificationOutput", new VerificationOutput(this.out, this.exitCodes)))
			.run(all.toArray(String[]::new));
	}

	private String output() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	record VerificationOutput(ByteArrayOutputStream out, List<Integer> exitCodes) {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class VerifiedApplication {

		@Bean
		BudgetVerification budgetVerification(ObjectProvider<ConnectionBudget> budget, PoolGuardProperties properties,
				VerificationOutput output) {
			return new BudgetVerification(budget, properties,
					new PrintStream(output.out(), true, StandardCharsets.UTF_8), output.exitCodes()::add);
		}

	}

}
