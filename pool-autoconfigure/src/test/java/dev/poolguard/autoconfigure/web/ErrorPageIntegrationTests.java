package dev.poolguard.autoconfigure.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PoolGuard's 503 through a real servlet container and Spring Boot's error handling: a
 * browser gets the application's own error page ({@code error/503.html}), an API client
 * gets Problem Details, both with status 503 and {@code Retry-After}; an application
 * error is still a 500.
 */
class ErrorPageIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner(
			AnnotationConfigServletWebServerApplicationContext::new)
		.withConfiguration(ClientsController.AUTO_CONFIGURATIONS)
		.withConfiguration(
				AutoConfigurations.of(TomcatServletWebServerAutoConfiguration.class, ErrorMvcAutoConfiguration.class))
		.withUserConfiguration(ClientsController.class)
		.withPropertyValues("server.port=0", "spring.web.resources.static-locations=classpath:/poolguard-error-pages/",
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password());

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void createTable() {
		server.execute(ClientsController.CREATE_EMAILS);
	}

	@Test
	void browserGetsTheApplicationsErrorPageWith503AndRetryAfter() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> {
				HttpResponse<String> response = get(context, "/api/clients/count",
						AcquisitionFailureResponseIntegrationTests.BROWSER_ACCEPT);
				assertThat(response.statusCode()).isEqualTo(503);
				assertThat(response.headers().firstValue(HttpHeaders.RETRY_AFTER)).hasValue("1");
				assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE)).hasValueSatisfying(
						(type) -> assertThat(type).startsWith("text/html"));
				assertThat(response.body()).contains("Back in a moment");
			});
	}

	@Test
	void apiClientGetsProblemDetailsWith503AndRetryAfter() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> {
				HttpResponse<String> response = get(context, "/api/clients/count", "application/json");
				assertThat(response.statusCode()).isEqualTo(503);
				assertThat(response.headers().firstValue(HttpHeaders.RETRY_AFTER)).hasValue("1");
				assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE))
					.hasValue("application/problem+json");
				assertThat(response.body()).contains("\"status\":503", "\"title\":\"Database unavailable\"",
						"\"retryAfterSeconds\":1");
			});
	}

	@Test
	void uniqueViolationIsStillA500() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl()).run((context) -> {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(uri(context, "/api/clients/duplicate"))
						.POST(HttpRequest.BodyPublishers.noBody())
						.header(HttpHeaders.ACCEPT, "application/json")
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(500);
			assertThat(response.headers().firstValue(HttpHeaders.RETRY_AFTER)).isEmpty();
		});
	}

	private HttpResponse<String> get(AssertableWebApplicationContext context, String path, String accept)
			throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(context, path)).header(HttpHeaders.ACCEPT, accept).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(AssertableWebApplicationContext context, String path) {
		int port = context.getSourceApplicationContext(ServletWebServerApplicationContext.class)
			.getWebServer()
			.getPort();
		return URI.create("http://localhost:" + port + path);
	}

}
