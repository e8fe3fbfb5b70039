package dev.poolguard.benchmarks;

import java.sql.SQLException;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What PoolGuard adds to connection acquisition: the {@link AcquisitionCycle} through a
 * plain HikariCP pool ({@code hikari}) and through PoolGuard's guarded pool with its
 * default circuit breaker, retry and load shedding ({@code poolguard}), both on the same
 * configuration over a driver with no database (see {@link BenchmarkPools}). PoolGuard's
 * target: at most 1.25 times raw HikariCP's time per cycle, because every request pays it.
 *
 * @author PoolGuard
 */
@State(Scope.Benchmark)
public class ConnectionCycleBenchmark extends AcquisitionCycle {

	@Param({ "hikari", "poolguard" })
	public String pool;

	@Setup(Level.Trial)
	public void startPool() throws SQLException {
		this.dataSource = switch (this.pool) {
			case "hikari" -> BenchmarkPools.startHikari();
			case "poolguard" -> BenchmarkPools.startGuarded(new PoolGuardProperties());
			default -> throw new IllegalArgumentException("Unknown pool '" + this.pool + "'");
		};
	}

}
