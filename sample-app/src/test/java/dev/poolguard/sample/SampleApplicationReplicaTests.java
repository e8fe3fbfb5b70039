package dev.poolguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import dev.poolguard.autoconfigure.replica.ReplicaRouting;
import dev.poolguard.autoconfigure.replica.ReplicaRouting.Target;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with {@code POOLGUARD_REPLICA_URL} set, against a real streaming standby: list
 * and get are served by the replica, create, update and delete by the primary.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationReplicaTests {

	private static PostgresServer primary;

	private static PostgresServer replica;

	@LocalServerPort
	private int port;

	@Autowired
	private ReplicaRouting routing;

	private final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void primaryAndReplica(DynamicPropertyRegistry registry) {
		primary = PostgresServers.dedicated();
		replica = PostgresServers.streamingReplicaOf(primary);
		primary.registerDataSource(registry::add);
		// What POOLGUARD_REPLICA_URL sets.
		registry.add("poolguard.replica.url", replica::jdbcUrl);
		registry.add("poolguard.connection-limit", () -> "4");
	}

	@AfterAll
	static void closeServers() {
		replica.close();
		primary.close();
	}

	@Test
	void listAndGetAreServedByTheReplicaAndWritesByThePrimary() throws Exception {
		long toReplica = this.routing.routed(Target.REPLICA);
		HttpResponse<String> created = send("POST", "/api/clients", """
				{"name": "Rae Plica", "email": "rae.plica@example.com", "phone": "+44 20 7946 0001"}""");
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(this.routing.routed(Target.REPLICA)).as("a write").isEqualTo(toReplica);
		long id = JsonPath.<Number>read(created.body(), "$.id").longValue();

		// Streaming replication is asynchronous: the row arrives on the replica a moment later.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(send("GET", "/api/clients/" + id, null).statusCode()).isEqualTo(200));
		assertThat(this.routing.routed(Target.REPLICA)).as("get").isGreaterThan(toReplica);

		long beforeList = this.routing.routed(Target.REPLICA);
		assertThat(send("GET", "/api/clients?size=1", null).statusCode()).isEqualTo(200);
		assertThat(this.routing.routed(Target.REPLICA)).as("list").isEqualTo(beforeList + 1);

		long beforeWrites = this.routing.routed(Target.REPLICA);
		assertThat(send("PUT", "/api/clients/" + id, """
				{"name": "Rae Plica", "email": "rae.plica@example.com", "phone": "+44 20 7946 0002"}""").statusCode())
			.isEqualTo(200);
		assertThat(send("DELETE", "/api/clients/" + id, null).statusCode()).isEqualTo(204);
		assertThat(this.routing.routed(Target.REPLICA)).as("update and delete").isEqualTo(beforeWrites);
		assertThat(this.routing.target()).isEqualTo(Target.REPLICA);
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
