package dev.poolguard.autoconfigure.budget;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A connection limit sized from the pool's recent traffic with Little's law: the
 * connections busy on average equal the rate at which they are borrowed times how long
 * each is held. The advice sizes for the 95th percentile of the hold time rather than
 * its mean, adds the threads that were waiting for a connection, rounds up, and stays
 * within this instance's connection budget.
 *
 * @author PoolGuard
 */
public final class SizingAdvice {

	private final Instant from;

	private final Instant to;

	private final long acquisitions;

	private final double acquisitionsPerSecond;

	private final Duration meanHoldTime;

	private final Duration p95HoldTime;

	private final double meanWaitingThreads;

	private final int maxWaitingThreads;

	private final double meanDemand;

	private final double demandWithHeadroom;

	private final Integer neededConnections;

	private final int connectionLimit;

	private final Integer connectionBudget;

	private final Integer recommendedConnectionLimit;

	private final String reason;

	private SizingAdvice(Builder builder) {
		this.from = builder.from;
		this.to = builder.to;
		this.acquisitions = builder.acquisitions;
		this.acquisitionsPerSecond = builder.acquisitionsPerSecond;
		this.meanHoldTime = builder.meanHoldTime;
		this.p95HoldTime = builder.p95HoldTime;
		this.meanWaitingThreads = builder.meanWaitingThreads;
		this.maxWaitingThreads = builder.maxWaitingThreads;
		this.meanDemand = builder.meanDemand;
		this.demandWithHeadroom = builder.demandWithHeadroom;
		this.neededConnections = builder.neededConnections;
		this.connectionLimit = builder.connectionLimit;
		this.connectionBudget = builder.connectionBudget;
		this.recommendedConnectionLimit = builder.recommendedConnectionLimit;
		this.reason = builder.reason;
	}

	/**
	 * Advice from the traffic between two readings of the pool's counters.
	 */
	static SizingAdvice of(Instant from, Instant to, double seconds, long acquisitions, long holds, double holdSeconds,
			Double p95HoldSeconds, double meanWaitingThreads, int maxWaitingThreads, int connectionLimit,
			Integer connectionBudget) {
		Builder advice = new Builder(from, to, connectionLimit, connectionBudget);
		advice.acquisitions = acquisitions;
		advice.acquisitionsPerSecond = acquisitions / seconds;
		double meanHold = holdSeconds / holds;
		// A percentile of a skewed sample can fall below its mean; never size below the mean.
		double slowHold = (p95HoldSeconds != null) ? Math.max(p95HoldSeconds, meanHold) : meanHold;
		advice.meanHoldTime = seconds(meanHold);
		advice.p95HoldTime = (p95HoldSeconds != null) ? seconds(p95HoldSeconds) : null;
		advice.meanWaitingThreads = meanWaitingThreads;
		advice.maxWaitingThreads = maxWaitingThreads;
		advice.meanDemand = advice.acquisitionsPerSecond * meanHold;
		advice.demandWithHeadroom = advice.acquisitionsPerSecond * slowHold;
		int needed = (int) Math.max(1, Math.ceil(advice.demandWithHeadroom + meanWaitingThreads - 1e-9));
		advice.neededConnections = needed;
		int ceiling = (connectionBudget != null) ? Math.max(1, connectionBudget) : Integer.MAX_VALUE;
		advice.recommendedConnectionLimit = Math.min(needed, ceiling);
		if (needed > ceiling) {
			advice.reason = "The traffic needs " + needed + " connections, more than this instance's budget of "
					+ connectionBudget + ": recommended " + ceiling
					+ ". Beyond that, requests wait; more capacity means a bigger share of the server "
					+ "(fewer instances, higher limits) or PgBouncer in front of it (docs/sizing.md).";
		}
		else if (needed > connectionLimit) {
			advice.reason = "The traffic needs " + needed + " connections and the pool has " + connectionLimit
					+ ": requests wait for connections. Raise the connection limit to " + needed + ".";
		}
		else if (needed < connectionLimit) {
			advice.reason = "The traffic needs " + needed + " connections and the pool has " + connectionLimit
					+ ": " + needed + " would do and leave the rest of the server to others.";
		}
		else {
			advice.reason = "The traffic needs " + needed + " connections, as many as the pool has.";
		}
		return new SizingAdvice(advice);
	}

	/**
	 * No advice: nothing to size from.
	 */
	static SizingAdvice none(Instant from, Instant to, int connectionLimit, Integer connectionBudget, String reason) {
		Builder advice = new Builder(from, to, connectionLimit, connectionBudget);
		advice.reason = reason;
		return new SizingAdvice(advice);
	}

	private static Duration seconds(double seconds) {
		return Duration.ofNanos(Math.round(seconds * 1e9));
	}

	/**
	 * The start of the traffic the advice is based on.
	 * @return the start of the window
	 */
	public Instant from() {
		return this.from;
	}

	/**
	 * The end of the traffic the advice is based on.
	 * @return the end of the window, the time of the advice
	 */
	public Instant to() {
		return this.to;
	}

	/**
	 * How much traffic the advice is based on.
	 * @return the time between {@link #from()} and {@link #to()}
	 */
	public Duration window() {
		return Duration.between(this.from, this.to);
	}

	/**
	 * Connections borrowed in the window.
	 * @return the acquisitions
	 */
	public long acquisitions() {
		return this.acquisitions;
	}

	/**
	 * Connections borrowed per second: the arrival rate of Little's law.
	 * @return the acquisitions per second
	 */
	public double acquisitionsPerSecond() {
		return this.acquisitionsPerSecond;
	}

	/**
	 * The mean time a connection was held.
	 * @return the mean hold time, or {@code null} without traffic
	 */
	public Duration meanHoldTime() {
		return this.meanHoldTime;
	}

	/**
	 * The 95th percentile of the hold time.
	 * @return the p95 hold time, or {@code null} when not measured
	 */
	public Duration p95HoldTime() {
		return this.p95HoldTime;
	}

	/**
	 * The threads waiting for a connection, on average over the window.
	 * @return the mean number of waiting threads
	 */
	public double meanWaitingThreads() {
		return this.meanWaitingThreads;
	}

	/**
	 * The most threads seen waiting for a connection at once in the window.
	 * @return the most waiting threads
	 */
	public int maxWaitingThreads() {
		return this.maxWaitingThreads;
	}

	/**
	 * Little's law: acquisitions per second times the mean hold time, the connections
	 * busy on average.
	 * @return the mean demand
	 */
	public double meanDemand() {
		return this.meanDemand;
	}

	/**
	 * Acquisitions per second times the 95th percentile of the hold time.
	 * @return the demand with headroom
	 */
	public double demandWithHeadroom() {
		return this.demandWithHeadroom;
	}

	/**
	 * The connections the traffic needs: the demand with headroom plus the waiting
	 * threads, rounded up, before the budget caps it.
	 * @return the needed connections, or {@code null} without traffic
	 */
	public Integer neededConnections() {
		return this.neededConnections;
	}

	/**
	 * The pool's maximum size now.
	 * @return the connection limit, 0 when the pool has not started
	 */
	public int connectionLimit() {
		return this.connectionLimit;
	}

	/**
	 * This instance's connection budget, the most the advice recommends.
	 * @return the budget, or {@code null} when unknown or not checked
	 */
	public Integer connectionBudget() {
		return this.connectionBudget;
	}

	/**
	 * The connection limit to set, from 1 to the budget.
	 * @return the recommended connection limit, or {@code null} without traffic to size
	 * from
	 */
	public Integer recommendedConnectionLimit() {
		return this.recommendedConnectionLimit;
	}

	/**
	 * Whether the budget, not the traffic, set the recommendation.
	 * @return whether the traffic needs more than the budget allows
	 */
	public boolean cappedByBudget() {
		return this.neededConnections != null && this.recommendedConnectionLimit != null
				&& this.neededConnections > this.recommendedConnectionLimit;
	}

	/**
	 * The advice in one or two sentences, or why there is none.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * The arithmetic, one step a line.
	 * @return the arithmetic, empty without traffic
	 */
	public String arithmetic() {
		return String.join("\n", arithmeticLines());
	}

	private List<String> arithmeticLines() {
		if (this.neededConnections == null) {
			return List.of();
		}
		double seconds = window().toNanos() / 1e9;
		double mean = this.meanHoldTime.toNanos() / 1e9;
		List<String> lines = new ArrayList<>();
		lines.add("window: the last " + format(seconds, 1) + " s");
		lines.add("arrivals: " + this.acquisitions + " acquisitions / " + format(seconds, 1) + " s = "
				+ format(this.acquisitionsPerSecond, 1) + " per second");
		lines.add("hold time: mean " + millis(this.meanHoldTime) + ", p95 "
				+ ((this.p95HoldTime != null) ? millis(this.p95HoldTime) : "not measured (the mean is used)"));
		lines.add("demand (Little's law): " + format(this.acquisitionsPerSecond, 1) + "/s x " + format(mean, 4) + " s = "
				+ format(this.meanDemand, 2) + " connections busy on average");
		double slow = (this.p95HoldTime != null) ? Math.max(this.p95HoldTime.toNanos() / 1e9, mean) : mean;
		lines.add("with headroom: " + format(this.acquisitionsPerSecond, 1) + "/s x " + format(slow, 4) + " s (p95) + "
				+ format(this.meanWaitingThreads, 1) + " waiting threads (mean; max " + this.maxWaitingThreads + ") = "
				+ format(this.demandWithHeadroom + this.meanWaitingThreads, 2) + ", rounded up: " + this.neededConnections);
		lines.add("recommended: " + this.recommendedConnectionLimit + ((this.connectionBudget != null)
				? " (within the budget of " + this.connectionBudget + ")" : " (budget unknown: not capped)")
				+ ", connection-limit now " + this.connectionLimit);
		return lines;
	}

	private static String millis(Duration duration) {
		return format(duration.toNanos() / 1e6, 1) + " ms";
	}

	private static String format(double value, int decimals) {
		return String.format(Locale.ROOT, "%." + decimals + "f", value);
	}

	/**
	 * The advice as the actuator shows it.
	 * @return the advice as a map
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		putIfNotNull(map, "recommendedConnectionLimit", this.recommendedConnectionLimit);
		if (this.connectionLimit > 0) {
			map.put("connectionLimit", this.connectionLimit);
		}
		putIfNotNull(map, "connectionBudget", this.connectionBudget);
		map.put("cappedByBudget", cappedByBudget());
		map.put("reason", this.reason);
		map.put("from", this.from.toString());
		map.put("to", this.to.toString());
		if (this.neededConnections != null) {
			map.put("acquisitions", this.acquisitions);
			map.put("acquisitionsPerSecond", round(this.acquisitionsPerSecond, 2));
			map.put("meanHoldTimeMillis", round(this.meanHoldTime.toNanos() / 1e6, 2));
			putIfNotNull(map, "p95HoldTimeMillis",
					(this.p95HoldTime != null) ? round(this.p95HoldTime.toNanos() / 1e6, 2) : null);
			map.put("meanWaitingThreads", round(this.meanWaitingThreads, 2));
			map.put("maxWaitingThreads", this.maxWaitingThreads);
			map.put("meanDemand", round(this.meanDemand, 2));
			map.put("demandWithHeadroom", round(this.demandWithHeadroom, 2));
			map.put("neededConnections", this.neededConnections);
			map.put("arithmetic", arithmeticLines());
		}
		return Collections.unmodifiableMap(map);
	}

	private static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

	private static void putIfNotNull(Map<String, Object> map, String key, Object value) {
		if (value != null) {
			map.put(key, value);
		}
	}

	@Override
	public String toString() {
		return (this.recommendedConnectionLimit != null)
				? "recommended connection-limit " + this.recommendedConnectionLimit + ": " + this.reason : this.reason;
	}

	private static final class Builder {

		private final Instant from;

		private final Instant to;

		private final int connectionLimit;

		private final Integer connectionBudget;

		private long acquisitions;

		private double acquisitionsPerSecond;

		private Duration meanHoldTime;

		private Duration p95HoldTime;

		private double meanWaitingThreads;

		private int maxWaitingThreads;

		private double meanDemand;

		private double demandWithHeadroom;

		private Integer neededConnections;

		private Integer recommendedConnectionLimit;

		private String reason;

		Builder(Instant from, Instant to, int connectionLimit, Integer connectionBudget) {
			this.from = from;
			this.to = to;
			this.connectionLimit = connectionLimit;
			this.connectionBudget = connectionBudget;
		}

	}

}
