package dev.poolguard.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.postgresql.Driver;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/** The admin helpers, which are plain SQL and the same for every kind of server. */
abstract class AbstractPostgresServer implements PostgresServer {

	private static final Driver DRIVER = new Driver();

	private static final String DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";

	private final boolean shared;

	private volatile Integer serverVersionNum;

	AbstractPostgresServer(boolean shared) {
		this.shared = shared;
	}

	/** Stops the server for good and frees what it holds; idempotent. */
	abstract void shutdown();

	@Override
	public String jdbcUrl() {
		return jdbcUrl("postgres");
	}

	@Override
	public JdbcConnectionDetails connectionDetails() {
		return new PostgresConnectionDetails(jdbcUrl(), username(), password());
	}

	@Override
	public JdbcConnectionDetails connectionDetails(String database, String username, String password) {
		return new PostgresConnectionDetails(jdbcUrl(database), username, password);
	}

	@Override
	public Role createRole(String name, String password, int connectionLimit) {
		String attributes = " LOGIN NOSUPERUSER PASSWORD " + Sql.literal(password)
				+ " CONNECTION LIMIT " + Sql.connectionLimit(connectionLimit);
		withAdmin(connection -> {
			try (Statement statement = connection.createStatement()) {
				if (roleExists(connection, name)) {
					terminate(connection, "usename", name);
					try {
						statement.execute("DROP ROLE " + Sql.identifier(name));
					} catch (SQLException e) {
						if (!DEPENDENT_OBJECTS_STILL_EXIST.equals(e.getSQLState())) {
							throw e;
						}
						// It owns objects (a database, say): resetting it in place keeps the tests going.
						statement.execute("ALTER ROLE " + Sql.identifier(name) + attributes);
						return null;
					}
				}
				statement.execute("CREATE ROLE " + Sql.identifier(name) + attributes);
			}
			return null;
		});
		return new Role(name, password);
	}

	@Override
	public void setRoleConnectionLimit(String role, int connectionLimit) {
		execute("ALTER ROLE " + Sql.identifier(role) + " CONNECTION LIMIT " + Sql.connectionLimit(connectionLimit));
	}

	@Override
	public void createDatabase(String name, String owner) {
		withAdmin(connection -> {
			try (Statement statement = connection.createStatement()) {
				// FORCE (PostgreSQL 13+) terminates the database's backends, or DROP would fail while a pool holds it.
				statement.execute("DROP DATABASE IF EXISTS " + Sql.identifier(name) + " WITH (FORCE)");
				statement.execute("CREATE DATABASE " + Sql.identifier(name)
						+ (owner == null ? "" : " OWNER " + Sql.identifier(owner)));
			}
			return null;
		});
	}

	@Override
	public void setDatabaseConnectionLimit(String database, int connectionLimit) {
		execute("ALTER DATABASE " + Sql.identifier(database) + " CONNECTION LIMIT "
				+ Sql.connectionLimit(connectionLimit));
	}

	@Override
	public void execute(String sql) {
		withAdmin(connection -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
			return null;
		});
	}

	@Override
	public <T> T query(String sql, ResultSetReader<T> reader) {
		return withAdmin(connection -> {
			try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
				return reader.read(rs);
			}
		});
	}

	@Override
	public int terminateBackends(String applicationName) {
		return withAdmin(connection -> terminate(connection, "application_name", applicationName));
	}

	@Override
	public int terminateBackendsOf(String role) {
		return withAdmin(connection -> terminate(connection, "usename", role));
	}

	@Override
	public int countBackends(String applicationName) {
		return withAdmin(connection -> {
			try (PreparedStatement statement = connection.prepareStatement(
					"SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()")) {
				statement.setString(1, applicationName);
				try (ResultSet rs = statement.executeQuery()) {
					return ResultSetReader.singleInt().read(rs);
				}
			}
		});
	}

	@Override
	public void restart() {
		stop();
		start();
	}

	@Override
	public void close() {
		if (!shared) {
			shutdown();
			PostgresServers.untrack(this);
		}
	}

	@Override
	public String toString() {
		return kind() + " PostgreSQL at " + JdbcUrls.redacted(jdbcUrl());
	}

	/** A new admin connection to the given database; the caller closes it. */
	Connection openAdminConnection(String database) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", username());
		properties.setProperty("password", password());
		properties.setProperty("ApplicationName", ADMIN_APPLICATION_NAME);
		properties.setProperty("connectTimeout", "10");
		properties.setProperty("socketTimeout", "120");
		Connection connection = DRIVER.connect(jdbcUrl(database), properties);
		if (connection == null) {
			throw new SQLException("pgjdbc does not accept the URL " + jdbcUrl(database));
		}
		return connection;
	}

	<T> T withAdmin(SqlFunction<T> work) {
		try (Connection connection = openAdminConnection(JdbcUrls.database(jdbcUrl()))) {
			return work.apply(connection);
		} catch (SQLException e) {
			throw new IllegalStateException("Admin operation on " + this + " failed: " + e.getMessage()
					+ " (SQLState " + e.getSQLState() + ")", e);
		}
	}

	private int terminate(Connection connection, String column, String value) throws SQLException {
		// With a timeout (PostgreSQL 14+) the call returns once the backend is gone, so callers that
		// count backends right afterwards see the effect without polling.
		String terminate = serverVersionNum(connection) >= 140000
				? "pg_terminate_backend(pid, 5000)" : "pg_terminate_backend(pid)";
		try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FILTER (WHERE " + terminate
				+ ") FROM pg_stat_activity WHERE " + column + " = ? AND pid <> pg_backend_pid()")) {
			statement.setString(1, value);
			try (ResultSet rs = statement.executeQuery()) {
				return ResultSetReader.singleInt().read(rs);
			}
		}
	}

	private int serverVersionNum(Connection connection) throws SQLException {
		Integer version = serverVersionNum;
		if (version == null) {
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT current_setting('server_version_num')::int")) {
				version = ResultSetReader.singleInt().read(rs);
			}
			serverVersionNum = version;
		}
		return version;
	}

	private static boolean roleExists(Connection connection, String name) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
			statement.setString(1, name);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next();
			}
		}
	}

	@FunctionalInterface
	interface SqlFunction<T> {
		T apply(Connection connection) throws SQLException;
	}
}
