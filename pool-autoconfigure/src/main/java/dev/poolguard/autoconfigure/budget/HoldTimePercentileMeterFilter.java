package dev.poolguard.autoconfigure.budget;

import java.time.Duration;
import java.util.Arrays;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Adds the 95th percentile to HikariCP's hold-time timer ({@code hikaricp.connections.usage}),
 * computed over the advisor's window, so that the {@link SizingAdvisor} can size for the
 * slow end of the hold times and not only their mean. HikariCP registers the timer without
 * any percentile. Percentiles the application configured are kept, and so are its expiry
 * and buffer length when it set them; the percentile is also exported, for instance as
 * {@code hikaricp_connections_usage_seconds{quantile="0.95"}} in Prometheus.
 *
 * @author PoolGuard
 */
final class HoldTimePercentileMeterFilter implements MeterFilter {

	static final String HOLD_TIME_METER = "hikaricp.connections.usage";

	static final double PERCENTILE = 0.95;

	private final Duration window;

	HoldTimePercentileMeterFilter(Duration window) {
		this.window = window;
	}

	@Override
	public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
		if (!HOLD_TIME_METER.equals(id.getName())) {
			return config;
		}
		double[] percentiles = (config.getPercentiles() != null) ? config.getPercentiles() : new double[0];
		if (Arrays.stream(percentiles).noneMatch((percentile) -> percentile == PERCENTILE)) {
			percentiles = Arrays.copyOf(percentiles, percentiles.length + 1);
			percentiles[percentiles.length - 1] = PERCENTILE;
		}
		DistributionStatisticConfig.Builder ours = DistributionStatisticConfig.builder().percentiles(percentiles);
		if (config.getPercentilePrecision() == null) {
			// Micrometer's default of one significant digit turns 60 ms into anything from 55 to 65.
			ours.percentilePrecision(2);
		}
		if (config.getExpiry() == null) {
			ours.expiry(this.window);
		}
		if (config.getBufferLength() == null) {
			ours.bufferLength(3);
		}
		return ours.build().merge(config);
	}

}
