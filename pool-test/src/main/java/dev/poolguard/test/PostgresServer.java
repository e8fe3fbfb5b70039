package dev.poolguard.test;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * A real PostgreSQL server for tests: embedded, in a Testcontainers container, or an external
 * server you point the tests at. Obtain one from {@link PostgresServers} or let
 * {@link PostgresExtension} inject it.
 *
 * <p>The admin helpers ({@link #execute}, {@link #query}, {@link #createRole}, ...) each open a
 * short-lived superuser connection to the default database with application name
 * {@value #ADMIN_APPLICATION_NAME}, so they never hold a connection a test is counting.
 */
public interface PostgresServer extends AutoCloseable {

	/** The {@code application_name} of the connections the admin helpers open. */
	String ADMIN_APPLICATION_NAME = "poolguard-test-admin";

	/** {@code "embedded"}, {@code "testcontainers"} or {@code "external"}. */
	String kind();

	/** Host name clients connect to. */
	String host();

	/** TCP port clients connect to; stays the same across {@link #stop()} and {@link #start()}. */
	int port();

	/** JDBC URL of the default database ({@code postgres}, or the database of an external URL). */
	String jdbcUrl();

	/** JDBC URL of the given database on this server, keeping any query parameters of {@link #jdbcUrl()}. */
	String jdbcUrl(String database);

	/** Superuser (admin) name. */
	String username();

	/** Superuser (admin) password. */
	String password();

	/** Admin credentials on the default database, for a Spring Boot {@code DataSource}. */
	JdbcConnectionDetails connectionDetails();

	/** The given credentials on the given database, for a Spring Boot {@code DataSource}. */
	JdbcConnectionDetails connectionDetails(String database, String username, String password);

	/**
	 * Registers {@code spring.datasource.url}, {@code username} and {@code password} for
	 * the admin on the default database, for example from a {@code @DynamicPropertySource}
	 * method: {@code server.registerDataSource(registry::add)}.
	 * @param registry where to register each property
	 */
	default void registerDataSource(BiConsumer<String, Supplier<Object>> registry) {
		registry.accept("spring.datasource.url", this::jdbcUrl);
		registry.accept("spring.datasource.username", this::username);
		registry.accept("spring.datasource.password", this::password);
	}

	/**
	 * Creates a {@code LOGIN} role. An existing role of that name has its backends terminated and is
	 * dropped first; if other objects still depend on it, it is reset in place instead.
	 *
	 * @param connectionLimit the role's {@code CONNECTION LIMIT}; {@code -1} means unlimited
	 */
	Role createRole(String name, String password, int connectionLimit);

	/** {@code ALTER ROLE ... CONNECTION LIMIT}; {@code -1} means unlimited. */
	void setRoleConnectionLimit(String role, int connectionLimit);

	/**
	 * Creates a database owned by {@code owner} (the admin when {@code null}). An existing database of
	 * that name is dropped first, its backends terminated.
	 */
	void createDatabase(String name, String owner);

	/** {@code ALTER DATABASE ... CONNECTION LIMIT}; {@code -1} means unlimited. */
	void setDatabaseConnectionLimit(String database, int connectionLimit);

	/** Runs one statement as the admin on the default database. */
	void execute(String sql);

	/** Runs one query as the admin on the default database and hands its result to {@code reader}. */
	<T> T query(String sql, ResultSetReader<T> reader);

	/**
	 * Terminates every backend whose {@code application_name} is {@code applicationName} and waits
	 * (up to 5 s, PostgreSQL 14+) until they are gone.
	 *
	 * @return how many backends were signalled
	 */
	int terminateBackends(String applicationName);

	/** Like {@link #terminateBackends(String)}, for every backend of the given role. */
	int terminateBackendsOf(String role);

	/** How many backends have that {@code application_name} right now. */
	int countBackends(String applicationName);

	/** Whether {@link #stop()}, {@link #start()} and {@link #restart()} work; false for an external server. */
	boolean canControlLifecycle();

	/**
	 * Stops the server (fast shutdown: open connections are terminated). The data and the port are
	 * kept for {@link #start()}. On an external server this aborts the calling test.
	 */
	void stop();

	/** Starts a stopped server on the same port with the same data; {@link #jdbcUrl()} works again. */
	void start();

	/** {@link #stop()} then {@link #start()}. */
	void restart();

	/** Whether the server is started (an external server is assumed to be). */
	boolean isRunning();

	/**
	 * Stops the server for good and deletes its data. A no-op for shared servers, which stop when
	 * the JVM exits.
	 */
	@Override
	void close();
}
