package dev.poolguard.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample jar, started as a user would start it: {@code java -jar}, on the JDK
 * that runs the tests or on another one named by {@code sample.java-homes}.
 */
final class SampleJar implements AutoCloseable {

	private final Process process;

	private final Path log;

	private final int port;

	private final int managementPort;

	private final HttpClient http = HttpClient.newHttpClient();

	private SampleJar(Process process, Path log, int port, int managementPort) {
		this.process = process;
		this.log = log;
		this.port = port;
		this.managementPort = managementPort;
	}

	/**
	 * The JDKs to run the jar on: the one running the tests, and those listed (by their
	 * home, separated by the path separator) in the {@code sample.java-homes}
	 * system property, which {@code .ci/run} fills with the JDK 21 and 25 it finds.
	 * @return the java homes
	 */
	static Stream<String> javaHomes() {
		List<String> homes = new ArrayList<>(List.of(System.getProperty("java.home")));
		for (String home : System.getProperty("sample.java-homes", "").split(File.pathSeparator)) {
			if (!home.isBlank()) {
				homes.add(home.trim());
			}
		}
		return homes.stream();
	}

	/**
	 * Starts the jar on a free port and waits until its health answers 200.
	 * @param javaHome the JDK to run it on
	 * @param jvmOptions options before {@code -jar}
	 * @param environment extra environment variables
	 * @return the running application
	 */
	static SampleJar start(String javaHome, List<String> jvmOptions, Map<String, String> environment)
			throws IOException {
		int port = freePort();
		int managementPort = freePort();
		Path log = Files.createTempFile("sample-jar", ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(javaHome, "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", jar().toString(), "--server.port=" + port,
				"--management.server.port=" + managementPort));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		SampleJar app = new SampleJar(builder.start(), log, port, managementPort);
		try {
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
				assertThat(app.process.isAlive()).as("the app is running (log: %s)", log).isTrue();
				return app.get("/actuator/health").statusCode() == 200;
			});
		}
		catch (RuntimeException | Error ex) {
			app.close();
			throw ex;
		}
		return app;
	}

	/**
	 * A GET on the application, or on its management port for {@code /actuator} paths.
	 */
	HttpResponse<String> get(String path) throws IOException, InterruptedException {
		int target = path.startsWith("/actuator") ? this.managementPort : this.port;
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + target + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	static Path jar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			return files.filter((path) -> path.getFileName().toString().matches("poolguard-sample-app-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("run mvn package first"));
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
