package dev.poolguard.benchmarks.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sample app's jar as a child process on a free loopback port, with a configuration.
 *
 * @author PoolGuard
 */
final class SampleApp implements AutoCloseable {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private final Process process;

	private final int port;

	private SampleApp(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	static SampleApp start(String java, Path jar, String jdbcUrl, String username, String password, List<String> properties,
			Path log) throws IOException, InterruptedException {
		int port = freePort();
		List<String> command = new ArrayList<>(List.of(java, "-Xms512m", "-Xmx512m", "-jar", jar.toString(),
				"--server.address=127.0.0.1", "--server.port=" + port,
				// Two apps run side by side: the sample's fixed operator port would clash.
				"--management.server.port=" + freePort(), "--spring.datasource.url=" + jdbcUrl,
				"--spring.datasource.username=" + username, "--spring.datasource.password=" + password,
				"--spring.main.banner-mode=off", "--logging.level.root=WARN", "--logging.level.dev.poolguard=INFO"));
		command.addAll(properties);
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		SampleApp app = new SampleApp(process, port);
		app.awaitHealthy(log);
		return app;
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	private void awaitHealthy(Path log) throws IOException, InterruptedException {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/clients/1"))
			.timeout(Duration.ofSeconds(5))
			.build();
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IOException("The sample app exited with " + this.process.exitValue() + "; see " + log);
			}
			try {
				if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		close();
		throw new IOException("The sample app did not answer within " + STARTUP_TIMEOUT.toSeconds() + "s; see " + log);
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
