package dev.poolguard.autoconfigure;

import dev.poolguard.autoconfigure.actuate.PoolGuardEndpoint;
import dev.poolguard.autoconfigure.pool.TunedPools;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application whose database is not PostgreSQL (H2 here) with the starter, Actuator
 * and Micrometer on its classpath: it used to fail at startup (a meter with a null pool
 * name), and without metrics its health turned DOWN. PoolGuard now backs off entirely:
 * the application starts and works, Spring Boot's own database check stays, and nothing
 * of PoolGuard's exists for its pool.
 */
@SpringBootTest(classes = NonPostgresApplicationTests.H2Application.class,
		properties = { "spring.datasource.url=jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1", "spring.flyway.enabled=false",
				"management.endpoints.web.exposure.include=*" })
class NonPostgresApplicationTests {

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private TunedPools tunedPools;

	@Autowired
	private HealthContributorRegistry healthContributors;

	@Autowired
	private HealthEndpoint health;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private PoolGuardEndpoint poolGuardEndpoint;

	@Test
	void startsAndServesWithNothingOfPoolGuardsForItsPool() {
		assertThat(this.jdbcTemplate.queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
		assertThat(this.tunedPools.isEmpty()).isTrue();
		assertThat(this.healthContributors.getContributor("poolguard")).as("no poolguard health component").isNull();
		assertThat(this.meters.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("poolguard"))
			.anyMatch((meter) -> meter.getId().getName().startsWith("hikaricp"));
		assertThat(this.poolGuardEndpoint.poolguard()).containsEntry("guarded", false);
	}

	@Test
	void healthStaysUpCheckAfterCheckWithSpringBootsOwnDatabaseCheck() {
		this.jdbcTemplate.queryForObject("SELECT 1", Integer.class);
		for (int i = 0; i < 3; i++) {
			assertThat(this.health.health().getStatus()).isEqualTo(Status.UP);
		}
		assertThat(this.health.healthForPath("db").getStatus()).as("Spring Boot's db check, kept").isEqualTo(Status.UP);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class H2Application {

	}

}
