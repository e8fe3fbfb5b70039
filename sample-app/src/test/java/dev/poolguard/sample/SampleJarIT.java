package dev.poolguard.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample, run the way the README tells a user to: {@code java -jar}, nothing
 * configured. It starts its own PostgreSQL, reports UP and serves the seeded clients.
 */
class SampleJarIT {

	@Test
	void builtJarStartsWithItsOwnDatabaseAndReportsUp() throws Exception {
		Path jar = Files.list(Path.of("target"))
			.filter((path) -> path.getFileName().toString().matches("poolguard-sample-app-.*\\.jar"))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("run mvn package first"));
		int port = freePort();
		int managementPort = freePort();
		Path log = Files.createTempFile("sample-jar", ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process app = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "--server.port=" + port,
				"--management.server.port=" + managementPort))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			HttpClient client = HttpClient.newHttpClient();
			HttpRequest health = HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/actuator/health"))
				.build();
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
				assertThat(app.isAlive()).as("the app is running (log: %s)", log).isTrue();
				return client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
			});
			assertThat(client.send(health, HttpResponse.BodyHandlers.ofString()).body()).contains("\"status\":\"UP\"");
			assertThat(Files.readString(log)).contains("started an embedded PostgreSQL at jdbc:postgresql://localhost:")
				.contains("PoolGuard tuned pool");
			// The migration is in the jar: the README's curl examples find their clients.
			HttpRequest clients = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/clients?size=1"))
				.build();
			assertThat(client.send(clients, HttpResponse.BodyHandlers.ofString()).body()).contains("\"total\":10000");
		}
		finally {
			app.destroy();
			if (!app.waitFor(30, TimeUnit.SECONDS)) {
				app.destroyForcibly();
			}
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
