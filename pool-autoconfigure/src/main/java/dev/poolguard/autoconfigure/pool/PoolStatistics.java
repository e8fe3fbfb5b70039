package dev.poolguard.autoconfigure.pool;

import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * What a pool is doing right now, read from HikariCP's counters without touching a
 * connection.
 *
 * @param name the pool's name
 * @param started whether the pool has started
 * @param active connections lent out
 * @param idle connections waiting in the pool
 * @param pending threads waiting for a connection
 * @param total connections open
 * @param max the pool's maximum size
 * @author PoolGuard
 */
public record PoolStatistics(String name, boolean started, int active, int idle, int pending, int total, int max) {

	/**
	 * Reads a pool's counters.
	 * @param pool the pool
	 * @return its statistics
	 */
	public static PoolStatistics of(HikariDataSource pool) {
		HikariPoolMXBean counters = pool.getHikariPoolMXBean();
		if (counters == null) {
			return new PoolStatistics(pool.getPoolName(), false, 0, 0, 0, 0, pool.getMaximumPoolSize());
		}
		return new PoolStatistics(pool.getPoolName(), true, counters.getActiveConnections(),
				counters.getIdleConnections(), counters.getThreadsAwaitingConnection(),
				counters.getTotalConnections(), pool.getMaximumPoolSize());
	}

	/**
	 * The share of the pool lent out.
	 * @return active connections over the maximum size, from 0 to 1
	 */
	public double utilization() {
		return (this.max > 0) ? (double) this.active / this.max : 0;
	}

	/**
	 * The statistics as the actuator shows them.
	 * @param saturationThreshold the utilisation from which the pool counts as saturated
	 * @return the statistics as a map
	 */
	public Map<String, Object> toMap(double saturationThreshold) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", this.name);
		map.put("started", this.started);
		map.put("active", this.active);
		map.put("idle", this.idle);
		map.put("pending", this.pending);
		map.put("total", this.total);
		map.put("max", this.max);
		map.put("utilisation", Math.round(utilization() * 1000) / 1000.0);
		map.put("saturated", utilization() >= saturationThreshold);
		return map;
	}

}
