package dev.poolguard.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PgBouncer (the {@code pgbouncer} binary of the machine, e.g. Debian's package) in
 * front of a {@link PostgresServer}, on a free port of 127.0.0.1, for tests of PoolGuard
 * behind a pooler. Every database is forwarded to the server as its user; the admin console
 * (database {@code pgbouncer}) accepts that user. Tests that need it skip when the binary is
 * absent: {@code assumeTrue(PgBouncer.isAvailable(), PgBouncer.unavailableReason())}.
 */
public final class PgBouncer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PgBouncer.class);

	private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"),
			Path.of("/usr/local/bin/pgbouncer"));

	private static final String SYSTEM_USER = "postgres";

	private final PostgresServer server;

	private final int port;

	private final Path directory;

	private final Process process;

	private PgBouncer(PostgresServer server, int port, Path directory, Process process) {
		this.server = server;
		this.port = port;
		this.directory = directory;
		this.process = process;
	}

	/**
	 * Whether a {@code pgbouncer} binary is installed.
	 * @return whether tests can start one
	 */
	public static boolean isAvailable() {
		return binary() != null;
	}

	/**
	 * Why a test that needs PgBouncer is skipped.
	 * @return the reason
	 */
	public static String unavailableReason() {
		return "pgbouncer is not installed (looked in " + BINARIES
				+ "); install it (apt-get install -y pgbouncer, as .ci/run does) to run the tests behind a pooler";
	}

	/**
	 * Starts PgBouncer in front of the server.
	 * @param server the server
	 * @param poolMode {@code session}, {@code transaction} or {@code statement}
	 * @param settings more {@code [pgbouncer]} settings ({@code default_pool_size},
	 * {@code max_client_conn}...)
	 * @return the running PgBouncer
	 */
	public static PgBouncer inFrontOf(PostgresServer server, String poolMode, Map<String, String> settings) {
		return inFrontOf(server, poolMode, settings, false);
	}

	/**
	 * Starts PgBouncer in front of the server, asking every client, the admin console's too,
	 * for the server user's password with SCRAM-SHA-256 (PgBouncer's {@code auth_file}).
	 * @param server the server
	 * @param poolMode {@code session}, {@code transaction} or {@code statement}
	 * @param settings more {@code [pgbouncer]} settings
	 * @return the running PgBouncer
	 */
	public static PgBouncer withPasswordsInFrontOf(PostgresServer server, String poolMode,
			Map<String, String> settings) {
		return inFrontOf(server, poolMode, settings, true);
	}

	private static PgBouncer inFrontOf(PostgresServer server, String poolMode, Map<String, String> settings,
			boolean passwords) {
		Path binary = binary();
		if (binary == null) {
			throw new IllegalStateException(unavailableReason());
		}
		try {
			Path directory = Files.createTempDirectory("poolguard-pgbouncer-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
			int port = FreePorts.reserve();
			Map<String, String> config = new LinkedHashMap<>();
			config.put("listen_addr", "127.0.0.1");
			config.put("listen_port", String.valueOf(port));
			config.put("unix_socket_dir", "");
			config.put("auth_type", "any");
			config.put("pool_mode", poolMode);
			config.put("admin_users", server.username());
			config.put("max_client_conn", "200");
			config.put("default_pool_size", "5");
			config.put("ignore_startup_parameters", "extra_float_digits,options");
			config.put("server_reset_query", "DISCARD ALL");
			if (passwords) {
				Path users = directory.resolve("userlist.txt");
				Files.writeString(users, "\"" + server.username() + "\" \"" + server.password() + "\"\n");
				users.toFile().setReadable(true, false);
				config.put("auth_type", "scram-sha-256");
				config.put("auth_file", users.toString());
			}
			config.putAll(settings);
			String ini = "[databases]\n* = host=" + server.host() + " port=" + server.port() + " user="
					+ server.username() + ((server.password() != null && !server.password().isEmpty())
							? " password=" + server.password() : "")
					+ "\n\n[pgbouncer]\n" + config.entrySet()
						.stream()
						.map((entry) -> entry.getKey() + " = " + entry.getValue())
						.collect(Collectors.joining("\n")) + "\n";
			Path iniFile = directory.resolve("pgbouncer.ini");
			Files.writeString(iniFile, ini);
			ProcessBuilder builder = ("root".equals(System.getProperty("user.name")))
					// PgBouncer refuses to run as root: it switches to the postgres user.
					? new ProcessBuilder(binary.toString(), "-u", SYSTEM_USER, iniFile.toString())
					: new ProcessBuilder(binary.toString(), iniFile.toString());
			builder.redirectErrorStream(true).redirectOutput(directory.resolve("stdout.log").toFile());
			Process process = builder.start();
			PgBouncer pgBouncer = new PgBouncer(server, port, directory, process);
			pgBouncer.awaitListening(Duration.ofSeconds(10));
			log.info("PgBouncer ({} pooling) 127.0.0.1:{} -> {}:{}", poolMode, port, server.host(), server.port());
			return pgBouncer;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start PgBouncer", ex);
		}
	}

	private void awaitListening(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("PgBouncer exited with " + this.process.exitValue() + ": " + output());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				return;
			}
			catch (IOException ex) {
				sleep(50);
			}
		}
		close();
		throw new IllegalStateException("PgBouncer did not listen on " + this.port + " within " + timeout + ": "
				+ output());
	}

	private String output() throws IOException {
		StringBuilder output = new StringBuilder();
		for (String name : List.of("stdout.log")) {
			Path file = this.directory.resolve(name);
			if (Files.exists(file)) {
				output.append(Files.readString(file));
			}
		}
		return output.toString();
	}

	/**
	 * PgBouncer's port on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The server's default-database URL, through PgBouncer.
	 * @return the URL
	 */
	public String jdbcUrl() {
		return JdbcUrls.withHostAndPort(this.server.jdbcUrl(), "127.0.0.1", this.port);
	}

	/**
	 * The URL of PgBouncer's admin console, the virtual database {@code pgbouncer}.
	 * @return the URL
	 */
	public String adminJdbcUrl() {
		return JdbcUrls.build("127.0.0.1", this.port, "pgbouncer");
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		FreePorts.release(this.port);
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			log.debug("Cannot delete {}", this.directory, ex);
		}
	}

	private static Path binary() {
		return BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
