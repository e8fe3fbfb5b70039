package dev.poolguard.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where PoolGuard's acquisition overhead goes: the cycle of
 * {@link ConnectionCycleBenchmark}, with PoolGuard's guard built up one part at a time.
 * Not part of the default run; run it with
 * {@code benchmarks/run-jmh.sh AcquisitionBreakdown -prof gc}.
 *
 * <ul>
 * <li>{@code hikari}: raw HikariCP, the baseline.</li>
 * <li>{@code guard-only}: PoolGuard's guarded pool with the circuit breaker and the retry
 * turned off: the wrapper and its load-shedding check.</li>
 * <li>{@code retry-only}: plus the retry; PoolGuard touches it only after a failure, so
 * this should cost nothing more.</li>
 * <li>{@code breaker}: plus the circuit breaker: PoolGuard's defaults, i.e. the
 * {@code poolguard} case of the main benchmark.</li>
 * </ul>
 * Every variant is built through PoolGuard's public entry points only
 * ({@code AcquisitionResilience.of(PoolGuardProperties)} and the
 * {@code GuardedHikariDataSource} constructor), so it measures what an application gets.
 *
 * @author PoolGuard
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.AverageTime, Mode.Throughput })
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class AcquisitionBreakdownBenchmark {

	/**
	 * How much of PoolGuard's guard is on; see the class description.
	 */
	@Param({ "hikari", "guard-only", "retry-only", "breaker" })
	public String pool;

	private HikariDataSource dataSource;

	@Setup(Level.Trial)
	public void startPool() throws SQLException {
		this.dataSource = switch (this.pool) {
			case "hikari" -> BenchmarkPools.startHikari();
			case "guard-only" -> BenchmarkPools.startGuarded(resilience(false, false));
			case "retry-only" -> BenchmarkPools.startGuarded(resilience(false, true));
			case "breaker" -> BenchmarkPools.startGuarded(resilience(true, true));
			default -> throw new IllegalArgumentException("Unknown variant '" + this.pool + "'");
		};
	}

	@TearDown(Level.Trial)
	public void closePool() {
		this.dataSource.close();
	}

	/**
	 * One acquisition cycle, as in {@link ConnectionCycleBenchmark}.
	 * @return the (closed) connection proxy
	 * @throws SQLException if the pool fails
	 */
	@Benchmark
	public Connection getConnectionAndClose() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.close();
		return connection;
	}

	private static AcquisitionResilience resilience(boolean breaker, boolean retry) {
		PoolGuardProperties properties = new PoolGuardProperties();
		properties.getCircuitBreaker().setEnabled(breaker);
		properties.getRetry().setEnabled(retry);
		return AcquisitionResilience.of(properties);
	}

}
