package dev.poolguard.test;

import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/**
 * A server someone else runs ({@code POOLGUARD_TEST_JDBC_URL}). It is used as it is: its settings
 * cannot be changed and it cannot be stopped, so tests that need either are aborted, not failed.
 */
final class ExternalPostgresServer extends AbstractPostgresServer {

	private final String jdbcUrl;
	private final String username;
	private final String password;

	ExternalPostgresServer(boolean shared, String jdbcUrl, String username, String password) {
		super(shared);
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
		JdbcUrls.database(jdbcUrl); // fails fast on a URL we cannot rewrite per database
	}

	@Override
	public String kind() {
		return "external";
	}

	@Override
	public String host() {
		return JdbcUrls.host(jdbcUrl);
	}

	@Override
	public int port() {
		return JdbcUrls.port(jdbcUrl);
	}

	@Override
	public String jdbcUrl() {
		return jdbcUrl;
	}

	@Override
	public String jdbcUrl(String database) {
		return JdbcUrls.withDatabase(jdbcUrl, database);
	}

	@Override
	public String username() {
		return username;
	}

	@Override
	public String password() {
		return password;
	}

	@Override
	public boolean canControlLifecycle() {
		return false;
	}

	@Override
	public void stop() {
		abortLifecycle("stop");
	}

	@Override
	public void start() {
		abortLifecycle("start");
	}

	@Override
	public void restart() {
		abortLifecycle("restart");
	}

	@Override
	public boolean isRunning() {
		return true;
	}

	@Override
	void shutdown() {
		// Not ours to stop.
	}

	/**
	 * Aborts the calling test unless the server already runs with every given setting, compared as
	 * {@code SHOW} prints it (so {@code shared_buffers} is {@code 128MB}, not {@code 16384}).
	 */
	void requireSettings(Map<String, String> wanted) {
		StringBuilder differences = new StringBuilder();
		wanted.forEach((name, value) -> {
			String actual = query("SHOW " + Sql.settingName(name), ResultSetReader.singleString());
			if (!actual.trim().equalsIgnoreCase(value.trim())) {
				differences.append(differences.length() == 0 ? "" : ", ")
						.append(name).append(" is ").append(actual).append(", the test needs ").append(value);
			}
		});
		if (differences.length() > 0) {
			Assumptions.abort("The external PostgreSQL at " + JdbcUrls.redacted(jdbcUrl) + " does not run with the settings this test needs ("
					+ differences + "); unset POOLGUARD_TEST_JDBC_URL to use a server PoolGuard starts itself");
		}
	}

	private void abortLifecycle(String operation) {
		Assumptions.abort("Cannot " + operation + " the external PostgreSQL at " + JdbcUrls.redacted(jdbcUrl)
				+ "; unset POOLGUARD_TEST_JDBC_URL to run this test against a server PoolGuard controls");
	}
}
