package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ServerSelectionTest {

	private static final BooleanSupplier NO_DOCKER = () -> false;
	private static final BooleanSupplier DOCKER = () -> true;
	private static final BooleanSupplier MUST_NOT_ASK = () -> fail("Docker must not be asked");

	@Test
	void embeddedWhenNothingIsConfiguredAndNoDocker() {
		assertThat(ServerSelection.choose(Map.of(), NO_DOCKER).kind()).isEqualTo("embedded");
	}

	@Test
	void testcontainersWhenDockerIsAvailable() {
		var choice = ServerSelection.choose(Map.of(), DOCKER);

		assertThat(choice.kind()).isEqualTo("testcontainers");
		assertThat(choice.image()).isEqualTo("postgres:18-alpine");
	}

	@Test
	void imageCanBeChosen() {
		var choice = ServerSelection.choose(Map.of("POOLGUARD_TEST_POSTGRES_IMAGE", "postgres:17"), DOCKER);

		assertThat(choice.image()).isEqualTo("postgres:17");
	}

	@Test
	void externalWinsOverDockerWithoutAskingIt() {
		var choice = ServerSelection.choose(Map.of("POOLGUARD_TEST_JDBC_URL", "jdbc:postgresql://db:5432/app"), MUST_NOT_ASK);

		assertThat(choice.kind()).isEqualTo("external");
		assertThat(choice.username()).isEqualTo("postgres");
		assertThat(choice.password()).isEqualTo("postgres");
	}

	@Test
	void forcedKindWinsOverUrl() {
		var choice = ServerSelection.choose(Map.of("POOLGUARD_TEST_POSTGRES", "embedded",
				"POOLGUARD_TEST_JDBC_URL", "jdbc:postgresql://db:5432/app"), MUST_NOT_ASK);

		assertThat(choice.kind()).isEqualTo("embedded");
	}

	@Test
	void forcedTestcontainersWithoutDockerFailsClearly() {
		assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> ServerSelection.choose(Map.of("POOLGUARD_TEST_POSTGRES", "testcontainers"), NO_DOCKER))
				.withMessageContaining("Docker");
	}

	@Test
	void forcedExternalWithoutUrlFailsClearly() {
		assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> ServerSelection.choose(Map.of("POOLGUARD_TEST_POSTGRES", "external"), NO_DOCKER))
				.withMessageContaining("POOLGUARD_TEST_JDBC_URL");
	}

	@Test
	void unknownForcedKindFailsClearly() {
		assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> ServerSelection.choose(Map.of("POOLGUARD_TEST_POSTGRES", "mysql"), NO_DOCKER))
				.withMessageContaining("embedded, testcontainers or external");
	}

	@Test
	void choiceNeverPrintsThePassword() {
		var choice = ServerSelection.choose(Map.of("POOLGUARD_TEST_JDBC_URL", "jdbc:postgresql://db/app",
				"POOLGUARD_TEST_PASSWORD", "s3cr3t"), NO_DOCKER);

		assertThat(choice.toString()).doesNotContain("s3cr3t");
	}

	@Test
	void externalServerIsChosenWhenUrlIsSet() throws SQLException {
		PostgresServer real = PostgresServers.shared();
		Map<String, String> environment = Map.of(
				"POOLGUARD_TEST_JDBC_URL", real.jdbcUrl() + "?connectTimeout=5",
				"POOLGUARD_TEST_USERNAME", real.username(),
				"POOLGUARD_TEST_PASSWORD", real.password());

		var choice = ServerSelection.choose(environment, MUST_NOT_ASK);
		try (PostgresServer external = PostgresServers.create(choice, false, Map.of())) {
			assertThat(external.kind()).isEqualTo("external");
			assertThat(external.canControlLifecycle()).isFalse();
			assertThat(external.isRunning()).isTrue();
			assertThat(external.host()).isEqualTo(real.host());
			assertThat(external.port()).isEqualTo(real.port());
			assertThat(external.jdbcUrl("other")).isEqualTo(real.jdbcUrl("other") + "?connectTimeout=5");
			String cluster = "SELECT system_identifier::text FROM pg_control_system()";
			assertThat(external.query(cluster, ResultSetReader.singleString()))
					.isEqualTo(real.query(cluster, ResultSetReader.singleString()));
			try (Connection connection = Jdbc.connect(external)) {
				assertThat(Jdbc.selectOne(connection)).isEqualTo(1);
			}
		}
		assertThat(real.isRunning()).isTrue();
	}

	@Test
	void externalServerAbortsLifecycleCalls() {
		try (PostgresServer external = external(Map.of())) {
			assertThatExceptionOfType(TestAbortedException.class).isThrownBy(external::stop)
					.withMessageContaining("external");
			assertThatExceptionOfType(TestAbortedException.class).isThrownBy(external::start);
			assertThatExceptionOfType(TestAbortedException.class).isThrownBy(external::restart);
		}
		assertThat(PostgresServers.shared().isRunning()).isTrue();
	}

	@Test
	void externalServerAbortsWhenSettingsDiffer() {
		assertThatExceptionOfType(TestAbortedException.class)
				.isThrownBy(() -> external(Map.of("max_connections", "20")))
				.withMessageContaining("max_connections is 100, the test needs 20");
	}

	@Test
	void externalServerIsUsedWhenSettingsMatch() {
		try (PostgresServer external = external(Map.of("max_connections", "100", "fsync", "OFF"))) {
			assertThat(external.query("SELECT 1", ResultSetReader.singleInt())).isEqualTo(1);
		}
	}

	private static PostgresServer external(Map<String, String> settings) {
		PostgresServer real = PostgresServers.shared();
		var choice = ServerSelection.choose(Map.of("POOLGUARD_TEST_JDBC_URL", real.jdbcUrl(),
				"POOLGUARD_TEST_USERNAME", real.username(), "POOLGUARD_TEST_PASSWORD", real.password()), MUST_NOT_ASK);
		return PostgresServers.create(choice, false, settings);
	}
}
