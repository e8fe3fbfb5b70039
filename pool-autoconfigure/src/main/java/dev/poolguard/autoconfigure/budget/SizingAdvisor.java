package dev.poolguard.autoconfigure.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.SmartLifecycle;

/**
 * Recommends a connection limit from the pool's recent traffic, within this instance's
 * connection budget (Little's law; see {@link SizingAdvice}).
 *
 * <p>
 * A daemon thread reads the pool's counters ten times per window and keeps one window of
 * readings; {@link #advise()} compares the counters now with those of a window ago, so
 * the advice reflects the last window of traffic, reads no database and takes
 * microseconds.
 *
 * @author PoolGuard
 */
public final class SizingAdvisor implements SmartLifecycle {

	private static final Duration MIN_TICK = Duration.ofMillis(100);

	private final PoolDemand demand;

	private final Supplier<BudgetReport> budget;

	/** What the other pools on the same server may open, out of the shared budget. */
	private volatile IntSupplier otherPools = () -> 0;

	private final Duration window;

	private final Duration tick;

	private final Clock clock;

	private final Deque<Sample> samples = new ArrayDeque<>();

	private ScheduledExecutorService sampler;

	private ScheduledFuture<?> sampling;

	/**
	 * Creates an advisor that reads Spring Boot's HikariCP meters.
	 * @param registry the registry Spring Boot binds the {@code hikaricp.*} meters to
	 * @param pool the pool, or a supplier of {@code null} when there is none
	 * @param budget the latest connection budget report, or a supplier of {@code null}
	 * when the budget is not checked; the advice then has no ceiling
	 * @param window how much recent traffic to size from
	 */
	public SizingAdvisor(MeterRegistry registry, Supplier<HikariDataSource> pool, Supplier<BudgetReport> budget,
			Duration window) {
		this(new MeterRegistryPoolDemand(registry, pool), budget, window, Clock.systemUTC());
	}

	SizingAdvisor(PoolDemand demand, Supplier<BudgetReport> budget, Duration window, Clock clock) {
		this.demand = demand;
		this.budget = budget;
		this.window = window;
		Duration tick = window.dividedBy(10);
		this.tick = (tick.compareTo(MIN_TICK) < 0) ? MIN_TICK : tick;
		this.clock = clock;
	}

	/**
	 * Advice from the last window of traffic. Never touches the database.
	 * @return the advice; without traffic to size from, one that says why
	 */
	public SizingAdvice advise() {
		Sample now = sample();
		Integer budget = connectionBudget();
		if (now == null) {
			Instant at = this.clock.instant();
			return SizingAdvice.none(at, at, 0, budget, "The pool has not started yet, or its hikaricp.* meters are "
					+ "not bound to a MeterRegistry: there is no traffic to size from.");
		}
		Sample base;
		double waitingSum = now.reading().waitingThreads();
		int waitingMax = now.reading().waitingThreads();
		int waitingCount = 1;
		synchronized (this.samples) {
			base = this.samples.stream()
				.filter((sample) -> now.nanos() - sample.nanos() <= this.window.toNanos())
				.findFirst()
				.orElse(null);
			for (Sample sample : this.samples) {
				if (base != null && sample.nanos() >= base.nanos()) {
					waitingSum += sample.reading().waitingThreads();
					waitingMax = Math.max(waitingMax, sample.reading().waitingThreads());
					waitingCount++;
				}
			}
		}
		int limit = now.reading().connectionLimit();
		if (base == null || now.nanos() - base.nanos() < this.tick.toNanos() / 2) {
			return SizingAdvice.none(now.at(), now.at(), limit, budget,
					"Collecting the pool's traffic: the first reading is taken " + this.tick.toMillis() + " ms after start.");
		}
		long acquisitions = now.reading().acquisitions() - base.reading().acquisitions();
		long holds = now.reading().holds() - base.reading().holds();
		double holdSeconds = now.reading().holdSeconds() - base.reading().holdSeconds();
		if (acquisitions <= 0 || holds <= 0) {
			return SizingAdvice.none(base.at(), now.at(), limit, budget,
					"No connection was borrowed and given back since " + base.at() + ": there is no traffic to size from.");
		}
		double seconds = (now.nanos() - base.nanos()) / 1e9;
		return SizingAdvice.of(base.at(), now.at(), seconds, acquisitions, holds, holdSeconds,
				now.reading().p95HoldSeconds(), waitingSum / waitingCount, waitingMax, limit, budget);
	}

	/**
	 * The advice as the actuator shows it.
	 * @return {@link #advise()} as a map
	 */
	public Map<String, Object> toMap() {
		return advise().toMap();
	}

	/**
	 * Makes the advice share its budget with the other pools on the pool's server: it
	 * recommends at most the budget less what they may open.
	 * @param otherPools the sum of the other pools' connection limits
	 */
	void shareBudgetWith(IntSupplier otherPools) {
		this.otherPools = otherPools;
	}

	private Integer connectionBudget() {
		BudgetReport report = this.budget.get();
		Integer budget = (report != null) ? report.connectionBudget() : null;
		return (budget != null) ? Math.max(0, budget - this.otherPools.getAsInt()) : null;
	}

	private Sample sample() {
		PoolDemand.Reading reading = this.demand.read();
		return (reading != null) ? new Sample(System.nanoTime(), this.clock.instant(), reading) : null;
	}

	private void record() {
		Sample sample = sample();
		if (sample == null) {
			return;
		}
		synchronized (this.samples) {
			this.samples.addLast(sample);
			while (sample.nanos() - this.samples.getFirst().nanos() > this.window.toNanos()) {
				this.samples.removeFirst();
			}
		}
	}

	@Override
	public synchronized void start() {
		if (this.sampler == null) {
			this.sampler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "poolguard-sizing");
				thread.setDaemon(true);
				return thread;
			});
			long tick = this.tick.toNanos();
			this.sampling = this.sampler.scheduleAtFixedRate(this::recordSafely, 0, tick, TimeUnit.NANOSECONDS);
		}
	}

	private void recordSafely() {
		try {
			record();
		}
		catch (RuntimeException ex) {
			// A failed reading is a gap in the window, not a reason to stop sampling.
		}
	}

	@Override
	public synchronized void stop() {
		if (this.sampler != null) {
			this.sampling.cancel(false);
			this.sampler.shutdownNow();
			this.sampler = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.sampler != null;
	}

	private record Sample(long nanos, Instant at, PoolDemand.Reading reading) {

	}

}
