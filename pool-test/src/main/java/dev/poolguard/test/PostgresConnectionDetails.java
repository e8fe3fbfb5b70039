package dev.poolguard.test;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/** Fixed connection details; Boot reads them instead of {@code spring.datasource.url/username/password}. */
final class PostgresConnectionDetails implements JdbcConnectionDetails {

	private final String jdbcUrl;
	private final String username;
	private final String password;

	PostgresConnectionDetails(String jdbcUrl, String username, String password) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
	}

	@Override
	public String getJdbcUrl() {
		return jdbcUrl;
	}

	@Override
	public String getUsername() {
		return username;
	}

	@Override
	public String getPassword() {
		return password;
	}

	@Override
	public String getDriverClassName() {
		return "org.postgresql.Driver";
	}

	@Override
	public String toString() {
		return "PostgresConnectionDetails[" + jdbcUrl + ", user " + username + "]";
	}
}
