package dev.poolguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample pointed at a server of the user's own with {@code SPRING_DATASOURCE_URL}, and
 * configured with seed 004's environment variables.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "DB_CONNECTION_LIMIT=7", "DB_POOL_TIMEOUT=3", "DB_STATEMENT_CACHE_SIZE=0" })
class SampleApplicationOwnDatabaseTests {

	private static final PostgresServer server = PostgresServers.shared();

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private ApplicationContext context;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		server.registerDataSource(registry::add);
	}

	@Test
	void usesTheConfiguredServerInsteadOfStartingOne() {
		assertThat(this.context.getBeansOfType(EmbeddedPostgres.class)).isEmpty();
		assertThat(this.context.getBean(HikariDataSource.class).getJdbcUrl()).isEqualTo(server.jdbcUrl());
	}

	@Test
	void seed004VariablesConfigureThePool() {
		HikariDataSource pool = this.context.getBean(HikariDataSource.class);
		assertThat(pool.getMaximumPoolSize()).isEqualTo(7);
		assertThat(pool.getConnectionTimeout()).isEqualTo(3_000);
		assertThat(pool.getDataSourceProperties()).containsEntry("preparedStatementCacheQueries", "0");
	}

	@Test
	void healthIsUpOverHttp() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.managementPort + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(response.body(), "$.status")).isEqualTo("UP");
	}

}
