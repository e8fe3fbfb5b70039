package dev.poolguard.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Plain JDBC for tests, so what is tested is the server, not a pool. */
final class Jdbc {

	private Jdbc() {
	}

	/** Opens a connection; {@code properties} are pgjdbc properties as {@code name=value}. */
	static Connection connect(String url, String user, String password, String... properties) throws SQLException {
		Properties info = new Properties();
		info.setProperty("user", user);
		info.setProperty("password", password);
		for (String property : properties) {
			int equals = property.indexOf('=');
			info.setProperty(property.substring(0, equals), property.substring(equals + 1));
		}
		return DriverManager.getConnection(url, info);
	}

	static Connection connect(PostgresServer server, String... properties) throws SQLException {
		return connect(server.jdbcUrl(), server.username(), server.password(), properties);
	}

	static int selectOne(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
			rs.next();
			return rs.getInt(1);
		}
	}

	static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}
}
