package dev.poolguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The clients API over real HTTP, against a real PostgreSQL database of its own that
 * Flyway migrates and seeds at startup. The database is checked through a connection of
 * the test's own, never through the application, so that a test cannot pass by reading
 * back what the application believes it wrote.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "DB_CONNECTION_LIMIT=" + ClientApiTests.CONNECTION_LIMIT)
class ClientApiTests {

	static final int CONNECTION_LIMIT = 4;

	private static final String DATABASE = "sample_clients";

	private static final PostgresServer server = PostgresServers.shared();

	private static final JdbcClient database = freshDatabase();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private HikariDataSource pool;

	@Autowired
	private MeterRegistry meterRegistry;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> server.jdbcUrl(DATABASE));
		registry.add("spring.datasource.username", server::username);
		registry.add("spring.datasource.password", server::password);
	}

	/** A new, empty database on every run, so that the seed is exactly the migration's. */
	private static JdbcClient freshDatabase() {
		server.createDatabase(DATABASE, server.username());
		return JdbcClient.create(new DriverManagerDataSource(server.jdbcUrl(DATABASE), server.username(),
				server.password()));
	}

	@Test
	void migrationSeedsTenThousandClients() throws Exception {
		assertThat(database.sql("SELECT success FROM flyway_schema_history WHERE version = '1'")
			.query(Boolean.class)
			.single()).isTrue();
		assertThat(database.sql("SELECT count(*) FROM clients WHERE id BETWEEN 1 AND 10000").query(Long.class).single())
			.isEqualTo(10_000);

		HttpResponse<String> response = send("GET", "/api/clients/10000", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(response.body(), "$.name")).isEqualTo("Alice Andersen");
		assertThat(JsonPath.<String>read(response.body(), "$.email")).isEqualTo("alice.andersen.10000@example.com");
		assertThat(JsonPath.<String>read(response.body(), "$.phone")).isEqualTo("+1 555 0010000");
		assertThat(OffsetDateTime.parse(JsonPath.read(response.body(), "$.createdAt")))
			.isEqualTo(OffsetDateTime.parse("2025-02-20T16:00:00Z"));
	}

	@Test
	void listsClientsPageByPageInIdOrder() throws Exception {
		long total = database.sql("SELECT count(*) FROM clients").query(Long.class).single();

		HttpResponse<String> first = send("GET", "/api/clients?page=0&size=3", null);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<List<Integer>>read(first.body(), "$.items[*].id")).containsExactly(1, 2, 3);
		assertThat(JsonPath.<Integer>read(first.body(), "$.page")).isZero();
		assertThat(JsonPath.<Integer>read(first.body(), "$.size")).isEqualTo(3);
		assertThat(JsonPath.<Number>read(first.body(), "$.total").longValue()).isEqualTo(total)
			.isGreaterThanOrEqualTo(10_000);

		HttpResponse<String> third = send("GET", "/api/clients?page=2&size=3", null);
		assertThat(JsonPath.<List<Integer>>read(third.body(), "$.items[*].id")).containsExactly(7, 8, 9);
		HttpResponse<String> defaults = send("GET", "/api/clients", null);
		assertThat(JsonPath.<Integer>read(defaults.body(), "$.size")).isEqualTo(20);
		assertThat(JsonPath.<List<?>>read(defaults.body(), "$.items")).hasSize(20);
		assertThat(JsonPath.<List<?>>read(send("GET", "/api/clients?size=100", null).body(), "$.items")).hasSize(100);
		HttpResponse<String> pastTheEnd = send("GET", "/api/clients?page=1000&size=100", null);
		assertThat(pastTheEnd.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<List<?>>read(pastTheEnd.body(), "$.items")).isEmpty();
		assertThat(JsonPath.<Number>read(pastTheEnd.body(), "$.total").longValue()).isEqualTo(total);
	}

	@Test
	void createsReadsUpdatesAndDeletesAClientAndAuditsEachStep() throws Exception {
		HttpResponse<String> created = send("POST", "/api/clients", """
				{"name": "Ada Round-Trip", "email": "ada.roundtrip@example.com", "phone": "+44 20 7946 0000"}""");
		assertThat(created.statusCode()).isEqualTo(201);
		long id = JsonPath.<Number>read(created.body(), "$.id").longValue();
		assertThat(id).isGreaterThan(10_000);
		assertThat(created.headers().firstValue("Location")).hasValue("/api/clients/" + id);
		assertThat(JsonPath.<String>read(created.body(), "$.phone")).isEqualTo("+44 20 7946 0000");

		HttpResponse<String> read = send("GET", "/api/clients/" + id, null);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(read.body(), "$.name")).isEqualTo("Ada Round-Trip");
		assertThat(JsonPath.<String>read(read.body(), "$.email")).isEqualTo("ada.roundtrip@example.com");

		HttpResponse<String> updated = send("PUT", "/api/clients/" + id, """
				{"name": "Ada Updated", "email": "ada.updated@example.com"}""");
		assertThat(updated.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(updated.body(), "$.name")).isEqualTo("Ada Updated");
		assertThat(JsonPath.<String>read(updated.body(), "$.phone")).isNull();
		assertThat(OffsetDateTime.parse(JsonPath.read(updated.body(), "$.updatedAt")))
			.isAfterOrEqualTo(OffsetDateTime.parse(JsonPath.read(updated.body(), "$.createdAt")));
		assertThat(database.sql("SELECT name, email, phone FROM clients WHERE id = ?")
			.param(id)
			.query((row, number) -> List.of(row.getString(1), row.getString(2), String.valueOf(row.getString(3))))
			.single()).containsExactly("Ada Updated", "ada.updated@example.com", "null");

		HttpResponse<String> deleted = send("DELETE", "/api/clients/" + id, null);
		assertThat(deleted.statusCode()).isEqualTo(204);
		assertThat(deleted.body()).isEmpty();
		assertThat(send("GET", "/api/clients/" + id, null).statusCode()).isEqualTo(404);
		assertThat(send("DELETE", "/api/clients/" + id, null).statusCode()).isEqualTo(404);

		assertThat(database.sql("SELECT action FROM client_audit WHERE client_id = ? ORDER BY id")
			.param(id)
			.query(String.class)
			.list()).containsExactly("CREATED", "VIEWED", "UPDATED", "DELETED");
	}

	@Test
	void answers404ProblemDetailsForAMissingClient() throws Exception {
		for (HttpResponse<String> response : List.of(send("GET", "/api/clients/999999", null),
				send("PUT", "/api/clients/999999", """
						{"name": "Nobody", "email": "nobody@example.com"}"""),
				send("DELETE", "/api/clients/999999", null))) {
			assertThat(response.statusCode()).isEqualTo(404);
			assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(JsonPath.<Integer>read(response.body(), "$.status")).isEqualTo(404);
			assertThat(JsonPath.<String>read(response.body(), "$.detail")).isEqualTo("No client has id 999999");
			assertThat(JsonPath.<String>read(response.body(), "$.instance")).isEqualTo("/api/clients/999999");
		}
		assertThat(database.sql("SELECT count(*) FROM clients WHERE email = 'nobody@example.com'")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void answers409ProblemDetailsForAnEmailAddressAnotherClientHas() throws Exception {
		HttpResponse<String> created = send("POST", "/api/clients", """
				{"name": "Bruno Again", "email": "BRUNO.ANDERSEN.00001@example.com"}""");
		assertThat(created.statusCode()).isEqualTo(409);
		assertThat(JsonPath.<List<String>>read(created.body(), "$.errors[*].field")).containsExactly("email");

		HttpResponse<String> updated = send("PUT", "/api/clients/2", """
				{"name": "Chloe Andersen", "email": "bruno.andersen.00001@example.com"}""");
		assertThat(updated.statusCode()).isEqualTo(409);
		assertThat(JsonPath.<String>read(updated.body(), "$.detail")).contains("bruno.andersen.00001@example.com");
		assertThat(database.sql("SELECT email FROM clients WHERE id = 2").query(String.class).single())
			.isEqualTo("chloe.andersen.00002@example.com");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badRequests")
	void answers400ProblemDetailsNamingTheField(String description, String method, String path, String body,
			List<String> fields, String detail) throws Exception {
		long clients = database.sql("SELECT count(*) FROM clients").query(Long.class).single();

		HttpResponse<String> response = send(method, path, body);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(JsonPath.<Integer>read(response.body(), "$.status")).isEqualTo(400);
		assertThat(JsonPath.<String>read(response.body(), "$.detail")).contains(detail);
		if (fields.isEmpty()) {
			assertThat(JsonPath.<Object>read(response.body(), "$")).asString().doesNotContain("errors");
		}
		else {
			assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
				.containsExactlyElementsOf(fields);
			assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].message")).allSatisfy(
					(message) -> assertThat(message).isNotBlank());
		}
		assertThat(database.sql("SELECT count(*) FROM clients").query(Long.class).single()).isEqualTo(clients);
	}

	static Stream<Arguments> badRequests() {
		String valid = "\"email\": \"new@example.com\"";
		return Stream.of(
				arguments("blank name", "POST", "/api/clients", "{\"name\": \" \", " + valid + "}", List.of("name"),
						"name "),
				arguments("missing name and email", "POST", "/api/clients", "{}", List.of("email", "name"), "email "),
				arguments("malformed email", "POST", "/api/clients", "{\"name\": \"A\", \"email\": \"not-an-email\"}",
						List.of("email"), "email "),
				arguments("name over 100 characters", "POST", "/api/clients",
						"{\"name\": \"" + "x".repeat(101) + "\", " + valid + "}", List.of("name"), "name "),
				arguments("phone with letters", "POST", "/api/clients",
						"{\"name\": \"A\", " + valid + ", \"phone\": \"call me\"}", List.of("phone"), "phone "),
				arguments("unknown field", "POST", "/api/clients",
						"{\"name\": \"A\", " + valid + ", \"nickname\": \"Al\"}", List.of("nickname"),
						"nickname is not a known field"),
				arguments("object for a text field", "POST", "/api/clients",
						"{\"name\": {\"first\": \"A\"}, " + valid + "}", List.of("name"), "name has the wrong type"),
				arguments("malformed JSON", "POST", "/api/clients", "{\"name\": \"A\", ", List.of(),
						"The request body is not valid JSON"),
				arguments("array instead of an object", "POST", "/api/clients", "[]", List.of(),
						"The request body is not the JSON object this endpoint expects"),
				arguments("no body", "POST", "/api/clients", "", List.of(), "The request body is missing"),
				arguments("update with a malformed email", "PUT", "/api/clients/1",
						"{\"name\": \"A\", \"email\": \"@\"}", List.of("email"), "email "),
				arguments("id that is not a number", "GET", "/api/clients/abc", null, List.of("id"),
						"id must be a number"),
				arguments("page size 0", "GET", "/api/clients?size=0", null, List.of("size"), "size "),
				arguments("page size over 100", "GET", "/api/clients?size=101", null, List.of("size"), "size "),
				arguments("negative page", "GET", "/api/clients?page=-1", null, List.of("page"), "page "),
				arguments("page that is not a number", "GET", "/api/clients?page=two", null, List.of("page"),
						"page must be a number"));
	}

	@Test
	void requestsBorrowOneConnectionAtATimeNeverOnePerStatement() throws Exception {
		assertThat(this.pool).isInstanceOf(GuardedHikariDataSource.class);
		assertThat(this.pool.getMaximumPoolSize()).isEqualTo(CONNECTION_LIMIT);
		Timer acquisitions = this.meterRegistry.get("hikaricp.connections.acquire")
			.tag("pool", this.pool.getPoolName())
			.timer();
		long before = acquisitions.count();

		assertThat(send("GET", "/api/clients/42", null).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/api/clients?size=5", null).statusCode()).isEqualTo(200);

		// Two statements per request, never one connection per statement: the list runs both
		// in one transaction; get reads in a read-only transaction (which a read replica can
		// serve), then records the view in a write transaction: one connection at a time.
		assertThat(acquisitions.count()).isEqualTo(before + 3);
		// The server sees the pool under the application's name, never more than its limit.
		assertThat(database
			.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND application_name = 'poolguard-sample'")
			.param(DATABASE)
			.query(Integer.class)
			.single()).isBetween(1, CONNECTION_LIMIT);
	}

	private HttpResponse<String> send(String method, String path, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method, (json != null) ? BodyPublishers.ofString(json) : BodyPublishers.noBody());
		return this.http.send(request.build(), BodyHandlers.ofString());
	}

}
