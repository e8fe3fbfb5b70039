package dev.poolguard.autoconfigure.budget;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.poolguard.autoconfigure.PoolGuardProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;

/**
 * {@code --poolguard.verify=true}: once the context is refreshed, and before the
 * application's own runners, prints the budget report and exits with 0 when the verdict
 * passes ({@link BudgetVerdict#OK}, {@link BudgetVerdict#TIGHT}) and 1 when it does not
 * ({@link BudgetVerdict#OVER}, {@link BudgetVerdict#UNKNOWN}), whatever
 * {@code poolguard.budget.mode} says. A deployment pipeline runs the application's own
 * jar against the real server this way before it deploys.
 *
 * @author PoolGuard
 * @see VerifyModeEnvironmentPostProcessor
 */
final class BudgetVerification implements ApplicationListener<ApplicationStartedEvent> {

	/**
	 * Attempts to read the server's limits before the verdict is UNKNOWN: a pipeline gate
	 * can afford a few seconds more than a failed deploy, and a loaded build agent can
	 * miss one connection timeout.
	 */
	static final int ATTEMPTS = 3;

	private static final long PAUSE_BETWEEN_ATTEMPTS_MILLIS = 1000;

	/** Long enough for every timeout of the limits' connection to play out. */
	static final Duration VERIFY_WAIT = Duration
		.ofSeconds(ServerLimitsReader.CONNECT_TIMEOUT_SECONDS + 2L * dev.poolguard.autoconfigure.pool.SideConnections.READ_TIMEOUT_SECONDS + 1);

	private final Supplier<List<ConnectionBudget>> budgets;

	private final PoolGuardProperties properties;

	private final PrintStream out;

	private final IntConsumer exit;

	BudgetVerification(ObjectProvider<ConnectionBudget> budget, PoolGuardProperties properties) {
		this(budget, properties, System.out, System::exit);
	}

	BudgetVerification(ObjectProvider<ConnectionBudget> budget, PoolGuardProperties properties, PrintStream out,
			IntConsumer exit) {
		this(() -> budget.stream().toList(), properties, out, exit);
	}

	/**
	 * Verifies every server's budget: the application passes when each does.
	 */
	BudgetVerification(Supplier<List<ConnectionBudget>> budgets, PoolGuardProperties properties) {
		this(budgets, properties, System.out, System::exit);
	}

	BudgetVerification(Supplier<List<ConnectionBudget>> budgets, PoolGuardProperties properties, PrintStream out,
			IntConsumer exit) {
		this.budgets = budgets;
		this.properties = properties;
		this.out = out;
		this.exit = exit;
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		List<BudgetReport> reports = reports();
		boolean passes = reports.stream().allMatch((report) -> report.verdict().passes());
		int code = passes ? 0 : 1;
		for (BudgetReport report : reports) {
			this.out.println();
			this.out.println(report.table());
			if (report.verdict() == BudgetVerdict.OVER) {
				this.out.println();
				this.out.println("    Fix: " + report.fix());
			}
		}
		this.out.println();
		String verdict = (reports.size() == 1) ? reports.get(0).verdict().toString()
				: reports.stream().map((report) -> report.verdict().toString()).collect(Collectors.joining(", "))
						+ " (" + reports.size() + " servers)";
		this.out.println("PoolGuard verify: " + verdict + ", exit code " + code);
		this.out.flush();
		this.exit.accept(SpringApplication.exit(event.getApplicationContext(), () -> code));
	}

	private List<BudgetReport> reports() {
		List<ConnectionBudget> budgets = this.budgets.get();
		if (budgets.isEmpty()) {
			return List.of(report(null));
		}
		return budgets.stream().map(this::report).toList();
	}

	private BudgetReport report(ConnectionBudget budget) {
		if (budget == null) {
			return BudgetReport.unknown(
					new BudgetReport.Pool("no PostgreSQL DataSource", this.properties.getConnectionLimit(),
							PoolGuardProperties.PREFIX + ".connection-limit", this.properties.getInstances(),
							this.properties.getReservedConnections()),
					"The application has no single PostgreSQL DataSource for PoolGuard to verify.", null);
		}
		BudgetReport report = budget.check(VERIFY_WAIT);
		for (int attempt = 2; attempt <= ATTEMPTS && report.verdict() == BudgetVerdict.UNKNOWN; attempt++) {
			try {
				Thread.sleep(PAUSE_BETWEEN_ATTEMPTS_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return report;
			}
			report = budget.check(VERIFY_WAIT);
		}
		return report;
	}

}
