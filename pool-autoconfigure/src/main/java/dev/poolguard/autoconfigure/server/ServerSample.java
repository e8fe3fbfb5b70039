package dev.poolguard.autoconfigure.server;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's client connections at one moment, from {@code pg_stat_activity}, by state
 * ({@code active}, {@code idle}, {@code idle in transaction}, ...).
 *
 * @param application this application's pool connections (all its instances)
 * @param poolGuard PoolGuard's own side connections (all instances), this sample's
 * included
 * @param others everybody else's connections
 * @param maxConnections the server's {@code max_connections}
 * @param sampledAt when the sample was taken
 * @author PoolGuard
 */
public record ServerSample(Map<String, Long> application, Map<String, Long> poolGuard, Map<String, Long> others,
		int maxConnections,
		Instant sampledAt) {

	/**
	 * Connections in all states.
	 * @param byState connections by state
	 * @return their number
	 */
	public static long total(Map<String, Long> byState) {
		return byState.values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * The sample as the actuator endpoint shows it.
	 * @return the sample as a map
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("application", Map.of("total", total(this.application), "byState", this.application));
		map.put("poolguard", Map.of("total", total(this.poolGuard), "byState", this.poolGuard));
		map.put("others", Map.of("total", total(this.others), "byState", this.others));
		map.put("total", total(this.application) + total(this.poolGuard) + total(this.others));
		map.put("maxConnections", this.maxConnections);
		map.put("sampledAt", this.sampledAt.toString());
		return map;
	}

}
