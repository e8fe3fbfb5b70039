package dev.poolguard.autoconfigure.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.pool.EffectiveSetting;
import dev.poolguard.autoconfigure.pool.TunedPool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * The application's connection budget: its pool held against the connection limits of
 * the PostgreSQL server it talks to, shared by {@code poolguard.instances} instances.
 *
 * <p>
 * {@link #report()} never waits for the network: it answers from the server limits read
 * last, with the pool's size as it is now. The limits are read over a short-lived
 * connection of the budget's own, on a background thread. While they are unknown (the
 * server was down), they are read again with a growing pause, up to
 * {@value #MAX_RECHECK_PAUSE_SECONDS}s, and at most once a second when someone asks;
 * once known, they are read again when a report is asked for and they are more than
 * {@value #REFRESH_AFTER_SECONDS}s old.
 *
 * @author PoolGuard
 */
public final class ConnectionBudget implements DisposableBean {

	private static final Log logger = LogFactory.getLog(ConnectionBudget.class);

	static final long MAX_RECHECK_PAUSE_SECONDS = 30;

	static final long REFRESH_AFTER_SECONDS = 60;

	private static final Duration MIN_RECHECK_PAUSE = Duration.ofSeconds(1);

	private static final String CONNECTION_LIMIT = PoolGuardProperties.PREFIX + ".connection-limit";

	/** This instance's pools on the server: one, or several that share it. */
	private final Supplier<List<TunedPool>> pools;

	private final PoolGuardProperties properties;

	private final ServerLimitsReader reader;

	private final Clock clock;

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "poolguard-budget");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicReference<CompletableFuture<Snapshot>> inFlight = new AtomicReference<>();

	private final AtomicReference<Consumer<BudgetReport>> whenFirstKnown = new AtomicReference<>();

	private volatile Snapshot snapshot;

	private volatile long lastAttemptNanos;

	private volatile int failedAttempts;

	private static final long FIRST_REFUSAL_PAUSE_MILLIS = 250;

	private volatile boolean retriedFirstRefusal;

	private volatile PoolerLimits poolerLimits;

	private volatile String poolerFailure = "its limits have not been read yet";

	/**
	 * Creates a budget for a pool.
	 * @param pool the pool PoolGuard tuned, or a supplier of {@code null} when there is
	 * none (the application's pool is not PostgreSQL)
	 * @param properties PoolGuard's configuration, for {@code instances} and
	 * {@code reserved-connections}
	 */
	public ConnectionBudget(Supplier<TunedPool> pool, PoolGuardProperties properties) {
		this(pool, properties, new ServerLimitsReader(), Clock.systemUTC());
	}

	ConnectionBudget(Supplier<TunedPool> pool, PoolGuardProperties properties, ServerLimitsReader reader,
			Clock clock) {
		this(properties, () -> {
			TunedPool one = pool.get();
			return (one != null) ? List.of(one) : List.of();
		}, reader, clock);
	}

	private ConnectionBudget(PoolGuardProperties properties, Supplier<List<TunedPool>> pools,
			ServerLimitsReader reader, Clock clock) {
		this.pools = pools;
		this.properties = properties;
		this.reader = reader;
		this.clock = clock;
	}

	/**
	 * Creates the budget of one server: every pool of this instance that reaches it
	 * (same host and port, database and role) is added up against its limits.
	 * @param pools the pools on the server, read each time a report is made so that a
	 * pool built later counts
	 * @param properties PoolGuard's configuration, for {@code instances} and
	 * {@code reserved-connections}
	 * @return the budget
	 */
	public static ConnectionBudget forServer(Supplier<List<TunedPool>> pools, PoolGuardProperties properties) {
		return new ConnectionBudget(properties, pools, new ServerLimitsReader(), Clock.systemUTC());
	}

	/**
	 * The pools this budget adds up.
	 * @return the pools, in name order
	 */
	public List<TunedPool> pools() {
		return this.pools.get();
	}

	/**
	 * The latest report, at once. When the server's limits are unknown or old, reading
	 * them again starts in the background; a later call sees the result.
	 * @return the latest report
	 */
	public BudgetReport report() {
		Snapshot current = this.snapshot;
		if (current == null && !applies()) {
			// No network needed to know that there is nothing to check.
			current = notApplicable();
			this.snapshot = current;
		}
		if (current == null) {
			startCheck();
			return report(new Snapshot(null, "the server's limits have not been read yet", null, false));
		}
		if (!current.permanent()) {
			Duration sinceAttempt = Duration.ofNanos(System.nanoTime() - this.lastAttemptNanos);
			if (current.limits() == null && sinceAttempt.compareTo(MIN_RECHECK_PAUSE) >= 0) {
				startCheck();
			}
			else if (current.limits() != null && sinceAttempt.getSeconds() >= REFRESH_AFTER_SECONDS) {
				startCheck();
			}
		}
		return report(current);
	}

	/**
	 * Reads the server's limits now and waits for them, at most {@code maxWait}.
	 * @param maxWait the longest time to wait
	 * @return the report, {@link BudgetVerdict#UNKNOWN} when the server did not answer in
	 * time (the read goes on in the background)
	 */
	BudgetReport check(Duration maxWait) {
		CompletableFuture<Snapshot> check = startCheck();
		try {
			return report(check.get(maxWait.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (TimeoutException ex) {
			return report(new Snapshot(null, "the server did not answer within " + maxWait.toSeconds()
					+ "s; the limits are read again in the background", now(), false));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return report();
		}
		catch (ExecutionException ex) {
			return report(new Snapshot(null, ServerLimitsReader.describe(ex.getCause()), now(), false));
		}
	}

	/**
	 * Whether there is a PostgreSQL pool PoolGuard tuned, whose server's limits can be
	 * read at all.
	 * @return whether the budget applies to this application
	 */
	boolean applies() {
		return !this.pools.get().isEmpty();
	}

	/**
	 * The most connections a pool may have by its server's limits, read now, whether or
	 * not the budget is checked: what bounds a resize when {@code poolguard.budget.mode}
	 * is {@code off}.
	 * @param pool the pool
	 * @param properties PoolGuard's configuration, for {@code instances} and
	 * {@code reserved-connections}
	 * @return the ceiling, or empty when the server's limits cannot be read
	 */
	public static OptionalInt ceilingOf(TunedPool pool, PoolGuardProperties properties) {
		ConnectionBudget budget = new ConnectionBudget(() -> pool, properties);
		try {
			Snapshot snapshot = budget.read();
			Integer ceiling = (snapshot.limits() != null) ? budget.report(snapshot).connectionBudget() : null;
			return (ceiling != null) ? OptionalInt.of(ceiling) : OptionalInt.empty();
		}
		finally {
			budget.destroy();
		}
	}

	/**
	 * The name of the pool the budget is about, as its metrics' {@code pool} tag.
	 * @return the pool's name, or {@code null} when PoolGuard tuned no pool
	 */
	String poolName() {
		List<TunedPool> pools = this.pools.get();
		return pools.isEmpty() ? null : pools.get(0).dataSource().getPoolName();
	}

	/**
	 * Registers what to do, once, when the server's limits first become known.
	 * @param action called with the first known report, on the budget's thread
	 */
	void whenFirstKnown(Consumer<BudgetReport> action) {
		this.whenFirstKnown.set(action);
	}

	private CompletableFuture<Snapshot> startCheck() {
		while (true) {
			CompletableFuture<Snapshot> running = this.inFlight.get();
			if (running != null && !running.isDone()) {
				return running;
			}
			CompletableFuture<Snapshot> check = new CompletableFuture<>();
			if (this.inFlight.compareAndSet(running, check)) {
				this.lastAttemptNanos = System.nanoTime();
				try {
					this.executor.execute(() -> complete(check));
				}
				catch (RuntimeException ex) {
					// Shut down with the application context: nothing to check any more.
					check.complete(new Snapshot(null, "the application is shutting down", now(), true));
				}
				return check;
			}
		}
	}

	private void complete(CompletableFuture<Snapshot> check) {
		try {
			update(check);
		}
		catch (RuntimeException | Error ex) {
			check.completeExceptionally(ex);
			throw ex;
		}
	}

	private void update(CompletableFuture<Snapshot> check) {
		Snapshot previous = this.snapshot;
		Snapshot next = read();
		if (next.limits() == null && previous != null && previous.limits() != null && !next.permanent()) {
			// Keep limits that were read before: they rarely change, and a server too busy
			// to accept one more connection right now has not changed its limits.
			logger.debug("PoolGuard could not read the server's limits again, keeping those of "
					+ previous.checkedAt() + ": " + next.failure());
			check.complete(previous);
			return;
		}
		this.snapshot = next;
		if (next.limits() == null) {
			this.failedAttempts++;
			if (!next.permanent()) {
				scheduleRecheck();
			}
		}
		else {
			this.failedAttempts = 0;
			if (previous == null || previous.limits() == null) {
				Consumer<BudgetReport> action = this.whenFirstKnown.getAndSet(null);
				if (action != null) {
					action.accept(report(next));
				}
			}
		}
		check.complete(next);
	}

	private void scheduleRecheck() {
		long pause = Math.min(MAX_RECHECK_PAUSE_SECONDS, 1L << Math.min(5, Math.max(0, this.failedAttempts - 1)));
		try {
			this.executor.schedule(() -> {
				if (this.snapshot == null || this.snapshot.limits() == null) {
					startCheck();
				}
			}, pause, TimeUnit.SECONDS);
		}
		catch (RuntimeException ex) {
			// Shut down with the application context.
		}
	}

	private Snapshot read() {
		List<TunedPool> pools = this.pools.get();
		if (pools.isEmpty()) {
			return notApplicable();
		}
		TunedPool pool = pools.get(0);
		if (pool.pooler().isPresent()) {
			readPoolerLimits(pool);
		}
		try {
			return new Snapshot(this.reader.read(pool.sideConnections()), null, now(), false);
		}
		catch (ServerFullException ex) {
			if (this.snapshot == null && !this.retriedFirstRefusal) {
				// At startup the side connection that looked for a pooler was closed a moment
				// ago: where a limit leaves room for one connection only, its backend may not
				// have left yet. Once more, after it surely has.
				this.retriedFirstRefusal = true;
				try {
					Thread.sleep(FIRST_REFUSAL_PAUSE_MILLIS);
					return read();
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
				}
			}
			return new Snapshot(null, ServerLimitsReader.describe(ex), now(), false, true);
		}
		catch (Exception ex) {
			return new Snapshot(null, "the server's limits could not be read: " + ServerLimitsReader.describe(ex), now(),
					false);
		}
	}

	/**
	 * Behind a pooler, what its admin console says, when one is configured: the pool is
	 * held against the pooler's limits, and the pooler's server pools against the
	 * server's.
	 */
	private void readPoolerLimits(TunedPool pool) {
		if (this.properties.getPooler().getAdminUrl() == null) {
			this.poolerFailure = "poolguard.pooler.admin-url is not set";
			return;
		}
		try {
			this.poolerLimits = PoolerLimits.read(this.properties.getPooler(), pool.dataSource());
			this.poolerFailure = null;
		}
		catch (Exception ex) {
			this.poolerFailure = "its admin console could not be read: " + ServerLimitsReader.describe(ex);
		}
	}

	private Snapshot notApplicable() {
		return new Snapshot(null, "PoolGuard did not tune a PostgreSQL pool in this application", now(), true);
	}

	private BudgetReport report(Snapshot snapshot) {
		BudgetReport.Pool pool = poolSide();
		List<TunedPool> tunedPools = this.pools.get();
		TunedPool tuned = tunedPools.isEmpty() ? null : tunedPools.get(0);
		if (tuned != null && tuned.pooler().isPresent() && !snapshot.full()) {
			return BudgetReport.behindPooler(pool, tuned.pooler().describe(), this.properties.getPooler().getInstances(),
					this.poolerLimits, this.poolerFailure, snapshot.limits(), snapshot.checkedAt());
		}
		if (snapshot.full()) {
			return BudgetReport.full(pool, snapshot.failure(), snapshot.checkedAt());
		}
		if (snapshot.limits() == null) {
			String reason = snapshot.failure();
			return BudgetReport.unknown(pool, Character.toUpperCase(reason.charAt(0)) + reason.substring(1) + ".",
					snapshot.checkedAt());
		}
		return BudgetReport.of(pool, snapshot.limits(), snapshot.checkedAt());
	}

	private BudgetReport.Pool poolSide() {
		List<TunedPool> tunedPools = this.pools.get();
		if (tunedPools.size() > 1) {
			Map<String, Integer> limits = new LinkedHashMap<>();
			tunedPools.forEach((tuned) -> limits.put(tuned.name(), tuned.dataSource().getMaximumPoolSize()));
			int total = limits.values().stream().mapToInt(Integer::intValue).sum();
			String property = "the connection limits of pools " + limits.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + " " + entry.getValue())
				.collect(Collectors.joining(" + ")) + ", together";
			return new BudgetReport.Pool(server(tunedPools.get(0).dataSource()), total, property,
					this.properties.getInstances(), this.properties.getReservedConnections(), limits,
					tunedPools.size());
		}
		TunedPool tuned = tunedPools.isEmpty() ? null : tunedPools.get(0);
		HikariDataSource pool = (tuned != null) ? tuned.dataSource() : null;
		int connectionLimit = (pool != null) ? pool.getMaximumPoolSize() : this.properties.getConnectionLimit();
		String property = CONNECTION_LIMIT;
		if (tuned != null) {
			EffectiveSetting setting = tuned.settings()
				.all()
				.stream()
				.filter((candidate) -> CONNECTION_LIMIT.equals(candidate.property()))
				.findFirst()
				.orElse(null);
			// Name the property the user set, so that the fix changes the right one.
			if (setting != null && (setting.origin().startsWith("spring.")
					|| setting.origin().startsWith(PoolGuardProperties.PREFIX + ".pools."))) {
				property = setting.origin();
			}
		}
		return new BudgetReport.Pool((pool != null) ? server(pool) : "no PostgreSQL pool", connectionLimit, property,
				this.properties.getInstances(), this.properties.getReservedConnections());
	}

	private static String server(HikariDataSource pool) {
		String server = describe(pool.getJdbcUrl());
		return (pool.getUsername() != null) ? server + " as " + pool.getUsername() : server;
	}

	/** The URL without its query string, where pgjdbc accepts a password. */
	private static String describe(String jdbcUrl) {
		if (jdbcUrl == null) {
			return "no JDBC URL";
		}
		int query = jdbcUrl.indexOf('?');
		return (query < 0) ? jdbcUrl : jdbcUrl.substring(0, query);
	}

	private Instant now() {
		return this.clock.instant();
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	/**
	 * The outcome of reading the server's limits.
	 *
	 * @param limits the limits, or {@code null} when they could not be read
	 * @param failure why not
	 * @param checkedAt when
	 * @param permanent whether reading again cannot help
	 * @param full whether the server refused the connection because it is full
	 */
	private record Snapshot(ServerLimits limits, String failure, Instant checkedAt, boolean permanent, boolean full) {

		Snapshot(ServerLimits limits, String failure, Instant checkedAt, boolean permanent) {
			this(limits, failure, checkedAt, permanent, false);
		}

	}

}
