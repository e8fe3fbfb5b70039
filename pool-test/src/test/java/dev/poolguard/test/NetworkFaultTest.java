package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkFaultTest {

	private final PostgresServer server = PostgresServers.shared();
	// Not the common pool: on two cores it has one thread, and these tasks block on purpose.
	private final ExecutorService executor = Executors.newCachedThreadPool();

	private NetworkFault fault;

	@BeforeEach
	void openProxy() {
		fault = NetworkFault.inFrontOf(server);
	}

	@AfterEach
	void closeProxy() {
		fault.close();
	}

	@AfterAll
	void stopExecutor() {
		executor.shutdownNow();
	}

	@Test
	void proxyPassesTrafficToTheServer() throws SQLException {
		assertThat(fault.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + fault.port() + "/postgres");
		assertThat(fault.jdbcUrl("other")).endsWith(":" + fault.port() + "/other");

		try (Connection connection = connect("ApplicationName=through-proxy")) {
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);
			assertThat(server.countBackends("through-proxy")).isEqualTo(1);
			assertThat(fault.connectionCount()).isEqualTo(1);
		}
	}

	@Test
	void freezeMakesAQueryWithSocketTimeoutFailInsteadOfHanging() throws SQLException {
		try (Connection connection = connect("socketTimeout=1")) {
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);

			fault.freeze();

			assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.selectOne(connection))
					.withRootCauseInstanceOf(SocketTimeoutException.class)
					.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("08006")));
		}
	}

	@Test
	void newConnectionThroughFrozenProxyDoesNotCompleteWithinConnectTimeout() {
		fault.freeze();

		CompletableFuture<Connection> attempt = CompletableFuture.supplyAsync(
				() -> connectUnchecked("connectTimeout=1", "ApplicationName=frozen-newcomer"), executor);

		assertThat(attempt).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.havingRootCause().isInstanceOf(SocketTimeoutException.class);
		assertThat(server.countBackends("frozen-newcomer")).isZero();
	}

	@Test
	void frozenQueryWaitsAndUnfreezeLetsItFinish() throws SQLException {
		try (Connection connection = connect()) {
			fault.freeze();
			CompletableFuture<Integer> query = CompletableFuture.supplyAsync(() -> selectOneUnchecked(connection), executor);

			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !query.isDone());
			fault.unfreeze();

			assertThat(query).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(1);
		}
	}

	@Test
	void connectionAttemptedWhileFrozenCompletesAfterUnfreeze() throws SQLException {
		fault.freeze();
		CompletableFuture<Connection> attempt = CompletableFuture.supplyAsync(() -> connectUnchecked(), executor);

		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !attempt.isDone());
		fault.unfreeze();

		try (Connection connection = attempt.join()) {
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);
		}
	}

	@Test
	void unfreezeRestoresOpenAndNewConnections() throws SQLException {
		try (Connection open = connect()) {
			fault.freeze();
			fault.freeze();
			fault.unfreeze();

			assertThat(fault.isFrozen()).isFalse();
			assertThat(Jdbc.selectOne(open)).isEqualTo(1);
			try (Connection fresh = connect("connectTimeout=2")) {
				assertThat(Jdbc.selectOne(fresh)).isEqualTo(1);
			}
		}
	}

	@Test
	void cutConnectionsBreaksOpenConnectionsAndNewOnesWork() throws SQLException {
		try (Connection victim = connect("ApplicationName=cut-victim")) {
			assertThat(Jdbc.selectOne(victim)).isEqualTo(1);

			fault.cutConnections();

			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.selectOne(victim))
					.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("08006"));
			// The server notices on its own schedule: its backend sees the reset and exits.
			await().atMost(Duration.ofSeconds(10)).until(() -> server.countBackends("cut-victim") == 0);
		}
		try (Connection fresh = connect()) {
			assertThat(Jdbc.selectOne(fresh)).isEqualTo(1);
		}
	}

	@Test
	void cutConnectionsWhileFrozenBreaksThemToo() throws SQLException {
		try (Connection victim = connect("socketTimeout=5")) {
			fault.freeze();
			fault.cutConnections();
			fault.unfreeze();

			assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> Jdbc.selectOne(victim))
					.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("08006"));
		}
	}

	@Test
	void latencyDelaysEveryRoundTrip() throws SQLException {
		try (Connection connection = connect()) {
			fault.setLatency(Duration.ofMillis(300));

			long started = System.nanoTime();
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);

			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
			fault.setLatency(Duration.ZERO);
			assertThat(Jdbc.selectOne(connection)).isEqualTo(1);
		}
	}

	@Test
	void freezeCyclesLeaveNoHalfOpenBackendsBehind() {
		for (int i = 0; i < 3; i++) {
			fault.freeze();
			fault.unfreeze();
		}
		fault.freeze();
		fault.close();

		// Backends that never got a startup packet have no user yet.
		await().atMost(Duration.ofSeconds(10)).until(() -> server.query(
				"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename IS NULL",
				ResultSetReader.singleInt()) == 0);
		fault = NetworkFault.inFrontOf(server);
	}

	@Test
	void closedProxyRefusesConnections() {
		fault.close();

		assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> connect("connectTimeout=2").close())
				.satisfies(e -> assertThat(e.getSQLState()).isEqualTo("08001"));
		fault = NetworkFault.inFrontOf(server);
	}

	private Connection connect(String... properties) throws SQLException {
		return Jdbc.connect(fault.jdbcUrl(), server.username(), server.password(), properties);
	}

	private Connection connectUnchecked(String... properties) {
		try {
			return connect(properties);
		} catch (SQLException e) {
			throw new CompletionException(e);
		}
	}

	private static int selectOneUnchecked(Connection connection) {
		try {
			return Jdbc.selectOne(connection);
		} catch (SQLException e) {
			throw new CompletionException(e);
		}
	}
}
