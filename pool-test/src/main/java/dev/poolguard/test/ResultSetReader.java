package dev.poolguard.test;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Turns the result of {@link PostgresServer#query(String, ResultSetReader)} into a value. The result
 * set is positioned before the first row and is closed afterwards.
 *
 * @param <T> what the query yields
 */
@FunctionalInterface
public interface ResultSetReader<T> {

	T read(ResultSet resultSet) throws SQLException;

	/** Reads the first column of the first row as an {@code int} (for {@code count(*)} and the like). */
	static ResultSetReader<Integer> singleInt() {
		return rs -> {
			if (!rs.next()) {
				throw new SQLException("Query returned no rows");
			}
			return rs.getInt(1);
		};
	}

	/** Reads the first column of the first row as a {@code String} (for {@code SHOW} and the like). */
	static ResultSetReader<String> singleString() {
		return rs -> {
			if (!rs.next()) {
				throw new SQLException("Query returned no rows");
			}
			return rs.getString(1);
		};
	}
}
