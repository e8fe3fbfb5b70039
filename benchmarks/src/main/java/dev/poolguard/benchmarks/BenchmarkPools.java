package dev.poolguard.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.benchmarks.stub.StubDriver;

/**
 * Builds and starts the two pools the acquisition benchmark compares, with one and the
 * same HikariCP configuration, so that the only difference between them is PoolGuard.
 *
 * <p>
 * Why these settings:
 * <ul>
 * <li>{@value #POOL_SIZE} connections, fixed ({@code minimumIdle = maximumPoolSize}):
 * more than the benchmark's threads, so a borrower never waits for another to return a
 * connection, and the pool never grows or shrinks while it is measured. The benchmark
 * measures the cost of the bookkeeping, not queueing.</li>
 * <li>The stub driver, by class name, on a URL only it accepts: no database.</li>
 * <li>HikariCP validates a connection on borrow only when it sat idle longer than
 * {@code com.zaxxer.hikari.aliveBypassWindowMs} (500 ms), which never happens in a tight
 * loop, and the stub answers {@code isValid} at once anyway. Leak detection, metrics
 * trackers and health-check registries stay off (HikariCP's defaults), as in HikariCP's
 * own connection benchmark, so neither pool pays for them on every cycle.</li>
 * </ul>
 *
 * @author PoolGuard
 */
final class BenchmarkPools {

	/**
	 * Connections in each pool.
	 */
	static final int POOL_SIZE = 32;

	private static final Duration FILL_TIMEOUT = Duration.ofSeconds(30);

	private BenchmarkPools() {
	}

	/**
	 * Builds the pool named by the benchmark's parameter and starts it, full.
	 * @param pool {@code hikari} or {@code poolguard}
	 * @return the started pool
	 * @throws SQLException if the pool does not start
	 */
	static HikariDataSource start(String pool) throws SQLException {
		return switch (pool) {
			case "hikari" -> startHikari();
			case "poolguard" -> startGuarded(AcquisitionResilience.of(new PoolGuardProperties()));
			default -> throw new IllegalArgumentException("Unknown pool '" + pool + "': hikari or poolguard");
		};
	}

	/**
	 * Builds PoolGuard's guarded pool, with the given resilience, on the benchmark's
	 * configuration, and starts it, full.
	 * @param resilience the circuit breaker, retry and load shedding to guard with
	 * @return the started pool
	 * @throws SQLException if the pool does not start
	 */
	static HikariDataSource startGuarded(AcquisitionResilience resilience) throws SQLException {
		return start(new GuardedHikariDataSource(configured("bench-poolguard"), resilience));
	}

	/**
	 * Builds raw HikariCP on the benchmark's configuration and starts it, full.
	 * @return the started pool
	 * @throws SQLException if the pool does not start
	 */
	static HikariDataSource startHikari() throws SQLException {
		return start(configured("bench-hikari"));
	}

	/**
	 * Starts a pool that has not started yet, and waits until it is full.
	 * @param dataSource the pool
	 * @return the started pool
	 * @throws SQLException if the pool does not start
	 */
	static HikariDataSource start(HikariDataSource dataSource) throws SQLException {
		// A HikariDataSource built with its no-argument constructor starts on first use.
		try (Connection connection = dataSource.getConnection()) {
			awaitFull(dataSource);
		}
		return dataSource;
	}

	/**
	 * A pool that has not started: what Spring Boot hands to PoolGuard.
	 * @param poolName the pool's name
	 * @return the configured pool
	 */
	static HikariDataSource configured(String poolName) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setPoolName(poolName);
		dataSource.setDriverClassName(StubDriver.class.getName());
		dataSource.setJdbcUrl(StubDriver.URL_PREFIX + "benchmark");
		dataSource.setUsername("benchmark");
		dataSource.setMaximumPoolSize(POOL_SIZE);
		dataSource.setMinimumIdle(POOL_SIZE);
		dataSource.setConnectionTimeout(8_000);
		return dataSource;
	}

	/**
	 * HikariCP opens all but the first connection in the background; wait for them, so
	 * that no measured cycle (or warm-up) shares the machine with pool filling.
	 */
	private static void awaitFull(HikariDataSource dataSource) throws SQLException {
		long deadline = System.nanoTime() + FILL_TIMEOUT.toNanos();
		while (dataSource.getHikariPoolMXBean().getTotalConnections() < POOL_SIZE) {
			if (System.nanoTime() > deadline) {
				throw new SQLException("The pool " + dataSource.getPoolName() + " did not fill to " + POOL_SIZE
						+ " connections within " + FILL_TIMEOUT.toSeconds() + "s");
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("Interrupted while the pool filled", ex);
			}
		}
	}

}
