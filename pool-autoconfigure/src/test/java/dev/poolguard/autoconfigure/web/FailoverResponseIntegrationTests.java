package dev.poolguard.autoconfigure.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.autoconfigure.server.ServerObserver;
import dev.poolguard.autoconfigure.server.ServerObservers;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import dev.poolguard.test.SwitchableEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Failover behind one address (issue 15, case 4): the endpoint reaches a server that came
 * back read-only (an old primary restarted as a standby), then moves to the new primary.
 * Real servers on loopback: the old primary is restarted with {@code standby.signal}, so it
 * is a real standby in recovery; the endpoint is a TCP relay that is pointed elsewhere.
 * Writes answer 503 with {@code Retry-After} while no primary is reached, never 500, and
 * succeed within 2 seconds of the endpoint reaching the new primary; no pooled connection
 * stays on the read-only server.
 */
class FailoverResponseIntegrationTests {

	private static PostgresServer oldPrimary;

	private static PostgresServer newPrimary;

	private static SwitchableEndpoint endpoint;

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(ClientsController.AUTO_CONFIGURATIONS)
		.withConfiguration(AutoConfigurations.of(PoolGuardServerAutoConfiguration.class))
		.withUserConfiguration(ClientsController.class)
		.withPropertyValues("spring.datasource.username=" + oldPrimary.username(),
				"spring.datasource.password=" + oldPrimary.password(),
				"poolguard.application-name=failover-web-test", "poolguard.connection-limit=4",
				"poolguard.connect-timeout=1s", "poolguard.pool-timeout=1s");

	@BeforeAll
	static void startServers() {
		oldPrimary = PostgresServers.dedicated();
		newPrimary = PostgresServers.dedicated();
		oldPrimary.execute(ClientsController.CREATE_EMAILS);
		newPrimary.execute(ClientsController.CREATE_EMAILS);
		endpoint = SwitchableEndpoint.pointingAt(oldPrimary);
	}

	@AfterAll
	static void stopServers() {
		if (endpoint != null) {
			endpoint.close();
		}
		if (oldPrimary != null) {
			oldPrimary.close();
		}
		if (newPrimary != null) {
			newPrimary.close();
		}
	}

	@Test
	void endpointOnAnOldPrimaryRestartedAsStandbyAnswers503UntilItReachesTheNewPrimary() {
		promoteIfStandby(oldPrimary);
		endpoint.pointAt(oldPrimary, true);
		this.contextRunner.withPropertyValues("spring.datasource.url=" + endpoint.jdbcUrl()).run((context) -> {
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			assertThat(write(mvc).getResponse().getStatus()).isEqualTo(200);

			restartAsStandby(oldPrimary);
			List<Integer> statuses = new ArrayList<>();
			long slowest = 0;
			for (int i = 0; i < 20; i++) {
				long started = System.nanoTime();
				MvcResult result = write(mvc);
				slowest = Math.max(slowest, Duration.ofNanos(System.nanoTime() - started).toMillis());
				statuses.add(result.getResponse().getStatus());
				if (result.getResponse().getStatus() == 503) {
					assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isNotBlank();
				}
			}
			assertThat(statuses).containsOnly(503);
			ServerObserver server = context.getBean(ServerObservers.class)
				.of(context.getBean(TunedPools.class).get("dataSource"));
			server.check(Duration.ofSeconds(3));
			assertThat(server.lastReadOnly()).isTrue();
			assertThat(server.lastInRecovery()).isTrue();

			endpoint.pointAt(newPrimary, false);
			long switched = System.nanoTime();
			int status = writeUntilServed(mvc, true);
			long recovered = Duration.ofNanos(System.nanoTime() - switched).toMillis();
			System.out.println("read-only failover: slowest 503 " + slowest + " ms, writes back " + recovered
					+ " ms after the endpoint moved");
			assertThat(status).isEqualTo(200);
			assertThat(recovered).isLessThan(2000);
			for (int i = 0; i < 10; i++) {
				assertThat(write(mvc).getResponse().getStatus()).isEqualTo(200);
			}
			assertThat(context.getBean(HikariDataSource.class).getHikariPoolMXBean().getTotalConnections())
				.isLessThanOrEqualTo(4);
		});
	}

	@Test
	void primaryTurnedReadOnlyEvictsItsConnectionsAnswers503AndServesAgainOnceWritable() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + newPrimary.jdbcUrl()).run((context) -> {
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			for (int i = 0; i < 4; i++) {
				assertThat(write(mvc).getResponse().getStatus()).isEqualTo(200);
			}
			newPrimary.execute("ALTER SYSTEM SET default_transaction_read_only = on");
			newPrimary.execute("SELECT pg_reload_conf()");
			await().atMost(Duration.ofSeconds(5)).until(() -> "on".equals(newPrimary.query(
					"SHOW default_transaction_read_only", (result) -> result.next() ? result.getString(1) : null)));
			List<Integer> statuses = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				statuses.add(write(mvc).getResponse().getStatus());
			}
			assertThat(statuses).containsOnly(503);
			newPrimary.execute("ALTER SYSTEM RESET default_transaction_read_only");
			newPrimary.execute("SELECT pg_reload_conf()");
			long writable = System.nanoTime();
			int status = writeUntilServed(mvc, false);
			long recovered = Duration.ofNanos(System.nanoTime() - writable).toMillis();
			System.out.println("read-only primary: writes back " + recovered + " ms after it became writable");
			assertThat(status).isEqualTo(200);
			assertThat(recovered).isLessThan(2000);
		});
	}

	@Test
	void multiHostUrlWithTargetServerTypePrimaryWritesToThePrimaryWhicheverHostIsFirst() {
		if (!isStandby(oldPrimary)) {
			restartAsStandby(oldPrimary);
		}
		String url = "jdbc:postgresql://" + oldPrimary.host() + ":" + oldPrimary.port() + "," + newPrimary.host() + ":"
				+ newPrimary.port() + "/postgres?targetServerType=primary";
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url).run((context) -> {
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			for (int i = 0; i < 5; i++) {
				assertThat(write(mvc).getResponse().getStatus()).isEqualTo(200);
			}
			assertThat(context.getBean(TunedPools.class).get("dataSource").primaryExpected()).isTrue();
		});
	}

	@Test
	void connectionEndedByTheEndpointAnswers503NotAnEmpty200() {
		// The endpoint accepts and hangs up (its server is down): pgjdbc's login ends with an
		// EOFException, which Spring MVC alone would take for the HTTP client going away.
		PostgresServer down = PostgresServers.dedicated();
		down.stop();
		try (SwitchableEndpoint hangingUp = SwitchableEndpoint.pointingAt(down)) {
			this.contextRunner.withPropertyValues("spring.datasource.url=" + hangingUp.jdbcUrl()).run((context) -> {
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
				for (int i = 0; i < 5; i++) {
					MvcResult result = write(mvc);
					assertThat(result.getResponse().getStatus()).isEqualTo(503);
					assertThat(result.getResponse().getHeader(HttpHeaders.RETRY_AFTER)).isNotBlank();
				}
			});
		}
		finally {
			down.close();
		}
	}

	/**
	 * Writes every 50 ms until a write is served, for 10 s at most.
	 * @param onlyServiceUnavailable whether every refusal must be a 503
	 * @return the last status
	 */
	private static int writeUntilServed(MockMvc mvc, boolean onlyServiceUnavailable) {
		AtomicInteger status = new AtomicInteger();
		try {
			await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
				status.set(write(mvc).getResponse().getStatus());
				if (onlyServiceUnavailable) {
					assertThat(status.get()).isIn(200, 503);
				}
				return status.get() == 200;
			});
		}
		catch (ConditionTimeoutException ex) {
			// The caller's assertion on the status says what happened.
		}
		return status.get();
	}

	private static MvcResult write(MockMvc mvc) throws Exception {
		return mvc.perform(post("/api/clients/write")).andReturn();
	}

	private static boolean isStandby(PostgresServer server) {
		return server.query("SELECT pg_is_in_recovery()", (result) -> {
			result.next();
			return result.getBoolean(1);
		});
	}

	private static void promoteIfStandby(PostgresServer server) {
		if (isStandby(server)) {
			server.execute("SELECT pg_promote()");
		}
	}

	/** What a failover does to the old primary: it comes back as a standby, read-only. */
	private static void restartAsStandby(PostgresServer server) {
		String dataDirectory = server.query("SHOW data_directory", (result) -> {
			result.next();
			return result.getString(1);
		});
		server.execute("COPY (SELECT 1 WHERE false) TO '" + dataDirectory + "/standby.signal'");
		server.restart();
	}

}
