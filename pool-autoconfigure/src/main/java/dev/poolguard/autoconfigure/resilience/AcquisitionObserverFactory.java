package dev.poolguard.autoconfigure.resilience;

/**
 * Makes the {@link AcquisitionObserver} of a pool, when PoolGuard guards it; beans of
 * this type are picked up by the auto-configuration.
 *
 * @author PoolGuard
 */
@FunctionalInterface
public interface AcquisitionObserverFactory {

	/**
	 * Makes the observer of a pool.
	 * @param poolName the pool's name, which metrics use as their {@code pool} tag
	 * @return the observer
	 */
	AcquisitionObserver create(String poolName);

}
