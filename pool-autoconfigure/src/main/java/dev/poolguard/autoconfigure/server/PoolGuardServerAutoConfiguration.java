package dev.poolguard.autoconfigure.server;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.pool.EffectivePoolSettings;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.pool.TunedPools;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@link ServerObserver}, which the health component, the
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
	ServerObserver poolGuardServerObserver(ObjectProvider<DataSource> dataSource, TunedPools tunedPools) {
		return new ServerObserver(() -> DataSourceUnwrapper.unwrap(dataSource.getIfAvailable(), HikariDataSource.class),
				() -> {
					EffectivePoolSettings settings = tunedPools.settingsOf("dataSource");
					return (settings != null) ? settings.applicationName() : null;
				});
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "poolguard.server-metrics.enabled", matchIfMissing = true)
	SmartInitializingSingleton poolGuardServerSampling(ServerObserver observer, PoolGuardProperties properties) {
		// Started once every singleton exists, so the observer's thread never creates beans.
		return () -> observer.sampleEvery(properties.getServerMetrics().getInterval());
	}

}
