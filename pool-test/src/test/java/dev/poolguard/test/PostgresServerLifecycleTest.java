package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Stops and starts a server of its own: the shared ones must stay up for everybody else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresServerLifecycleTest {

	private PostgresServer server;

	@BeforeAll
	void startDedicatedServer() {
		server = PostgresServers.dedicated(Map.of("max_connections", "15"));
	}

	@AfterAll
	void closeDedicatedServer() {
		server.close();
	}

	@Test
	void dedicatedServerIsNotTheSharedOne() {
		assertThat(server).isNotSameAs(PostgresServers.shared(Map.of("max_connections", "15")));
		assertThat(server.canControlLifecycle()).isTrue();
		assertThat(server.query("SHOW max_connections", ResultSetReader.singleString())).isEqualTo("15");
	}

	@Test
	void stopRefusesConnectionsAndStartServesSameUrlWithDataKept() throws SQLException {
		String url = server.jdbcUrl();
		server.execute("DROP TABLE IF EXISTS survivor");
		server.execute("CREATE TABLE survivor (name text)");
		server.execute("INSERT INTO survivor VALUES ('still here')");

		server.stop();
		try {
			assertThat(server.isRunning()).isFalse();
			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.connect(server, "connectTimeout=2").close())
					.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("08001"));
		} finally {
			server.start();
		}

		assertThat(server.isRunning()).isTrue();
		assertThat(server.jdbcUrl()).isEqualTo(url);
		try (Connection connection = Jdbc.connect(url, server.username(), server.password())) {
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);
		}
		assertThat(server.query("SELECT name FROM survivor", ResultSetReader.singleString())).isEqualTo("still here");
	}

	@Test
	void stopEndsOpenConnections() throws SQLException {
		try (Connection connection = Jdbc.connect(server)) {
			server.stop();
			server.start();

			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.selectOne(connection))
					.satisfies(e -> assertThat(e.getSQLState()).isIn("57P01", "08006", "08003"));
		}
	}

	@Test
	void restartKeepsPort() throws SQLException {
		int port = server.port();

		server.restart();

		assertThat(server.port()).isEqualTo(port);
		assertThat(server.isRunning()).isTrue();
		try (Connection connection = Jdbc.connect(server)) {
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);
		}
	}

	@Test
	void settingsSurviveRestart() {
		server.restart();

		assertThat(server.query("SHOW max_connections", ResultSetReader.singleString())).isEqualTo("15");
		assertThat(server.query("SHOW fsync", ResultSetReader.singleString())).isEqualTo("off");
	}

	@Test
	void stopAndStartAreIdempotent() {
		server.start();
		server.stop();
		server.stop();
		server.start();

		assertThat(server.query("SELECT 1", ResultSetReader.singleInt())).isEqualTo(1);
	}

	@Test
	void closeStopsADedicatedServerForGood() {
		PostgresServer doomed = PostgresServers.dedicated();
		String url = doomed.jdbcUrl();

		doomed.close();

		assertThat(doomed.isRunning()).isFalse();
		assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> Jdbc.connect(url, doomed.username(), doomed.password(), "connectTimeout=2").close());
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(doomed::start);
	}
}
