package dev.poolguard.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the on-call engineer and their monitoring see of the sample over real HTTP: the
 * actuator endpoints, Prometheus metrics that every shipped dashboard panel and alert rule
 * can use, and never the database password.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationObservabilityTests {

	private static final PostgresServer server = PostgresServers.shared();

	private static final String PASSWORD = "Sample-Pw-" + UUID.randomUUID();

	private static final Pattern METRIC = Pattern.compile("\\b((?:poolguard|hikaricp|resilience4j|http_server)_[a-z0-9_]+)");

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		String name = "sample_" + UUID.randomUUID().toString().substring(0, 8).replace("-", "");
		Role role = server.createRole(name, PASSWORD, -1);
		server.createDatabase(name, role.name());
		registry.add("spring.datasource.url", () -> server.jdbcUrl(name));
		registry.add("spring.datasource.username", role::name);
		registry.add("spring.datasource.password", () -> PASSWORD);
	}

	@Test
	void prometheusShowsHikariResilience4jAndPoolGuardMetrics() throws Exception {
		get("/api/clients/slow?ms=1");
		assertThat(metricNames(actuator("/actuator/prometheus").body())).contains("hikaricp_connections_active",
				"resilience4j_circuitbreaker_state", "poolguard_acquire_seconds_count", "poolguard_server_connections");
	}

	@Test
	void everyMetricOfTheShippedDashboardAndAlertRulesIsExported() throws Exception {
		get("/api/clients/slow?ms=1");
		Set<String> exported = metricNames(actuator("/actuator/prometheus").body());
		Set<String> referenced = new TreeSet<>();
		for (String expression : dashboardExpressions()) {
			referenced.addAll(referencedMetrics(expression));
		}
		for (String expression : alertExpressions()) {
			referenced.addAll(referencedMetrics(expression));
		}
		assertThat(referenced).contains("poolguard_server_connections", "resilience4j_circuitbreaker_state",
				"hikaricp_connections_timeout_total", "http_server_requests_seconds_bucket");
		assertThat(exported).containsAll(referenced);
	}

	@Test
	void theHistogramsHaveABucketAtTheAlertRulesThreshold() throws Exception {
		get("/api/clients/slow?ms=1");
		String prometheus = actuator("/actuator/prometheus").body();
		// The 400 ms alerts compare a p95 with 0.4: with a bucket boundary there, no interpolation across it.
		assertThat(prometheus).containsPattern("(?m)^http_server_requests_seconds_bucket\\{[^}]*le=\"0\\.4\"")
			.containsPattern("(?m)^poolguard_acquire_seconds_bucket\\{[^}]*le=\"0\\.4\"");
	}

	@Test
	void healthHasThePoolGuardComponentInReadinessButNotInLiveness() throws Exception {
		HttpResponse<String> readiness = actuator("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<Map<String, Object>>read(readiness.body(), "$.components")).containsKey("poolguard");
		assertThat(actuator("/actuator/health/liveness").body()).doesNotContain("poolguard");
	}

	@Test
	void poolGuardEndpointShowsThePool() throws Exception {
		HttpResponse<String> response = actuator("/actuator/poolguard");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<Integer>read(response.body(), "$.pool.max")).isEqualTo(10);
		assertThat(JsonPath.<String>read(response.body(), "$.circuitBreaker.state")).isEqualTo("CLOSED");
		assertThat(JsonPath.<String>read(response.body(), "$.budget.verdict")).isEqualTo("OK");
		assertThat(JsonPath.<Map<String, Object>>read(response.body(), "$.budget.advice")).isNotEmpty();
	}

	@Test
	void thePasswordAppearsNowhere(CapturedOutput output) throws Exception {
		get("/api/clients/slow?ms=1");
		for (String path : List.of("/actuator/poolguard", "/actuator/env", "/actuator/health",
				"/actuator/health/readiness", "/actuator/prometheus")) {
			assertThat(actuator(path).body()).as(path).doesNotContain(PASSWORD);
		}
		assertThat(output).doesNotContain(PASSWORD);
	}

	@Test
	void operatorDataIsOnlyOnTheManagementPort() throws Exception {
		assertThat(get("/actuator/poolguard").statusCode()).isEqualTo(404);
		assertThat(get("/actuator/health").statusCode()).isEqualTo(404);
		assertThat(JsonPath.<Map<String, Object>>read(actuator("/actuator/health").body(),
				"$.components.poolguard.details"))
			.containsKeys("pool", "database");
	}

	@Test
	void probesOnTheApplicationPortShowNoDetails() throws Exception {
		HttpResponse<String> readiness = get("/readyz");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(readiness.body(), "$.components.poolguard.status")).isEqualTo("UP");
		assertThat(readiness.body()).doesNotContain("details").doesNotContain("database");
		assertThat(get("/livez").statusCode()).isEqualTo(200);
	}

	/** The application's own port, which users reach. */
	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(this.port, path);
	}

	/** The management port, which only operators reach. */
	private HttpResponse<String> actuator(String path) throws IOException, InterruptedException {
		return send(this.managementPort, path);
	}

	private HttpResponse<String> send(int port, String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static Set<String> metricNames(String prometheus) {
		Set<String> names = new TreeSet<>();
		for (String line : prometheus.split("\n")) {
			if (!line.isBlank() && !line.startsWith("#")) {
				names.add(line.split("[{ ]", 2)[0]);
			}
		}
		return names;
	}

	private static Set<String> referencedMetrics(String expression) {
		Set<String> names = new TreeSet<>();
		Matcher matcher = METRIC.matcher(expression);
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

	private static List<String> dashboardExpressions() throws IOException {
		return JsonPath.read(Files.readString(Path.of("..", "docs", "grafana", "poolguard-dashboard.json")),
				"$.panels[*].targets[*].expr");
	}

	@SuppressWarnings("unchecked")
	private static List<String> alertExpressions() throws IOException {
		try (InputStream rules = Files.newInputStream(Path.of("..", "docs", "prometheus", "poolguard-alerts.yml"))) {
			Map<String, Object> document = new Yaml().load(rules);
			return ((List<Map<String, Object>>) document.get("groups")).stream()
				.flatMap((group) -> ((List<Map<String, Object>>) group.get("rules")).stream())
				.map((rule) -> (String) rule.get("expr"))
				.toList();
		}
	}

}
