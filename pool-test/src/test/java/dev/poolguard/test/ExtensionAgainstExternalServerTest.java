package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs sample test classes as if {@code POOLGUARD_TEST_JDBC_URL} pointed at the shared embedded
 * server, to see what a user would see in their report.
 */
class ExtensionAgainstExternalServerTest {

	private ServerSelection.Choice previous;

	@BeforeEach
	void pretendTheServerIsExternal() {
		PostgresServer real = PostgresServers.shared();
		ServerSelection.Choice external = ServerSelection.choose(Map.of(
				"POOLGUARD_TEST_JDBC_URL", real.jdbcUrl(),
				"POOLGUARD_TEST_USERNAME", real.username(),
				"POOLGUARD_TEST_PASSWORD", real.password()), () -> false);
		previous = PostgresServers.replaceChoice(external);
	}

	@AfterEach
	void restoreTheRealChoice() {
		PostgresServers.replaceChoice(previous);
	}

	@Test
	void classNeedingOtherSettingsIsAbortedNotFailed() {
		EngineExecutionResults results = run(NeedsTwentyConnections.class);

		results.testEvents().assertStatistics(stats -> stats.started(0).failed(0));
		results.containerEvents().assertStatistics(stats -> stats.aborted(1).failed(0));
		assertThat(results.containerEvents().aborted().stream().map(Event::getPayload))
				.singleElement().asString().contains("max_connections is 100, the test needs 20");
	}

	@Test
	void perClassLifecycleIsAbortedBeforeConstructorInjection() {
		EngineExecutionResults results = run(PerClassNeedsTwentyConnections.class);

		results.testEvents().assertStatistics(stats -> stats.started(0).failed(0));
		results.containerEvents().assertStatistics(stats -> stats.aborted(1).failed(0));
	}

	@Test
	void classWhoseSettingsTheServerHasRunsAgainstIt() {
		EngineExecutionResults results = run(NeedsDefaultConnections.class);

		results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0).aborted(0));
	}

	@Test
	void lifecycleCallsAbortTheTest() {
		EngineExecutionResults results = run(StopsTheServer.class);

		results.testEvents().assertStatistics(stats -> stats.aborted(1).failed(0));
		assertThat(PostgresServers.shared().isRunning()).isTrue();
	}

	private static EngineExecutionResults run(Class<?> testClass) {
		return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
	}

	@PostgresSettings("max_connections=20")
	static class NeedsTwentyConnections {

		@Test
		void neverRuns(PostgresServer server) {
			throw new AssertionError("ran against " + server);
		}
	}

	@PostgresSettings("max_connections=20")
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	static class PerClassNeedsTwentyConnections {

		PerClassNeedsTwentyConnections(PostgresServer server) {
			throw new AssertionError("constructed with " + server);
		}

		@Test
		void neverRuns() {
		}
	}

	@PostgresSettings("max_connections=100")
	static class NeedsDefaultConnections {

		@Test
		void runs(PostgresServer server) {
			assertThat(server.kind()).isEqualTo("external");
		}
	}

	@PostgresSettings({})
	static class StopsTheServer {

		@Test
		void stops(PostgresServer server) {
			server.stop();
		}
	}
}
