package dev.poolguard.autoconfigure.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.util.DriverDataSource;

/**
 * Opens PoolGuard's own connections to a pool's server, for the health probe, the
 * server sampling and the budget: never one of the pool's, which may be the very thing
 * that is exhausted. Each carries the pool's URL, credentials and driver properties (TLS
 * settings), short timeouts of its own, so that a server that does not answer costs
 * seconds rather than the pool's timeouts, and the application name followed by
 * {@value #SUFFIX}, so that {@code pg_stat_activity} tells it from the pool's
 * connections and from other clients.
 *
 * <p>
 * A side connection lives for one probe or one sample and is closed at once: where a
 * role's limit is as tight as the pool, a connection of PoolGuard's kept open would hold
 * a slot the pool needs. It still counts in the connection budget, once per instance.
 *
 * @author PoolGuard
 */
public final class SideConnections {

	/** What PoolGuard's own connections add to the application's name. */
	public static final String SUFFIX = " (poolguard)";

	/** Seconds to open the TCP connection. */
	public static final int CONNECT_TIMEOUT_SECONDS = 2;

	/** Seconds for the whole login, and for any one read from the socket. */
	public static final int READ_TIMEOUT_SECONDS = 3;

	// Settings in the URL's query string win over driver properties in pgjdbc: they are
	// dropped so that the short timeouts above hold.
	private static final Set<String> TIMEOUT_PARAMETERS = Set.of("connecttimeout", "sockettimeout", "logintimeout");

	private final DriverDataSource driver;

	private final String applicationName;

	/**
	 * Side connections to a pool's server.
	 * @param pool the pool, for its URL, credentials and driver properties
	 * @param applicationName the name the pool's connections carry
	 * @return the side connections
	 */
	public static SideConnections of(HikariConfig pool, String applicationName) {
		return new SideConnections(pool, applicationName);
	}

	SideConnections(HikariConfig pool, String applicationName) {
		Properties properties = new Properties();
		pool.getDataSourceProperties().forEach((key, value) -> {
			if (!TIMEOUT_PARAMETERS.contains(String.valueOf(key).toLowerCase(Locale.ROOT))) {
				properties.setProperty(String.valueOf(key), String.valueOf(value));
			}
		});
		properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
		properties.setProperty("loginTimeout", String.valueOf(READ_TIMEOUT_SECONDS));
		properties.setProperty("socketTimeout", String.valueOf(READ_TIMEOUT_SECONDS));
		properties.setProperty("ApplicationName", applicationName + SUFFIX);
		// One statement per connection: nothing to gain from preparing it on the server,
		// and behind a transaction-mode pooler a server-side statement is not ours.
		properties.setProperty("prepareThreshold", "0");
		this.driver = new DriverDataSource(withoutTimeouts(pool.getJdbcUrl()), pool.getDriverClassName(), properties,
				pool.getUsername(), pool.getPassword());
		this.applicationName = applicationName;
	}

	/**
	 * Opens a side connection; the caller closes it.
	 * @return the connection
	 * @throws SQLException why the server refused it, {@code 53300} when it is full
	 */
	public Connection open() throws SQLException {
		return this.driver.getConnection();
	}

	/**
	 * The application name the pool's connections carry.
	 * @return the name, never {@code null}
	 */
	public String applicationName() {
		return this.applicationName;
	}

	/**
	 * The application name PoolGuard's side connections carry.
	 * @return the name
	 */
	public String sideApplicationName() {
		return this.applicationName + SUFFIX;
	}

	static String withoutTimeouts(String jdbcUrl) {
		int query = jdbcUrl.indexOf('?');
		if (query < 0) {
			return jdbcUrl;
		}
		StringBuilder kept = new StringBuilder();
		for (String parameter : jdbcUrl.substring(query + 1).split("&")) {
			int equals = parameter.indexOf('=');
			String name = (equals < 0) ? parameter : parameter.substring(0, equals);
			if (!parameter.isEmpty() && !TIMEOUT_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
				kept.append((kept.length() == 0) ? "" : "&").append(parameter);
			}
		}
		return jdbcUrl.substring(0, query) + ((kept.length() > 0) ? "?" + kept : "");
	}

}
