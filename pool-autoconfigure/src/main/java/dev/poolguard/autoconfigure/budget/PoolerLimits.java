package dev.poolguard.autoconfigure.budget;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;

/**
 * What PgBouncer's admin console says about its limits: how many clients it accepts
 * ({@code max_client_conn}) and how many server connections it opens for the pool's
 * database and user ({@code pool_size} + {@code reserve_pool} of {@code SHOW DATABASES},
 * else {@code default_pool_size} + {@code reserve_pool_size} of {@code SHOW CONFIG}).
 *
 * @param maxClientConnections PgBouncer's {@code max_client_conn}
 * @param poolSize server connections per database and user
 * @param reservePool extra server connections under load
 * @param poolMode PgBouncer's {@code pool_mode}
 * @author PoolGuard
 */
record PoolerLimits(int maxClientConnections, int poolSize, int reservePool, String poolMode) {

	/** How long to wait for the admin console. */
	private static final int TIMEOUT_MILLIS = 3000;

	int serverConnections() {
		return this.poolSize + this.reservePool;
	}

	/**
	 * Reads the limits through the admin console.
	 * @param pooler the pooler's configuration ({@code admin-url} must be set)
	 * @param pool the pool, for its database name and default credentials
	 * @return the limits
	 * @throws SQLException when the console refuses or does not answer
	 */
	static PoolerLimits read(PoolGuardProperties.Pooler pooler, HikariDataSource pool) throws SQLException {
		String user = (pooler.getAdminUsername() != null) ? pooler.getAdminUsername() : pool.getUsername();
		String password = (pooler.getAdminUsername() != null || pooler.getAdminPassword() != null)
				? pooler.getAdminPassword() : pool.getPassword();
		try (PoolerConsole console = PoolerConsole.open(pooler.getAdminUrl(), user, password, TIMEOUT_MILLIS)) {
			Map<String, String> config = new HashMap<>();
			for (Map<String, String> row : console.query("SHOW CONFIG")) {
				config.put(row.get("key"), row.get("value"));
			}
			int poolSize = integer(config, "default_pool_size");
			int reservePool = integer(config, "reserve_pool_size");
			String database = databaseName(pool.getJdbcUrl());
			for (Map<String, String> row : console.query("SHOW DATABASES")) {
				if (database != null && database.equals(row.get("name")) && row.get("pool_size") != null) {
					poolSize = Integer.parseInt(row.get("pool_size").trim());
					if (row.get("reserve_pool") != null) {
						reservePool = Integer.parseInt(row.get("reserve_pool").trim());
					}
				}
			}
			return new PoolerLimits(integer(config, "max_client_conn"), poolSize, reservePool, config.get("pool_mode"));
		}
	}

	private static int integer(Map<String, String> config, String key) throws SQLException {
		String value = config.get(key);
		if (value == null) {
			throw new SQLException("the admin console's SHOW CONFIG has no " + key + ": is it PgBouncer's?");
		}
		return Integer.parseInt(value.trim());
	}

	static String databaseName(String jdbcUrl) {
		if (jdbcUrl == null) {
			return null;
		}
		String rest = jdbcUrl.replaceFirst("^jdbc:postgresql://[^/]*/?", "");
		int query = rest.indexOf('?');
		String name = (query >= 0) ? rest.substring(0, query) : rest;
		return name.isEmpty() ? null : name;
	}

}
