package dev.poolguard.test;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where tests get a {@link PostgresServer}.
 *
 * <p>Which kind, decided once per JVM:
 * <ol>
 * <li>{@code POOLGUARD_TEST_POSTGRES=embedded|testcontainers|external} (or system property
 * {@code poolguard.test.postgres}) forces one;</li>
 * <li>an external server when {@code POOLGUARD_TEST_JDBC_URL} is set, logging in with
 * {@code POOLGUARD_TEST_USERNAME} / {@code POOLGUARD_TEST_PASSWORD} (default postgres/postgres);</li>
 * <li>Testcontainers' PostgreSQL when it is on the classpath and Docker is available;</li>
 * <li>otherwise an embedded PostgreSQL (zonky).</li>
 * </ol>
 *
 * <p>Servers PoolGuard starts run with {@link #DEFAULT_SETTINGS} under the caller's settings.
 * Those trade durability for speed ({@code fsync=off}): a crash of the machine may corrupt the
 * data directory, which for a throw-away test server does not matter.
 */
public final class PostgresServers {

	private static final Logger log = LoggerFactory.getLogger(PostgresServers.class);

	/**
	 * Settings every server PoolGuard starts gets unless the caller overrides them. Durability is
	 * off for speed; {@code max_connections} is PostgreSQL's own default, stated because zonky
	 * would otherwise raise it to 300 and the embedded server would differ from the others.
	 */
	public static final Map<String, String> DEFAULT_SETTINGS = Collections.unmodifiableMap(new TreeMap<>(Map.of(
			"fsync", "off",
			"full_page_writes", "off",
			"synchronous_commit", "off",
			"shared_buffers", "32MB",
			"max_connections", "100")));

	// Nothing connects over a Unix socket, and without one a server never collides with another's socket file.
	private static final Map<String, String> EMBEDDED_ONLY_SETTINGS = Map.of("unix_socket_directories", "");

	private static final Map<SharedKey, SharedServer> SHARED = new ConcurrentHashMap<>();
	private static final Set<AbstractPostgresServer> LIVE = ConcurrentHashMap.newKeySet();
	private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

	private static volatile ServerSelection.Choice choice;

	private PostgresServers() {
	}

	/** The JVM-wide server with default settings; started on first use, stopped when the JVM exits. */
	public static PostgresServer shared() {
		return shared(Map.of());
	}

	/**
	 * The JVM-wide server with these settings (e.g. {@code Map.of("max_connections", "20")}): one
	 * per distinct map, started on first use, stopped when the JVM exits. Against an external
	 * server, aborts the calling test unless the server already runs with these settings.
	 */
	public static PostgresServer shared(Map<String, String> serverSettings) {
		Map<String, String> wanted = normalize(serverSettings);
		ServerSelection.Choice chosen = choice();
		if (ServerSelection.EXTERNAL.equals(chosen.kind())) {
			// There is only one external server, whatever the settings; they can only be checked.
			ExternalPostgresServer external = (ExternalPostgresServer) SHARED
					.computeIfAbsent(new SharedKey(chosen, Map.of()), SharedServer::new).get();
			external.requireSettings(wanted);
			return external;
		}
		return SHARED.computeIfAbsent(new SharedKey(chosen, wanted), SharedServer::new).get();
	}

	/**
	 * Aborts the calling test when the server is external and does not run with these settings;
	 * does nothing (and starts nothing) for servers PoolGuard starts itself.
	 */
	static void abortUnlessExternalServerHas(Map<String, String> serverSettings) {
		if (!serverSettings.isEmpty() && ServerSelection.EXTERNAL.equals(choice().kind())) {
			shared(serverSettings);
		}
	}

	/** Replaces the JVM's choice (tests of this module only); returns the previous one. */
	static synchronized ServerSelection.Choice replaceChoice(ServerSelection.Choice replacement) {
		ServerSelection.Choice previous = choice;
		choice = replacement;
		return previous;
	}

	/** A new server with default settings that the caller owns; see {@link #dedicated(Map)}. */
	public static PostgresServer dedicated() {
		return dedicated(Map.of());
	}

	/**
	 * A new server that the caller owns, for tests that stop, restart or otherwise disturb it.
	 * {@link PostgresServer#close()} stops it and deletes its data. Against an external server,
	 * aborts the calling test unless the server already runs with these settings.
	 */
	public static PostgresServer dedicated(Map<String, String> serverSettings) {
		return create(choice(), false, normalize(serverSettings));
	}

	/**
	 * A hot standby streaming from a server this kit started embedded (a {@link #dedicated()}
	 * one: making it stops the primary for a moment), for tests of read replicas. The standby is
	 * a server of its own: stop and start it to take the replica away and bring it back, run
	 * {@code SELECT pg_wal_replay_pause()} on it to make it lag. Aborts the calling test for
	 * other kinds of server, whose data directory this kit cannot copy.
	 */
	public static PostgresServer streamingReplicaOf(PostgresServer primary) {
		if (!(primary instanceof EmbeddedPostgresServer embedded)) {
			throw new org.opentest4j.TestAbortedException(
					"A streaming replica needs the embedded server; this one is " + primary.kind());
		}
		EmbeddedPostgresServer standby = embedded.startStandby();
		track(standby);
		return standby;
	}

	/** Starts (or, for an external server, connects to) a server of the chosen kind. */
	static AbstractPostgresServer create(ServerSelection.Choice chosen, boolean shared, Map<String, String> wanted) {
		AbstractPostgresServer server;
		switch (chosen.kind()) {
			case ServerSelection.EXTERNAL:
				ExternalPostgresServer external = new ExternalPostgresServer(shared, chosen.jdbcUrl(), chosen.username(),
						chosen.password());
				log.info("External PostgreSQL at {} (user {})", JdbcUrls.redacted(external.jdbcUrl()), external.username());
				external.requireSettings(wanted);
				return external;
			case ServerSelection.TESTCONTAINERS:
				server = TestcontainersPostgresServer.start(shared, withDefaults(wanted, Map.of()), chosen.image());
				break;
			default:
				server = EmbeddedPostgresServer.start(shared, withDefaults(wanted, EMBEDDED_ONLY_SETTINGS));
		}
		track(server);
		return server;
	}

	/** Forgets a server that was closed before the JVM exits. */
	static void untrack(AbstractPostgresServer server) {
		LIVE.remove(server);
	}

	private static void track(AbstractPostgresServer server) {
		LIVE.add(server);
		if (HOOK_INSTALLED.compareAndSet(false, true)) {
			Runtime.getRuntime().addShutdownHook(new Thread(PostgresServers::shutdownAll, "poolguard-test-postgres-shutdown"));
		}
	}

	private static void shutdownAll() {
		for (AbstractPostgresServer server : LIVE) {
			try {
				server.shutdown();
			} catch (RuntimeException e) {
				log.warn("Cannot shut down {}", server, e);
			}
		}
	}

	private static ServerSelection.Choice choice() {
		ServerSelection.Choice chosen = choice;
		if (chosen == null) {
			synchronized (PostgresServers.class) {
				chosen = choice;
				if (chosen == null) {
					chosen = ServerSelection.choose(ServerSelection.environment(), ServerSelection::testcontainersUsable);
					log.info("PoolGuard test PostgreSQL: {}", chosen);
					choice = chosen;
				}
			}
		}
		return chosen;
	}

	private static Map<String, String> normalize(Map<String, String> settings) {
		Map<String, String> normalized = new TreeMap<>();
		settings.forEach((name, value) -> {
			if (value == null) {
				throw new IllegalArgumentException("Setting " + name + " has no value");
			}
			normalized.put(Sql.settingName(name), value);
		});
		return Collections.unmodifiableMap(normalized);
	}

	private static Map<String, String> withDefaults(Map<String, String> wanted, Map<String, String> kindDefaults) {
		Map<String, String> effective = new TreeMap<>(DEFAULT_SETTINGS);
		effective.putAll(kindDefaults);
		effective.putAll(wanted);
		return Collections.unmodifiableMap(effective);
	}

	private record SharedKey(ServerSelection.Choice choice, Map<String, String> settings) {
	}

	/** Starts its server once, on first {@link #get()}; a failed start is retried by the next caller. */
	private static final class SharedServer {

		private final SharedKey key;
		private AbstractPostgresServer server;

		SharedServer(SharedKey key) {
			this.key = key;
		}

		synchronized AbstractPostgresServer get() {
			if (server == null) {
				server = create(key.choice(), true, key.settings());
			}
			return server;
		}
	}
}
