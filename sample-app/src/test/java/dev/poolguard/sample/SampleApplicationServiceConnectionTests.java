package dev.poolguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs' {@code @ServiceConnection} example, run: Testcontainers starts PostgreSQL,
 * Spring Boot builds the pool from the container's connection details, and PoolGuard tunes
 * and guards it like any other; the sample starts no embedded server. Needs a Docker
 * engine: without one JUnit reports the class as skipped ("disabledWithoutDocker"), and
 * the same connection-details path is covered by the sample's embedded database, which
 * reaches the pool as {@code JdbcConnectionDetails} too (SampleApplicationTests).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "poolguard.connection-limit=5")
@Testcontainers(disabledWithoutDocker = true)
class SampleApplicationServiceConnectionTests {

	@Container
	@ServiceConnection
	static final PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:18-alpine");

	@Autowired
	private ApplicationContext context;

	@LocalManagementPort
	private int managementPort;

	@Test
	void poolGuardTunesThePoolBuiltFromTheContainersConnectionDetails() throws Exception {
		HikariDataSource pool = this.context.getBean(HikariDataSource.class);
		assertThat(pool.getJdbcUrl()).isEqualTo(postgres.getJdbcUrl());
		assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
		assertThat(pool.getClass().getSimpleName()).isEqualTo("GuardedHikariDataSource");
		assertThat(this.context.getBeansOfType(EmbeddedPostgres.class)).isEmpty();
		HttpResponse<String> health = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.managementPort + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(JsonPath.<String>read(health.body(), "$.components.poolguard.status")).isEqualTo("UP");
	}

}
