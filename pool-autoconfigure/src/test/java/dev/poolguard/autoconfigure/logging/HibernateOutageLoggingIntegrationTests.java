package dev.poolguard.autoconfigure.logging;

import java.util.ArrayList;
import java.util.List;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An outage under Hibernate, in a real application: every request fails fast, and
 * Hibernate adds no line per request to the log (seed: 1,329 lines in one 10-second
 * outage). An application that asks for Hibernate's lines gets them.
 */
@ExtendWith(OutputCaptureExtension.class)
class HibernateOutageLoggingIntegrationTests {

	private static final int REQUESTS = 20;

	/** Hibernate 7's first line for each SQLException: "HHH000247: ErrorCode: 0, SQLState: 08001". */
	private static final String HIBERNATE_SQL_ERROR = "HHH000247";

	@Test
	void fastFailedRequestsAddNoHibernateLinesToTheLog(CapturedOutput output) {
		List<Exception> failures = outage();
		assertThat(failures).hasSize(REQUESTS);
		assertThat(output.getAll()).doesNotContain(HIBERNATE_SQL_ERROR)
			.doesNotContain("org.hibernate.orm.jdbc.error")
			.doesNotContain("SqlExceptionHelper");
	}

	@Test
	void applicationThatChoseHibernatesLevelGetsItsLines(CapturedOutput output) {
		outage("--logging.level.org.hibernate.orm.jdbc.error=warn",
				"--logging.level.org.hibernate.engine.jdbc.spi.SqlExceptionHelper=warn");
		assertThat(output.getAll().split(HIBERNATE_SQL_ERROR, -1)).as("Hibernate's line for each failed request")
			.hasSizeGreaterThan(REQUESTS);
	}

	/**
	 * Runs {@value #REQUESTS} transactions against a database that is not there.
	 */
	private static List<Exception> outage(String... arguments) {
		List<Exception> failures = new ArrayList<>();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(JpaApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres", "spring.jpa.hibernate.ddl-auto=none",
					"spring.jpa.database-platform=org.hibernate.dialect.PostgreSQLDialect",
					"spring.jpa.properties.hibernate.boot.allow_jdbc_metadata_access=false",
					"poolguard.budget.mode=off", "spring.main.banner-mode=off")
			.run(arguments)) {
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			EntityManager entityManager = SharedEntityManagerCreator
				.createSharedEntityManager(context.getBean(EntityManagerFactory.class));
			for (int i = 0; i < REQUESTS; i++) {
				try {
					transactions.execute(
							(status) -> entityManager.createNativeQuery("SELECT 1").getSingleResult());
				}
				catch (RuntimeException ex) {
					failures.add(ex);
				}
			}
		}
		return failures;
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ PoolGuardPoolAutoConfiguration.class, PoolGuardResilienceAutoConfiguration.class,
			DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class })
	static class JpaApplication {

	}

}
