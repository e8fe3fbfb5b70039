package dev.poolguard.autoconfigure.budget;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

import dev.poolguard.autoconfigure.PoolGuardSanitizer;
import dev.poolguard.autoconfigure.pool.SideConnections;

/**
 * Reads a PostgreSQL server's connection limits over one of PoolGuard's side
 * connections, never one of the pool's: the pool may be the very thing that is
 * exhausted. A server that refuses the side connection because it is full tells that
 * much: {@link ServerFullException}.
 *
 * @author PoolGuard
 */
final class ServerLimitsReader {

	/** Seconds to open the TCP connection. */
	static final int CONNECT_TIMEOUT_SECONDS = SideConnections.CONNECT_TIMEOUT_SECONDS;

	private static final String STATEMENT_TIMEOUT = "1s";

	private static final String TOO_MANY_CONNECTIONS = "53300";

	private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&\\s,;]*");

	private static final String LIMITS = """
			SELECT current_setting('server_version'),
			       current_setting('max_connections')::int,
			       current_setting('superuser_reserved_connections')::int,
			       current_setting('reserved_connections', true),
			       r.rolname, r.rolsuper, r.rolconnlimit,
			       d.datname, d.datconnlimit
			FROM pg_roles r, pg_database d
			WHERE r.rolname = session_user AND d.datname = current_database()
			""";

	// Client backends other than this one: the application's pool connections, and
	// everybody else's but PoolGuard's own side connections, which the budget counts
	// apart. Without pg_read_all_stats a role sees other roles' sessions with
	// backend_type NULL; those with a database and a user are client sessions (server
	// processes such as the checkpointer have neither).
	private static final String CONNECTIONS = """
			SELECT count(*) FILTER (WHERE application_name = ?),
			       count(*) FILTER (WHERE application_name IS DISTINCT FROM ?
			                          AND application_name IS DISTINCT FROM current_setting('application_name'))
			FROM pg_stat_activity
			WHERE pid <> pg_backend_pid()
			  AND (backend_type = 'client backend'
			       OR (backend_type IS NULL AND datid IS NOT NULL AND usesysid IS NOT NULL))
			""";

	/**
	 * Reads the limits of the server a pool connects to.
	 * @param connections the pool's side connections
	 * @return the server's limits
	 * @throws ServerFullException when the server refused the connection because it is
	 * full
	 * @throws SQLException when the server cannot be reached or does not answer in time
	 */
	ServerLimits read(SideConnections connections) throws SQLException {
		try (Connection connection = connections.open()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				// SET LOCAL ends with the transaction, so it also holds behind a PgBouncer in
				// transaction mode without leaking into another client's session.
				statement.execute("SET LOCAL statement_timeout = '" + STATEMENT_TIMEOUT + "'");
				ServerLimits limits = read(statement, connection, connections.applicationName());
				connection.rollback();
				return limits;
			}
		}
		catch (SQLException ex) {
			if (TOO_MANY_CONNECTIONS.equals(ex.getSQLState())) {
				throw new ServerFullException(ex);
			}
			throw ex;
		}
	}

	private static ServerLimits read(Statement statement, Connection connection, String applicationName)
			throws SQLException {
		String version;
		int maxConnections;
		int superuserReserved;
		Integer reserved;
		String role;
		boolean superuser;
		int roleLimit;
		String database;
		int databaseLimit;
		try (ResultSet result = statement.executeQuery(LIMITS)) {
			if (!result.next()) {
				throw new SQLException("The server did not describe the role and database of this connection");
			}
			version = result.getString(1);
			maxConnections = result.getInt(2);
			superuserReserved = result.getInt(3);
			String reservedSetting = result.getString(4);
			reserved = (reservedSetting != null) ? Integer.valueOf(reservedSetting) : null;
			role = result.getString(5);
			superuser = result.getBoolean(6);
			roleLimit = result.getInt(7);
			database = result.getString(8);
			databaseLimit = result.getInt(9);
		}
		try (PreparedStatement connections = connection.prepareStatement(CONNECTIONS)) {
			connections.setString(1, applicationName);
			connections.setString(2, applicationName);
			try (ResultSet result = connections.executeQuery()) {
				result.next();
				return new ServerLimits(shortVersion(version), maxConnections, superuserReserved, reserved, role,
						superuser, roleLimit, database, databaseLimit, result.getInt(1), result.getInt(2));
			}
		}
	}

	/** {@code 16.4 (Debian 16.4-1.pgdg120+1)} reads as {@code 16.4}. */
	private static String shortVersion(String version) {
		int space = version.indexOf(' ');
		return (space < 0) ? version : version.substring(0, space);
	}

	/**
	 * Why a read failed, in words that are safe to log: pgjdbc's messages name the host
	 * and the role, never the password.
	 * @param failure the failure
	 * @return the first sentence of its message, with its SQLState
	 */
	static String describe(Throwable failure) {
		String message = firstSentence(failure.getMessage());
		Throwable cause = failure.getCause();
		if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
			// pgjdbc's "The connection attempt failed." says little; its cause says why.
			message = message + ": " + firstSentence(cause.getMessage());
		}
		if (failure instanceof SQLException sql && sql.getSQLState() != null) {
			message = message + " (SQLState " + sql.getSQLState() + ")";
		}
		// Some failures (no driver for the URL) quote the whole JDBC URL, where pgjdbc
		// accepts a password.
		return PASSWORD_IN_URL.matcher(message).replaceAll("$1" + PoolGuardSanitizer.MASK);
	}

	private static String firstSentence(String message) {
		if (message == null) {
			return "no message";
		}
		String sentence = message.strip();
		int end = sentence.indexOf(". ");
		if (end > 0) {
			sentence = sentence.substring(0, end);
		}
		return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
	}

}
