package dev.poolguard.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * PostgreSQL in a Testcontainers container. The only class that touches Testcontainers types:
 * callers reach it only after checking that Testcontainers is on the classpath.
 *
 * <p>Testcontainers' own {@code stop()} removes the container (and its data) and a restarted
 * container would get a new random host port, so stop/start go to the Docker client directly, and
 * the host port is fixed when the container is created.
 */
final class TestcontainersPostgresServer extends StartedPostgresServer {

	private static final Logger log = LoggerFactory.getLogger(TestcontainersPostgresServer.class);

	private static final int CONTAINER_PORT = 5432;
	private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);

	private final PostgreSQLContainer container;
	private final int hostPort;
	private boolean running;
	private boolean shutDown;

	private TestcontainersPostgresServer(boolean shared, PostgreSQLContainer container, int hostPort) {
		super(shared);
		this.container = container;
		this.hostPort = hostPort;
	}

	static boolean isDockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	static AbstractPostgresServer start(boolean shared, Map<String, String> settings, String image) {
		int hostPort = FreePorts.reserve();
		List<String> command = new ArrayList<>(List.of("postgres"));
		settings.forEach((key, value) -> {
			command.add("-c");
			command.add(key + "=" + value);
		});
		PostgreSQLContainer container = new PostgreSQLContainer(image)
				.withDatabaseName("postgres")
				.withUsername(USERNAME)
				.withPassword(PASSWORD)
				.withStartupTimeout(STARTUP_WAIT);
		container.setCommand(command.toArray(String[]::new));
		container.setPortBindings(List.of(hostPort + ":" + CONTAINER_PORT));
		long started = System.nanoTime();
		try {
			container.start();
		} catch (RuntimeException e) {
			FreePorts.release(hostPort);
			throw e;
		}
		TestcontainersPostgresServer server = new TestcontainersPostgresServer(shared, container, hostPort);
		server.running = true;
		log.info("Testcontainers PostgreSQL ({}) at {} in {} ms (container {}, settings {})", image, server.jdbcUrl(),
				Duration.ofNanos(System.nanoTime() - started).toMillis(), container.getContainerId(), settings);
		return server;
	}

	@Override
	public String kind() {
		return "testcontainers";
	}

	@Override
	public String host() {
		return container.getHost();
	}

	@Override
	public int port() {
		return hostPort;
	}

	@Override
	public synchronized boolean isRunning() {
		return running;
	}

	@Override
	public synchronized void stop() {
		if (!running) {
			return;
		}
		// The postgres image's STOPSIGNAL is SIGINT: a fast shutdown that ends open connections.
		DockerClientFactory.instance().client().stopContainerCmd(container.getContainerId()).withTimeout(30).exec();
		running = false;
		log.info("Testcontainers PostgreSQL at {} stopped", jdbcUrl());
	}

	@Override
	public synchronized void start() {
		if (shutDown) {
			throw new IllegalStateException(this + " is closed");
		}
		if (running) {
			return;
		}
		DockerClientFactory.instance().client().startContainerCmd(container.getContainerId()).exec();
		awaitConnectable();
		running = true;
		log.info("Testcontainers PostgreSQL at {} started again", jdbcUrl());
	}

	@Override
	synchronized void shutdown() {
		if (shutDown) {
			return;
		}
		shutDown = true;
		running = false;
		try {
			container.stop();
		} finally {
			FreePorts.release(hostPort);
		}
	}

	private void awaitConnectable() {
		long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
		SQLException last = null;
		while (System.nanoTime() < deadline) {
			try (Connection connection = openAdminConnection("postgres")) {
				return;
			} catch (SQLException e) {
				// The entrypoint may still be starting, or in recovery: 08001 / 57P03 until it is ready.
				last = e;
			}
			try {
				Thread.sleep(200);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + jdbcUrl(), e);
			}
		}
		throw new IllegalStateException("Testcontainers PostgreSQL at " + jdbcUrl() + " did not accept connections within "
				+ STARTUP_WAIT.toSeconds() + " s after start", last);
	}
}
