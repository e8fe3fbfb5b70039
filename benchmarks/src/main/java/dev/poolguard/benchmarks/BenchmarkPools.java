package dev.poolguard.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.benchmarks.stub.StubDriver;

/**
 * Builds and starts the pools the acquisition benchmarks compare, with one and the same
 * HikariCP configuration, so that the only difference between them is PoolGuard, built
 * through its public entry points only ({@code AcquisitionResilience.of} and the
 * {@code GuardedHikariDataSource} constructor).
 *
 * <p>
 * {@value #POOL_SIZE} connections, fixed: more than the benchmark's threads, so a borrower
 * never waits for another and the pool never grows or shrinks while it is measured (the
 * bookkeeping is measured, not queueing). The stub driver, on a URL only it accepts: no
 * database. HikariCP validates a connection on borrow only after 500 ms idle
 * ({@code com.zaxxer.hikari.aliveBypassWindowMs}), which never happens in a tight loop;
 * leak detection, metrics trackers and health checks stay off (HikariCP's defaults), as in
 * HikariCP's own benchmark.
 *
 * @author PoolGuard
 */
final class BenchmarkPools {

	static final int POOL_SIZE = 32;

	private BenchmarkPools() {
	}

	/** Raw HikariCP, started and full. */
	static HikariDataSource startHikari() throws SQLException {
		return start(configured("bench-hikari"));
	}

	/** PoolGuard's guarded pool with the resilience of these properties, started and full. */
	static HikariDataSource startGuarded(PoolGuardProperties properties) throws SQLException {
		return start(new GuardedHikariDataSource(configured("bench-poolguard"), AcquisitionResilience.of(properties)));
	}

	/** A pool that has not started: what Spring Boot hands to PoolGuard. */
	private static HikariDataSource configured(String poolName) {
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
	 * Starts the pool (on first use) and waits until HikariCP has opened every connection in
	 * the background, so that no measured cycle shares the machine with pool filling.
	 */
	private static HikariDataSource start(HikariDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			long deadline = System.nanoTime() + 30_000_000_000L;
			while (dataSource.getHikariPoolMXBean().getTotalConnections() < POOL_SIZE) {
				if (System.nanoTime() > deadline) {
					throw new SQLException("The pool did not fill to " + POOL_SIZE + " connections within 30 s");
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
		return dataSource;
	}

}
