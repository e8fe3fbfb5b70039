package dev.poolguard.autoconfigure.resilience;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * What PoolGuard relies on in HikariCP that is not its API ({@link HikariBehaviour}),
 * checked against the HikariCP on the classpath and a real PostgreSQL. When one of these
 * fails after a HikariCP upgrade, {@link HikariBehaviour} and its users must change with
 * it: the connector would probe from callers' threads, a busy pool would count as a
 * database failure, or waiting callers would no longer be released.
 */
class HikariBehaviourTests {

	private static final PostgresServer server = PostgresServers.shared();

	@Test
	void poolOpensItsConnectionsOnTheThreadPoolGuardTakesForTheConnectionAdder() {
		Set<Boolean> onAdder = ConcurrentHashMap.newKeySet();
		try (HikariDataSource pool = pool(1)) {
			DriverDataSource driver = new DriverDataSource(server.jdbcUrl(), null, new Properties(), server.username(),
					server.password());
			pool.setDataSource(observing(driver, () -> onAdder.add(HikariBehaviour.onConnectionAdder())));
			pool.setMinimumIdle(2);
			pool.setMaximumPoolSize(2);
			try (Connection connection = pool.getConnection()) {
				await().until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 2);
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}
		// HikariCP opens its first connection on the starting thread (its fail-fast check),
		// the others on the adder.
		assertThat(onAdder).contains(true);
	}

	@Test
	void timeoutOfABusyPoolSaysWhatPoolGuardLooksForAndHasNoCause() throws SQLException {
		try (HikariDataSource pool = pool(1); Connection busy = pool.getConnection()) {
			Throwable timeout = catchThrowable(pool::getConnection);
			assertThat(timeout).isInstanceOf(SQLTransientConnectionException.class).hasNoCause();
			assertThat(HikariBehaviour.isPoolTimeout(timeout)).isTrue();
			assertThat(AcquisitionFailureClassifier.classify(timeout)).isEqualTo(FailureKind.SATURATED);
		}
	}

	@Test
	void releasedWaiterFailsAtOnceWithItsInterruptSet() throws Exception {
		try (HikariDataSource pool = pool(1); Connection busy = pool.getConnection()) {
			pool.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
			AtomicReference<Thread> waiter = new AtomicReference<>();
			CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
				waiter.set(Thread.currentThread());
				Throwable thrown = catchThrowable(pool::getConnection);
				return (Thread.interrupted() && thrown != null) ? thrown : null;
			});
			await().until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);
			HikariBehaviour.release(waiter.get());
			assertThat(failure.get(2, TimeUnit.SECONDS)).as("failed at once, interrupt still set")
				.isInstanceOf(SQLException.class)
				.hasRootCauseInstanceOf(InterruptedException.class);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	private static HikariDataSource pool(int size) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(server.jdbcUrl());
		pool.setUsername(server.username());
		pool.setPassword(server.password());
		pool.setMaximumPoolSize(size);
		pool.setMinimumIdle(size);
		pool.setConnectionTimeout(250);
		pool.setPoolName("behaviour");
		return pool;
	}

	/**
	 * A data source that tells whenever the pool opens a connection through it.
	 */
	private static DataSource observing(DataSource dataSource, Runnable onOpen) {
		return (DataSource) Proxy.newProxyInstance(HikariBehaviourTests.class.getClassLoader(),
				new Class<?>[] { DataSource.class }, (proxy, method, arguments) -> {
					if (method.getName().equals("getConnection")) {
						onOpen.run();
					}
					try {
						return method.invoke(dataSource, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
