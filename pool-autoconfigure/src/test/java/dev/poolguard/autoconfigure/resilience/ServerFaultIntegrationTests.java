package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.test.NetworkFault;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Faults that used to end in slow or dishonest answers: a backend killed with
 * {@code kill -9} (PostgreSQL then resets every connection), every backend terminated, a
 * server that freezes without resetting anything, and a database that refuses this
 * application for good (password changed, database dropped). Every one must end in a
 * fast, honest answer, and the pool must never hand out a connection that died with the
 * others.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerFaultIntegrationTests {

	private static PostgresServer server;

	private final String applicationName = "faults-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"spring.application.name=" + this.applicationName, "poolguard.connection-limit=4",
				"poolguard.pool-timeout=1s", "poolguard.connect-timeout=1s");

	@BeforeAll
	static void startServer() {
		server = PostgresServers.dedicated();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void afterABackendIsKilledNoLaterRequestBorrowsAConnectionThatDiedWithIt() {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			Connection victim = dataSource.getConnection();
			await().until(() -> server.countBackends(this.applicationName) == 4);
			ProcessHandle.of(backendPid(victim)).orElseThrow().destroyForcibly();
			// The request whose connection was killed fails on its statement.
			assertThat(catchThrowable(() -> victim.createStatement().execute("SELECT 1")))
				.isInstanceOf(SQLException.class);
			victim.close();
			// Every later request either gets a live connection or is refused at once
			// while the server recovers: none meets one of the three the crash reset.
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				try (Connection connection = dataSource.getConnection()) {
					return connection.createStatement().execute("SELECT 1");
				}
				catch (PoolGuardAcquisitionException refusedWhileRecovering) {
					return false;
				}
			});
			for (int i = 0; i < 20; i++) {
				try (Connection connection = dataSource.getConnection()) {
					assertThat(connection.createStatement().execute("SELECT 1")).isTrue();
				}
			}
		});
	}

	@Test
	void afterEveryBackendIsTerminatedOnlyTheFirstRequestMeetsADeadConnection() {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			dataSource.getConnection().close();
			await().until(() -> server.countBackends(this.applicationName) == 4);
			assertThat(server.terminateBackends(this.applicationName)).isEqualTo(4);
			List<Throwable> failures = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				try (Connection connection = dataSource.getConnection()) {
					connection.createStatement().execute("SELECT 1");
				}
				catch (SQLException ex) {
					failures.add(ex);
				}
			}
			assertThat(failures).as("the first request tells the pool about the others").hasSizeLessThanOrEqualTo(1);
		});
	}

	@Test
	void frozenServerGivesFastAnswersWithinSecondsAndServesAgainWithinSecondsOfTheThaw() throws Exception {
		try (NetworkFault network = NetworkFault.inFrontOf(server)) {
			this.contextRunner
				.withPropertyValues("spring.datasource.url=" + network.jdbcUrl(), "poolguard.connection-limit=2",
						"poolguard.socket-timeout=30s")
				.run((context) -> {
					DataSource dataSource = context.getBean(DataSource.class);
					try (RequestLoad load = new RequestLoad(dataSource, 4)) {
						await().until(() -> load.successesSince(0) > 20);

						network.freeze();
						long frozen = System.nanoTime();
						await().atMost(Duration.ofSeconds(15)).until(() -> load.fastFailuresSince(frozen) > 0);
						Duration untilFastAnswers = Duration.ofNanos(load.firstFastFailureAfter(frozen) - frozen);
						assertThat(untilFastAnswers).as("fast 503s after the freeze").isLessThan(Duration.ofSeconds(10));
						assertThat(load.longestRequest()).as("statements stuck on the frozen socket were aborted")
							.isLessThan(Duration.ofSeconds(10));

						network.unfreeze();
						long thawed = System.nanoTime();
						await().atMost(Duration.ofSeconds(10)).until(() -> load.successesSince(thawed) > 0);
						assertThat(Duration.ofNanos(load.firstSuccessAfter(thawed) - thawed))
							.as("service back after the thaw")
							.isLessThan(Duration.ofSeconds(3));
					}
				});
		}
	}

	@Test
	void changedPasswordFailsEveryCallerAtOnceAndSaysOnceWhatToCheck(CapturedOutput output) {
		Role role = server.createRole(unique("rotated"), "before", -1);
		this.contextRunner
			.withPropertyValues("spring.datasource.username=" + role.name(), "spring.datasource.password=before")
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				dataSource.getConnection().close();
				server.execute("ALTER ROLE " + role.name() + " PASSWORD 'after'");
				server.terminateBackendsOf(role.name());
				assertEveryCallerRefusedAtOnce(dataSource);
				assertThat(occurrences(output.getOut(), "Check spring.datasource.username and spring.datasource.password"))
					.as("one line per episode")
					.isEqualTo(1);
			});
	}

	@Test
	void droppedDatabaseFailsEveryCallerAtOnceAndSaysOnceWhatToCheck(CapturedOutput output) {
		String database = unique("dropped");
		server.createDatabase(database, server.username());
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(database)).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			dataSource.getConnection().close();
			server.execute("DROP DATABASE " + database + " WITH (FORCE)");
			assertEveryCallerRefusedAtOnce(dataSource);
			assertThat(occurrences(output.getOut(), "Check the database name in spring.datasource.url"))
				.as("one line per episode")
				.isEqualTo(1);
		});
	}

	/**
	 * After the first requests have found out, every request gets the same fast refusal
	 * at acquisition, a PoolGuard exception that a web layer answers with 503.
	 */
	private static void assertEveryCallerRefusedAtOnce(DataSource dataSource) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			long start = System.nanoTime();
			Throwable failure = catchThrowable(() -> request(dataSource));
			return failure instanceof DatabaseUnavailableException
					&& Duration.ofNanos(System.nanoTime() - start).toMillis() < 100;
		});
		for (int i = 0; i < 10; i++) {
			long start = System.nanoTime();
			Throwable failure = catchThrowable(() -> request(dataSource));
			assertThat(failure).isInstanceOf(DatabaseUnavailableException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
		}
	}

	private static void request(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.createStatement().execute("SELECT 1");
		}
	}

	private static int backendPid(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

	private static String unique(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
	}

}
