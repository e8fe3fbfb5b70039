package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PostgresServersTest {

	private final PostgresServer server = PostgresServers.shared();

	@Test
	void sharedServerIsReusedForSameSettings() {
		Map<String, String> settings = new HashMap<>(Map.of("max_connections", "20"));

		PostgresServer first = PostgresServers.shared(settings);
		PostgresServer second = PostgresServers.shared(Map.of("max_connections", "20"));

		assertThat(second).isSameAs(first);
		assertThat(PostgresServers.shared()).isSameAs(server).isNotSameAs(first);
	}

	@Test
	void serverSettingsAreApplied() {
		PostgresServer limited = PostgresServers.shared(Map.of("max_connections", "20"));

		assertThat(limited.query("SHOW max_connections", ResultSetReader.singleString())).isEqualTo("20");
	}

	@Test
	void defaultSettingsTradeDurabilityForSpeed() {
		assertThat(server.query("SHOW fsync", ResultSetReader.singleString())).isEqualTo("off");
		assertThat(server.query("SHOW max_connections", ResultSetReader.singleString())).isEqualTo("100");
	}

	@Test
	void sharedServerIsNotStoppedByClose() throws SQLException {
		server.close();

		assertThat(server.isRunning()).isTrue();
		try (Connection connection = Jdbc.connect(server)) {
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);
		}
	}

	@Test
	void connectionDetailsCarryUrlAndCredentials() {
		var details = server.connectionDetails();

		assertThat(details.getJdbcUrl()).isEqualTo(server.jdbcUrl())
				.isEqualTo("jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres");
		assertThat(details.getUsername()).isEqualTo(server.username());
		assertThat(details.getPassword()).isEqualTo(server.password());
		assertThat(details.getDriverClassName()).isEqualTo("org.postgresql.Driver");
	}

	@Test
	void connectionDetailsNeverPrintThePassword() {
		assertThat(server.connectionDetails("postgres", "someone", "hunter2").toString()).doesNotContain("hunter2");
		assertThat(new Role("someone", "hunter2").toString()).doesNotContain("hunter2");
	}

	@Test
	void connectionDetailsForAnotherDatabaseAndRoleConnect() throws SQLException {
		server.createRole("details_user", "details-secret", -1);
		server.createDatabase("details_db", "details_user");

		var details = server.connectionDetails("details_db", "details_user", "details-secret");

		assertThat(details.getJdbcUrl()).endsWith("/details_db");
		try (Connection connection = Jdbc.connect(details.getJdbcUrl(), details.getUsername(), details.getPassword())) {
			assertThat(connection.getMetaData().getUserName()).isEqualTo("details_user");
		}
	}

	@Test
	void wrongPasswordIsRejectedWith28P01() {
		server.createRole("careful_user", "right-password", -1);

		assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> Jdbc.connect(server.jdbcUrl(), "careful_user", "wrong-password").close())
				.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
	}

	@Test
	void roleConnectionLimitRejectsExtraConnectionWith53300() throws SQLException {
		Role role = server.createRole("limited_user", "limited-secret", 1);

		try (Connection first = Jdbc.connect(server.jdbcUrl(), role.name(), role.password())) {
			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.connect(server.jdbcUrl(), role.name(), role.password()).close())
					.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("53300"))
					.withMessageContaining("too many connections for role");
			assertThat(Jdbc.selectOne(first)).isEqualTo(1);
		}
	}

	@Test
	void raisingTheRoleConnectionLimitAdmitsTheExtraConnection() throws SQLException {
		Role role = server.createRole("raised_user", "raised-secret", 1);
		server.setRoleConnectionLimit(role.name(), 2);

		try (Connection first = Jdbc.connect(server.jdbcUrl(), role.name(), role.password());
				Connection second = Jdbc.connect(server.jdbcUrl(), role.name(), role.password())) {
			assertThat(Jdbc.selectOne(second)).isEqualTo(1);
		}
	}

	@Test
	void databaseConnectionLimitIsEnforced() throws SQLException {
		Role role = server.createRole("db_limit_user", "db-limit-secret", -1);
		server.createDatabase("limited_db", role.name());
		server.setDatabaseConnectionLimit("limited_db", 1);

		try (Connection first = Jdbc.connect(server.jdbcUrl("limited_db"), role.name(), role.password())) {
			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.connect(server.jdbcUrl("limited_db"), role.name(), role.password()).close())
					.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("53300"))
					.withMessageContaining("too many connections for database");
		}
	}

	@Test
	void createRoleReplacesAnExistingRoleAndEndsItsSessions() throws SQLException {
		Role old = server.createRole("replaced_user", "old-secret", -1);
		try (Connection connection = Jdbc.connect(server.jdbcUrl(), old.name(), old.password())) {
			Role replaced = server.createRole("replaced_user", "new-secret", 3);

			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> Jdbc.selectOne(connection));
			assertThat(server.query("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'replaced_user'",
					ResultSetReader.singleInt())).isEqualTo(3);
			try (Connection again = Jdbc.connect(server.jdbcUrl(), replaced.name(), replaced.password())) {
				assertThat(Jdbc.selectOne(again)).isEqualTo(1);
			}
		}
	}

	@Test
	void createRoleResetsARoleThatStillOwnsADatabase() {
		server.createRole("owning_user", "first", -1);
		server.createDatabase("owned_db", "owning_user");

		Role role = server.createRole("owning_user", "second", 5);

		assertThat(role).isEqualTo(new Role("owning_user", "second"));
		assertThat(server.query("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'owning_user'",
				ResultSetReader.singleInt())).isEqualTo(5);
	}

	@Test
	void createDatabaseReplacesAnExistingOneEvenWhileConnected() throws SQLException {
		server.createDatabase("replaced_db", null);
		try (Connection connection = Jdbc.connect(server.jdbcUrl("replaced_db"), server.username(), server.password())) {
			Jdbc.execute(connection, "CREATE TABLE leftover (id int)");

			server.createDatabase("replaced_db", null);
		}

		try (Connection connection = Jdbc.connect(server.jdbcUrl("replaced_db"), server.username(), server.password())) {
			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.execute(connection, "SELECT * FROM leftover"))
					.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("42P01"));
		}
	}

	@Test
	void terminateBackendsEndsConnectionsWithThatApplicationName() throws SQLException {
		try (Connection victim = Jdbc.connect(server, "ApplicationName=terminate-me");
				Connection bystander = Jdbc.connect(server, "ApplicationName=leave-me")) {
			assertThat(server.countBackends("terminate-me")).isEqualTo(1);

			assertThat(server.terminateBackends("terminate-me")).isEqualTo(1);

			assertThat(server.countBackends("terminate-me")).isZero();
			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.selectOne(victim))
					.satisfies(e -> assertThat(e.getSQLState()).isIn("57P01", "08006", "08003"));
			assertThat(Jdbc.selectOne(bystander)).isEqualTo(1);
		}
	}

	@Test
	void terminateBackendsOfEndsEveryConnectionOfThatRole() throws SQLException {
		Role role = server.createRole("doomed_user", "doomed-secret", -1);
		try (Connection first = Jdbc.connect(server.jdbcUrl(), role.name(), role.password(), "ApplicationName=doomed");
				Connection second = Jdbc.connect(server.jdbcUrl(), role.name(), role.password(), "ApplicationName=doomed")) {

			assertThat(server.terminateBackendsOf(role.name())).isEqualTo(2);

			assertThat(server.countBackends("doomed")).isZero();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> Jdbc.selectOne(first));
		}
	}

	@Test
	void countBackendsCountsOnlyThatApplicationName() throws SQLException {
		try (Connection a = Jdbc.connect(server, "ApplicationName=counted");
				Connection b = Jdbc.connect(server, "ApplicationName=counted");
				Connection c = Jdbc.connect(server, "ApplicationName=not-counted")) {
			assertThat(server.countBackends("counted")).isEqualTo(2);
		}
	}

	@Test
	void adminHelpersDoNotLeaveConnectionsBehind() {
		server.execute("SELECT 1");
		server.query("SELECT 1", ResultSetReader.singleInt());

		assertThat(server.countBackends(PostgresServer.ADMIN_APPLICATION_NAME)).isZero();
	}

	@Test
	void executeAndQueryRunAsAdminOnTheDefaultDatabase() {
		server.execute("DROP TABLE IF EXISTS helper_probe");
		server.execute("CREATE TABLE helper_probe (id int)");
		server.execute("INSERT INTO helper_probe VALUES (1), (2), (3)");

		assertThat(server.query("SELECT count(*) FROM helper_probe", ResultSetReader.singleInt())).isEqualTo(3);
		assertThat(server.query("SELECT current_user || '@' || current_database()", ResultSetReader.singleString()))
				.isEqualTo(server.username() + "@postgres");
	}

	@Test
	void failedAdminStatementReportsSqlState() {
		assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> server.execute("SELECT * FROM no_such_table"))
				.withMessageContaining("42P01")
				.withCauseInstanceOf(SQLException.class);
	}

	@Test
	void settingNamesAreValidated() {
		assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> PostgresServers.shared(Map.of("max_connections; DROP TABLE x", "1")));
	}
}
