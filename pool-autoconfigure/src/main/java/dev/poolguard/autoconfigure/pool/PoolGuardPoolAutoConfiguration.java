package dev.poolguard.autoconfigure.pool;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that tunes Spring Boot's HikariCP pool for PostgreSQL from
 * {@code poolguard.*} properties, before the pool starts.
 *
 * @author PoolGuard
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnBooleanProperty(name = "poolguard.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PoolGuardProperties.class)
public final class PoolGuardPoolAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TunedPools poolGuardTunedPools() {
		return new TunedPools();
	}

	@Bean
	static PoolNamesCheck poolGuardPoolNamesCheck(Environment environment, ListableBeanFactory beanFactory) {
		return new PoolNamesCheck(environment, beanFactory);
	}

	@Bean
	static PoolTuningPostProcessor poolGuardPoolTuningPostProcessor(ObjectProvider<PoolGuardProperties> properties,
			Environment environment, ObjectProvider<TunedPools> tunedPools) {
		return new PoolTuningPostProcessor(properties, environment, tunedPools);
	}

}
