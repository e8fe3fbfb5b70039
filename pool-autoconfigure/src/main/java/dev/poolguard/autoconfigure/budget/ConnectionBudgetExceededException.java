package dev.poolguard.autoconfigure.budget;

/**
 * Thrown at startup with {@code poolguard.budget.mode=fail} when the pool can open more
 * connections than this instance's share of the server's.
 *
 * @author PoolGuard
 */
class ConnectionBudgetExceededException extends RuntimeException {

	private final transient BudgetReport report;

	ConnectionBudgetExceededException(BudgetReport report) {
		super(report.summary());
		this.report = report;
	}

	BudgetReport getReport() {
		return this.report;
	}

}
