package dev.poolguard.autoconfigure.web;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.ResultSetReader;

import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;

import static org.awaitility.Awaitility.await;

/**
 * A real lost connection: a request runs {@code pg_sleep} and, while it sleeps, the
 * server terminates the backend serving it ({@code pg_terminate_backend}, SQLState
 * {@code 57P01}), as a failover, a restart or a DBA does.
 */
final class LostConnections {

	private LostConnections() {
	}

	/**
	 * Performs the request and terminates the backend that sleeps for it.
	 * @param mvc where to send the request
	 * @param request a request whose handler runs {@code SELECT pg_sleep(...)}
	 * @param server the database
	 * @param applicationName the pool's application name, to find its backend
	 * @return the result of the request
	 */
	static MvcResult terminatedWhileSleeping(MockMvc mvc, RequestBuilder request, PostgresServer server,
			String applicationName) throws Exception {
		CompletableFuture<MvcResult> result = CompletableFuture.supplyAsync(() -> {
			try {
				return mvc.perform(request).andReturn();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		String sleeping = "FROM pg_stat_activity WHERE application_name = '" + applicationName
				+ "' AND query LIKE 'SELECT pg_sleep%' AND state = 'active'";
		await().atMost(Duration.ofSeconds(10))
			.until(() -> server.query("SELECT count(*) " + sleeping, ResultSetReader.singleInt()) == 1);
		server.execute("SELECT pg_terminate_backend(pid) " + sleeping);
		return result.get(20, TimeUnit.SECONDS);
	}

}
