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
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;

/** Runs only where Docker answers; starts its own container whatever kind the other tests use. */
@EnabledIf("dockerAvailable")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestcontainersPostgresServerTest {

	private PostgresServer server;

	static boolean dockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	@BeforeAll
	void startContainer() {
		var choice = ServerSelection.choose(Map.of("POOLGUARD_TEST_POSTGRES", "testcontainers"), () -> true);
		server = PostgresServers.create(choice, false, Map.of("max_connections", "20"));
	}

	@AfterAll
	void removeContainer() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void startsWithTheGivenSettings() {
		assertThat(server.kind()).isEqualTo("testcontainers");
		assertThat(server.canControlLifecycle()).isTrue();
		assertThat(server.query("SHOW max_connections", ResultSetReader.singleString())).isEqualTo("20");
		assertThat(server.query("SHOW fsync", ResultSetReader.singleString())).isEqualTo("off");
		assertThat(server.query("SHOW server_version_num", ResultSetReader.singleString())).startsWith("18");
	}

	@Test
	void adminHelpersWork() throws SQLException {
		Role role = server.createRole("tc_user", "tc-secret", 1);
		try (Connection first = Jdbc.connect(server.jdbcUrl(), role.name(), role.password(), "ApplicationName=tc-app")) {
			assertThat(server.countBackends("tc-app")).isEqualTo(1);
			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.connect(server.jdbcUrl(), role.name(), role.password()).close())
					.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("53300"));
			assertThat(server.terminateBackends("tc-app")).isEqualTo(1);
		}
	}

	@Test
	void stopAndStartKeepDataAndPort() throws SQLException {
		String url = server.jdbcUrl();
		int port = server.port();
		server.execute("DROP TABLE IF EXISTS tc_survivor");
		server.execute("CREATE TABLE tc_survivor (name text)");
		server.execute("INSERT INTO tc_survivor VALUES ('still here')");

		server.stop();
		assertThat(server.isRunning()).isFalse();
		assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> Jdbc.connect(server, "connectTimeout=2").close());
		server.start();

		assertThat(server.port()).isEqualTo(port);
		assertThat(server.jdbcUrl()).isEqualTo(url);
		try (Connection connection = Jdbc.connect(url, server.username(), server.password())) {
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);
		}
		assertThat(server.query("SELECT name FROM tc_survivor", ResultSetReader.singleString())).isEqualTo("still here");
	}
}
