package dev.poolguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PoolGuard turns Spring Boot's {@code db} health indicator off by default, and a user
 * who wants it back gets it with the usual property.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.health.db.enabled=true")
class SampleApplicationDbHealthOptInTests {

	private static final PostgresServer server = PostgresServers.shared();

	@LocalManagementPort
	private int managementPort;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		server.registerDataSource(registry::add);
	}

	@Test
	void dbIndicatorCanBeTurnedBackOn() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.managementPort + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(JsonPath.<String>read(response.body(), "$.components.db.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(response.body(), "$.components.poolguard.status")).isEqualTo("UP");
	}

}
