package dev.poolguard.autoconfigure.budget;

/**
 * Where the {@link SizingAdvisor} reads the pool's traffic from.
 *
 * @author PoolGuard
 */
interface PoolDemand {

	/**
	 * Reads the pool's counters now.
	 * @return the reading, or {@code null} when the pool has not started or is not
	 * measured
	 */
	Reading read();

	/**
	 * Counters since the pool started, and the state of the pool now.
	 *
	 * @param acquisitions connections borrowed
	 * @param holds connections given back
	 * @param holdSeconds the time those connections were held, in all
	 * @param p95HoldSeconds the 95th percentile of recent hold times, or {@code null}
	 * when not measured
	 * @param waitingThreads threads waiting for a connection now
	 * @param connectionLimit the pool's maximum size now
	 */
	record Reading(long acquisitions, long holds, double holdSeconds, Double p95HoldSeconds, int waitingThreads,
			int connectionLimit) {

	}

}
