package dev.poolguard.autoconfigure.resilience;

import dev.poolguard.autoconfigure.pool.TunedPool;

/**
 * Makes the Resilience4j instances that guard a pool; the auto-configuration's takes them
 * from Resilience4j's registries when the application has them. Define a bean of this
 * type to guard pools with instances of your own.
 *
 * @author PoolGuard
 */
@FunctionalInterface
public interface AcquisitionResilienceFactory {

	/**
	 * Makes the instances of a pool.
	 * @param pool the pool, for its name ({@link TunedPool#instanceName()}) and settings
	 * @return the instances
	 */
	AcquisitionResilience create(TunedPool pool);

}
