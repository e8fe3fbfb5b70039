package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionTest {

	private final PostgresServer constructorServer;

	PostgresExtensionTest(PostgresServer server) {
		this.constructorServer = server;
	}

	@Test
	void injectsTheSharedServerIntoConstructorAndMethod(PostgresServer server) {
		assertThat(server).isSameAs(constructorServer).isSameAs(PostgresServers.shared());
		assertThat(server.query("SELECT 1", ResultSetReader.singleInt())).isEqualTo(1);
	}

	@Nested
	@PostgresSettings({"max_connections=20"})
	class WithSettings {

		@Test
		void injectsTheSharedServerWithThoseSettings(PostgresServer server) {
			assertThat(server).isSameAs(PostgresServers.shared(Map.of("max_connections", "20")));
			assertThat(server.query("SHOW max_connections", ResultSetReader.singleString())).isEqualTo("20");
		}

		@Nested
		class FurtherIn {

			@Test
			void inheritsSettingsFromTheEnclosingClass(PostgresServer server) {
				assertThat(server.query("SHOW max_connections", ResultSetReader.singleString())).isEqualTo("20");
			}
		}
	}

	@Test
	void readsSettingsFromTheAnnotation() {
		assertThat(PostgresExtension.settings(Annotated.class))
				.containsExactlyInAnyOrderEntriesOf(Map.of("max_connections", "20", "idle_session_timeout", "5s"));
		assertThat(PostgresExtension.settings(PostgresExtensionTest.class)).isEmpty();
	}

	@PostgresSettings({"max_connections=20", " idle_session_timeout = 5s "})
	static class Annotated {
	}
}
