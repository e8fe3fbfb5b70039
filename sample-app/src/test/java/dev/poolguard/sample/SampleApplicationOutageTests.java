package dev.poolguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.ResultSetReader;
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
 * with {@code Retry-After} at once (Problem Details for an API client, an error page for
 * a browser), instead of hanging and answering 500; when it is back, 200 again, without
 * restarting the application. A request whose backend is terminated under it answers 503
 * too.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationOutageTests {

	private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

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
		HttpResponse<String> page = get("/api/clients/slow?ms=1", BROWSER_ACCEPT);
		assertThat(page.statusCode()).as("a browser gets an error page").isEqualTo(503);
		assertThat(page.headers().firstValue("Retry-After")).isPresent();
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/html"));

		server.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/clients/slow?ms=1").statusCode() == 200);
	}

	@Test
	void requestWhoseBackendIsTerminatedAnswers503NotA500() throws Exception {
		CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
			try {
				return get("/api/clients/slow?ms=10000");
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		String sleeping = "FROM pg_stat_activity WHERE application_name = 'poolguard-sample'"
				+ " AND query LIKE 'SELECT pg_sleep%' AND state = 'active'";
		await().atMost(Duration.ofSeconds(10))
			.until(() -> server.query("SELECT count(*) " + sleeping, ResultSetReader.singleInt()) == 1);
		server.execute("SELECT pg_terminate_backend(pid) " + sleeping);
		HttpResponse<String> response = slow.get(20, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(JsonPath.<String>read(response.body(), "$.title")).isEqualTo("Database unavailable");
		assertThat(get("/api/clients/slow?ms=1").statusCode()).as("the pool serves the next request").isEqualTo(200);
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

	private HttpResponse<String> get(String path, String accept) throws Exception {
		return this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).header("Accept", accept).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
