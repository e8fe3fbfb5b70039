package dev.poolguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeds 000 and 003 over real HTTP: while the database is down the sample answers 503
 * with {@code Retry-After} at once, instead of hanging and answering 500; when it is
 * back, 200 again, without restarting the application.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationOutageTests {

	private static final PostgresServer server = PostgresServers.dedicated();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		server.registerDataSource(registry::add);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void answers503WithRetryAfterWhileTheDatabaseIsDownAnd200WhenItIsBack() throws Exception {
		assertThat(get("/api/clients/slow?ms=1").statusCode()).isEqualTo(200);

		server.stop();
		await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/clients/slow?ms=1").statusCode() == 503);
		HttpResponse<String> unavailable = get("/api/clients/slow?ms=1");
		assertThat(unavailable.statusCode()).isEqualTo(503);
		assertThat(unavailable.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Integer.parseInt(seconds)).isPositive());
		assertThat(unavailable.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(JsonPath.<String>read(unavailable.body(), "$.title")).isEqualTo("Database unavailable");

		server.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/clients/slow?ms=1").statusCode() == 200);
	}

	@Test
	void rejectsAnUnboundedSleepWith400() throws Exception {
		HttpResponse<String> response = get("/api/clients/slow?ms=60000");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(JsonPath.<String>read(response.body(), "$.detail")).contains("between 0 and 10000");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
