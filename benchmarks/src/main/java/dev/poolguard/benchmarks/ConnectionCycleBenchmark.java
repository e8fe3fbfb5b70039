package dev.poolguard.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
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
 * What PoolGuard adds to connection acquisition: one {@code getConnection()} followed by
 * {@code close()}, through a plain HikariCP pool ({@code hikari}) and through PoolGuard's
 * guarded pool with its default circuit breaker, retry and load shedding
 * ({@code poolguard}), both on the same configuration over a driver with no database
 * (see {@link BenchmarkPools}).
 *
 * <p>
 * Two modes: average time per cycle, the figure the target is about, and throughput,
 * all threads' cycles per unit of time. With more threads than cores the average time
 * is the mean of each thread's own average, which a thread the scheduler starves for
 * a while inflates; throughput does not care which thread did the work, so its ratio is
 * the steadier one there.
 *
 * <p>
 * The threads share one pool, as an application's request threads do. On the success
 * path PoolGuard must stay a small fraction of what the pool itself costs (the target is
 * at most 1.25 times raw HikariCP), because every request of an application pays it.
 * Run it with {@code benchmarks/run-jmh.sh}, which runs it at 1 and 4 threads; the
 * annotations' defaults are for running it with JMH directly.
 *
 * @author PoolGuard
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.AverageTime, Mode.Throughput })
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConnectionCycleBenchmark {

	/**
	 * The pool under test: {@code hikari} or {@code poolguard}.
	 */
	@Param({ "hikari", "poolguard" })
	public String pool;

	private HikariDataSource dataSource;

	@Setup(Level.Trial)
	public void startPool() throws SQLException {
		this.dataSource = BenchmarkPools.start(this.pool);
	}

	@TearDown(Level.Trial)
	public void closePool() {
		this.dataSource.close();
	}

	/**
	 * One acquisition cycle. The connection is returned so that JMH consumes it and the
	 * JIT cannot discard the work.
	 * @return the (closed) connection proxy
	 * @throws SQLException if the pool fails
	 */
	@Benchmark
	public Connection getConnectionAndClose() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.close();
		return connection;
	}

}
