package dev.poolguard.autoconfigure.budget;

/**
 * How the pool's connection limit compares with this instance's share of the server's
 * connections.
 *
 * @author PoolGuard
 */
public enum BudgetVerdict {

	/** The pool uses at most 80 % of the budget. */
	OK,

	/**
	 * The pool fits but uses more than 80 % of the budget: a rolling deployment that runs
	 * one instance more, or one more client, can exhaust the server.
	 */
	TIGHT,

	/**
	 * The pool can open more connections than this instance's share: under load the
	 * server refuses connections with {@code 53300 too many connections}.
	 */
	OVER,

	/**
	 * The server refused PoolGuard's own connection with {@code 53300}: it is reachable,
	 * and has no free slot for this application, whose pool will wait for others to
	 * leave.
	 */
	FULL,

	/** The server's limits could not be read (yet). */
	UNKNOWN;

	/**
	 * Whether a deployment may go ahead with this verdict: {@link #OK} and
	 * {@link #TIGHT} pass, {@link #OVER}, {@link #FULL} and {@link #UNKNOWN} do not.
	 * @return whether the verdict passes
	 */
	public boolean passes() {
		return this == OK || this == TIGHT;
	}

	/**
	 * Whether the verdict says the pool does not fit the server, with figures the server
	 * gave: what {@code poolguard.budget.mode=fail} refuses and {@code warn} warns about.
	 * @return whether the pool does not fit
	 */
	public boolean isOverBudget() {
		return this == OVER || this == FULL;
	}

}
