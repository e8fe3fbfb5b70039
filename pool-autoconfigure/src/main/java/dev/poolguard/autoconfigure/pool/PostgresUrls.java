package dev.poolguard.autoconfigure.pool;

/**
 * What PoolGuard needs to know of a JDBC URL: whether it is PostgreSQL, and how to show it
 * without the credentials pgjdbc allows in its query string.
 *
 * @author PoolGuard
 */
final class PostgresUrls {

	private static final String POSTGRES_PREFIX = "jdbc:postgresql:";

	private PostgresUrls() {
	}

	static boolean isPostgres(String jdbcUrl) {
		return jdbcUrl != null && jdbcUrl.startsWith(POSTGRES_PREFIX);
	}

	/**
	 * The URL without its query string, where pgjdbc accepts {@code user} and
	 * {@code password}.
	 */
	static String describe(String jdbcUrl) {
		if (jdbcUrl == null) {
			return "no JDBC URL";
		}
		int query = jdbcUrl.indexOf('?');
		return (query < 0) ? jdbcUrl : jdbcUrl.substring(0, query);
	}

}
