package dev.poolguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample as a new user first runs it: no database configured, so it starts its own
 * PostgreSQL, and its health is UP over real HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private ApplicationContext context;

	@Test
	void startsAnEmbeddedPostgresWhenNoDatabaseIsConfigured() {
		assertThat(this.context.getBeansOfType(EmbeddedPostgres.class)).hasSize(1);
		HikariDataSource pool = this.context.getBean(HikariDataSource.class);
		assertThat(pool.getJdbcUrl()).startsWith("jdbc:postgresql://localhost:");
		assertThat(pool.getMaximumPoolSize()).isEqualTo(10);
	}

	@Test
	void healthIsUpOverHttp() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.managementPort + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(response.body(), "$.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(response.body(), "$.components.poolguard.status")).isEqualTo("UP");
		assertThat(JsonPath.<Map<String, Object>>read(response.body(), "$.components"))
			.as("Boot's db indicator, which borrows a pooled connection, is off").doesNotContainKey("db");
	}

}
