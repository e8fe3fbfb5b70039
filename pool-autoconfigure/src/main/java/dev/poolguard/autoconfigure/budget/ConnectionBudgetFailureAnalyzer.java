package dev.poolguard.autoconfigure.budget;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an over-budget pool into a startup report: the settings, the server's numbers,
 * the arithmetic, the recommended connection limit and the property to change.
 *
 * @author PoolGuard
 */
class ConnectionBudgetFailureAnalyzer extends AbstractFailureAnalyzer<ConnectionBudgetExceededException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConnectionBudgetExceededException cause) {
		BudgetReport report = cause.getReport();
		String action = report.fix() + "\n\nTo start anyway, set poolguard.budget.mode=warn. "
				+ "How the budget is computed: docs/sizing.md";
		return new FailureAnalysis(report.table(), action, cause);
	}

}
