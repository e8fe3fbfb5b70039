package dev.poolguard.benchmarks;

import java.sql.SQLException;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Where PoolGuard's acquisition overhead goes: the {@link AcquisitionCycle} with
 * PoolGuard's guard built up one part at a time. Not part of the default run:
 * {@code benchmarks/run-jmh.sh --threads 1,2,4 AcquisitionBreakdown -prof gc}.
 * <ul>
 * <li>{@code hikari}: raw HikariCP, the baseline.</li>
 * <li>{@code guard-only}: PoolGuard's guarded pool with the circuit breaker and the retry
 * turned off: the wrapper and its load-shedding check.</li>
 * <li>{@code retry-only}: plus the retry, which PoolGuard touches only after a failure.</li>
 * <li>{@code breaker}: plus the circuit breaker: PoolGuard's defaults, the
 * {@code poolguard} case of {@link ConnectionCycleBenchmark}.</li>
 * </ul>
 *
 * @author PoolGuard
 */
@State(Scope.Benchmark)
public class AcquisitionBreakdownBenchmark extends AcquisitionCycle {

	@Param({ "hikari", "guard-only", "retry-only", "breaker" })
	public String pool;

	@Setup(Level.Trial)
	public void startPool() throws SQLException {
		this.dataSource = switch (this.pool) {
			case "hikari" -> BenchmarkPools.startHikari();
			case "guard-only" -> BenchmarkPools.startGuarded(properties(false, false));
			case "retry-only" -> BenchmarkPools.startGuarded(properties(false, true));
			case "breaker" -> BenchmarkPools.startGuarded(properties(true, true));
			default -> throw new IllegalArgumentException("Unknown variant '" + this.pool + "'");
		};
	}

	private static PoolGuardProperties properties(boolean breaker, boolean retry) {
		PoolGuardProperties properties = new PoolGuardProperties();
		properties.getCircuitBreaker().setEnabled(breaker);
		properties.getRetry().setEnabled(retry);
		return properties;
	}

}
