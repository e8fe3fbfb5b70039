package dev.poolguard.autoconfigure.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.poolguard.autoconfigure.resilience.AcquisitionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records every acquisition of one pool: {@code poolguard.acquire} (a timer by outcome),
 * {@code poolguard.acquire.retries} and {@code poolguard.acquire.rejected} (by reason).
 * Every meter is registered up front, so that recording is a lookup in a small array.
 *
 * @author PoolGuard
 */
final class AcquisitionMetrics implements AcquisitionObserver {

	private final Map<Outcome, Timer> acquisitions = new EnumMap<>(Outcome.class);

	private final Map<Rejection, Counter> rejections = new EnumMap<>(Rejection.class);

	private final Counter retries;

	AcquisitionMetrics(MeterRegistry registry, String poolName) {
		for (Outcome outcome : Outcome.values()) {
			this.acquisitions.put(outcome,
					Timer.builder("poolguard.acquire")
						.description("Time to get a connection through PoolGuard, by how it ended")
						.tag("pool", poolName)
						.tag("outcome", outcome.tag())
						.register(registry));
		}
		for (Rejection reason : Rejection.values()) {
			this.rejections.put(reason,
					Counter.builder("poolguard.acquire.rejected")
						.description("Acquisitions refused at once, without waiting for the pool, by reason")
						.tag("pool", poolName)
						.tag("reason", reason.tag())
						.register(registry));
		}
		this.retries = Counter.builder("poolguard.acquire.retries")
			.description("Failed connection attempts that were retried")
			.tag("pool", poolName)
			.register(registry);
	}

	@Override
	public boolean isTiming() {
		return true;
	}

	@Override
	public void acquired(Outcome outcome, long nanos) {
		this.acquisitions.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void rejected(Rejection reason) {
		this.rejections.get(reason).increment();
	}

	@Override
	public void retried() {
		this.retries.increment();
	}

}
