package dev.poolguard.autoconfigure.budget;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Publishes the per-instance connection budget as {@code poolguard.budget.connections},
 * so that an alert can compare {@code hikaricp.connections.max} with it. The gauge reads
 * the latest report and never waits for the server; it is {@code NaN} while the
 * server's limits are unknown.
 *
 * @author PoolGuard
 */
final class BudgetMeterBinder implements MeterBinder {

	static final String METER_NAME = "poolguard.budget.connections";

	private final ObjectProvider<ConnectionBudget> budget;

	BudgetMeterBinder(ObjectProvider<ConnectionBudget> budget) {
		this.budget = budget;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ConnectionBudget budget = this.budget.getIfAvailable();
		String pool = (budget != null) ? budget.poolName() : null;
		if (pool == null) {
			return;
		}
		Gauge.builder(METER_NAME, budget, BudgetMeterBinder::connections)
			.tag("pool", pool)
			.description("Connections this instance may open on the database server: its share of the server's limits")
			.baseUnit("connections")
			.strongReference(true)
			.register(registry);
	}

	private static double connections(ConnectionBudget budget) {
		Integer connections = budget.report().connectionBudget();
		return (connections != null) ? connections : Double.NaN;
	}

}
