package dev.poolguard.autoconfigure.budget;

import dev.poolguard.autoconfigure.pool.TunedPool;
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

	private final ObjectProvider<ConnectionBudgets> budgets;

	BudgetMeterBinder(ObjectProvider<ConnectionBudgets> budgets) {
		this.budgets = budgets;
	}

	/**
	 * One gauge per pool. Pools that share a server show the same budget, which they
	 * share: compare it with the sum of their {@code hikaricp.connections.max}.
	 */
	@Override
	public void bindTo(MeterRegistry registry) {
		ConnectionBudgets budgets = this.budgets.getIfAvailable();
		if (budgets == null) {
			return;
		}
		for (ConnectionBudget budget : budgets.all()) {
			for (TunedPool pool : budget.pools()) {
				Gauge.builder(METER_NAME, budget, BudgetMeterBinder::connections)
					.tag("pool", pool.dataSource().getPoolName())
					.description("Connections this instance may open on the database server: its share of the "
							+ "server's limits, shared by its pools on that server")
					.baseUnit("connections")
					.strongReference(true)
					.register(registry);
			}
		}
	}

	private static double connections(ConnectionBudget budget) {
		Integer connections = budget.report().connectionBudget();
		return (connections != null) ? connections : Double.NaN;
	}

}
