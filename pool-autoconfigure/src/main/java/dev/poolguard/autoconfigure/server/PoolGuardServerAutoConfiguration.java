package dev.poolguard.autoconfigure.server;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.pool.TunedPools;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@link ServerObservers}, which the health component, the
 * endpoint and the server metrics share.
 *
 * @author PoolGuard
 */
@AutoConfiguration(after = PoolGuardPoolAutoConfiguration.class)
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnBooleanProperty(name = "poolguard.enabled", matchIfMissing = true)
@ConditionalOnBean(TunedPools.class)
public final class PoolGuardServerAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ServerObservers poolGuardServerObservers() {
		return new ServerObservers();
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "poolguard.server-metrics.enabled", matchIfMissing = true)
	SmartInitializingSingleton poolGuardServerSampling(ServerObservers observers, TunedPools pools,
			PoolGuardProperties properties) {
		// Started once every singleton exists, so every pool is tuned, and the observers'
		// threads never create beans.
		return () -> pools.all()
			.forEach((pool) -> observers.of(pool).sampleEvery(properties.getServerMetrics().getInterval()));
	}

}
