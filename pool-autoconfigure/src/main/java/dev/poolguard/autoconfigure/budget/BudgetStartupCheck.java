package dev.poolguard.autoconfigure.budget;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties.BudgetMode;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;

/**
 * Checks the connection budget as soon as PoolGuard has guarded the pool, before it
 * starts: before the pool's minimum-idle connections, Flyway or any other early user can
 * fill the server, so that the check's own connection finds the server as the pool will.
 * With {@code poolguard.budget.mode=fail} an {@link BudgetVerdict#OVER} or
 * {@link BudgetVerdict#FULL} verdict stops startup; with {@code warn} it is logged as one
 * warning line.
 *
 * <p>
 * A database that is down does not hold startup: the check waits at most
 * {@link #STARTUP_WAIT} (a refused connection answers at once), startup goes on with an
 * {@link BudgetVerdict#UNKNOWN} verdict, and the verdict is logged when the server's
 * limits are first read. Startup can no longer be stopped then, so an over-budget pool
 * found late is a warning in both modes.
 *
 * @author PoolGuard
 */
final class BudgetStartupCheck implements BeanPostProcessor, Ordered {

	private static final Log logger = LogFactory.getLog(BudgetStartupCheck.class);

	/** Enough for a server that answers, short enough not to matter when none does. */
	static final Duration STARTUP_WAIT = Duration.ofSeconds(ServerLimitsReader.CONNECT_TIMEOUT_SECONDS + 1);

	private final ObjectProvider<ConnectionBudgets> budgets;

	private final ObjectProvider<TunedPools> pools;

	private final BudgetMode mode;

	/** Per server: whether the verdict was logged, and whether startup went past the check. */
	private final Map<ConnectionBudget, Announcement> announcements = new ConcurrentHashMap<>();

	BudgetStartupCheck(ObjectProvider<ConnectionBudgets> budgets, ObjectProvider<TunedPools> pools, BudgetMode mode) {
		this.budgets = budgets;
		this.pools = pools;
		this.mode = mode;
	}

	/**
	 * Checks the budget of each pool's server as the pool is guarded. A server that
	 * several pools share is checked again as each joins, so that the last check adds
	 * them all up.
	 */
	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		TunedPool pool = tunedPool(bean, beanName);
		if (pool != null) {
			ConnectionBudgets budgets = this.budgets.getIfAvailable();
			ConnectionBudget budget = (budgets != null) ? budgets.of(pool) : null;
			if (budget != null && budget.applies()) {
				check(budget);
			}
		}
		return bean;
	}

	private TunedPool tunedPool(Object bean, String beanName) {
		if (!(bean instanceof HikariDataSource)) {
			return null;
		}
		TunedPools pools = this.pools.getIfAvailable();
		TunedPool pool = (pools != null) ? pools.get(beanName) : null;
		return (pool != null && pool.dataSource() == bean) ? pool : null;
	}

	private void check(ConnectionBudget budget) {
		Announcement announcement = new Announcement();
		this.announcements.put(budget, announcement);
		budget.whenFirstKnown((report) -> announceLater(announcement, report));
		BudgetReport report = budget.check(STARTUP_WAIT);
		if (report.verdict() == BudgetVerdict.UNKNOWN) {
			logger.info(report.summary() + " Startup goes on; the budget is checked again in the background.");
			announcement.startupDone = true;
			// The limits may have arrived between the check's timeout and now.
			BudgetReport latest = budget.report();
			if (latest.verdict() != BudgetVerdict.UNKNOWN) {
				announceLater(announcement, latest);
			}
			return;
		}
		announcement.announced.set(true);
		announcement.startupDone = true;
		if (report.verdict().isOverBudget() && this.mode == BudgetMode.FAIL) {
			throw new ConnectionBudgetExceededException(report);
		}
		log(report, "");
	}

	private void announceLater(Announcement announcement, BudgetReport report) {
		if (announcement.startupDone && announcement.announced.compareAndSet(false, true)) {
			log(report, (report.verdict().isOverBudget() && this.mode == BudgetMode.FAIL)
					? " Startup was not stopped (poolguard.budget.mode=fail) because the server could not be reached then."
					: "");
		}
	}

	private static void log(BudgetReport report, String suffix) {
		if (report.verdict().isOverBudget()) {
			logger.warn(report.summary() + suffix);
		}
		else {
			logger.info(report.summary());
		}
	}

	private static final class Announcement {

		private final AtomicBoolean announced = new AtomicBoolean();

		private volatile boolean startupDone;

	}

	@Override
	public int getOrder() {
		// After the guarding post-processor has put PoolGuard's pool in place.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
