package dev.poolguard.autoconfigure.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardConfigurationException;
import dev.poolguard.autoconfigure.PoolGuardConfigurationException.Problem;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.Environment;

/**
 * Applies PoolGuard's settings to Spring Boot's {@link HikariDataSource} before the pool
 * starts. It runs after configuration property binding and after Boot has applied any
 * {@code JdbcConnectionDetails}, so it sees the URL and the settings Boot will use.
 *
 * @author PoolGuard
 */
final class PoolTuningPostProcessor implements BeanPostProcessor, PriorityOrdered {

	private static final Log logger = LogFactory.getLog(PoolTuningPostProcessor.class);

	private final ObjectProvider<PoolGuardProperties> properties;

	private final Environment environment;

	private final ObjectProvider<TunedPools> tunedPools;

	private final AtomicBoolean replicaChecked = new AtomicBoolean();

	PoolTuningPostProcessor(ObjectProvider<PoolGuardProperties> properties, Environment environment,
			ObjectProvider<TunedPools> tunedPools) {
		this.properties = properties;
		this.environment = environment;
		this.tunedPools = tunedPools;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && pool.getHikariPoolMXBean() == null) {
			tune(pool, beanName);
		}
		return bean;
	}

	private void tune(HikariDataSource pool, String beanName) {
		if (!PostgresUrls.isPostgres(pool.getJdbcUrl())) {
			logger.info("PoolGuard backs off: the data source is not PostgreSQL ("
					+ PostgresUrls.describe(pool.getJdbcUrl()) + "); the pool keeps Spring Boot's settings.");
			return;
		}
		// The bean first: a value that does not bind fails there, named as written.
		this.properties.getObject();
		Binder binder = Binder.get(this.environment);
		PoolGuardProperties properties = PerPoolProperties.bind(binder, beanName);
		if (!properties.isEnabled()) {
			logger.info("PoolGuard leaves pool '" + beanName + "' as it was built ("
					+ PerPoolProperties.property(beanName, "enabled") + "=false).");
			return;
		}
		List<Problem> problems = new ArrayList<>();
		EffectivePoolSettings settings = new PoolSettingsResolver(binder, beanName).resolve(properties, pool, problems);
		problems.addAll(UnknownProperties.find(this.environment));
		PoolGuardConfigurationValidator.validate(settings, properties, problems,
				(key) -> PerPoolProperties.isSet(binder, beanName, key) ? PerPoolProperties.property(beanName, key)
						: PoolGuardProperties.PREFIX + "." + key);
		if (this.replicaChecked.compareAndSet(false, true)) {
			PoolGuardConfigurationValidator.validateReplica(properties.getReplica(), problems);
		}
		if (!problems.isEmpty()) {
			throw new PoolGuardConfigurationException(problems);
		}
		apply(settings, pool);
		if (pool.getPoolName() == null) {
			// Named after its bean, so that HikariCP's metrics and PoolGuard's share one
			// "pool" tag that is known before the pool starts.
			pool.setPoolName(beanName);
		}
		// Built before the pooler's and the primary's settings: PoolGuard's own connections
		// never prepare statements, and the health probe must reach a read-only server to
		// say that it is one.
		SideConnections sideConnections = new SideConnections(pool, settings.applicationName());
		Pooler pooler = PoolerDetection.of(properties.getPooler(), sideConnections);
		settings = ServerExpectations.fitToPooler(pooler, settings, pool, problems);
		boolean primaryExpected = ServerExpectations.primaryExpected(properties, pool, problems);
		if (!problems.isEmpty()) {
			throw new PoolGuardConfigurationException(problems);
		}
		TunedPool tuned = new TunedPool(beanName, settings, pool, sideConnections, pooler, primaryExpected,
				properties);
		this.tunedPools.ifAvailable((pools) -> pools.add(tuned));
		EffectiveSetting applicationName = settings.get(PoolSetting.APPLICATION_NAME);
		if (PoolSettingsResolver.GENERATED_ORIGIN.equals(applicationName.origin())) {
			logger.info("PoolGuard named this application's connections '" + applicationName.value()
					+ "' in pg_stat_activity because spring.application.name is not set; set it (or "
					+ "poolguard.application-name) to a name of your own.");
		}
		logger.info("PoolGuard tuned pool " + (PoolSettingsResolver.SPRING_BOOT_POOL.equals(beanName) ? "" : "'" + beanName + "' ")
				+ "to " + PostgresUrls.describe(pool.getJdbcUrl()) + ": "
				+ settings.all()
					.stream()
					.filter((setting) -> setting.value() != null)
					.map((setting) -> setting.property().substring(PoolGuardProperties.PREFIX.length() + 1) + "="
							+ setting.displayValue())
					.collect(Collectors.joining(", "))
				+ "; pooler: " + pooler.describe() + (primaryExpected ? "; a primary is expected" : ""));
	}

	private static void apply(EffectivePoolSettings settings, HikariDataSource pool) {
		for (PoolSetting setting : PoolSetting.values()) {
			Object value = settings.get(setting).value();
			if (setting.isHikariSetting()) {
				setting.applyToHikari(pool, value);
			}
			else if (value != null) {
				pool.addDataSourceProperty(setting.driverProperty(), setting.toDriver(value));
			}
		}
		settings.driverProperties().forEach((key, setting) -> pool.addDataSourceProperty(key, setting.value()));
	}

	@Override
	public int getOrder() {
		// After ConfigurationPropertiesBindingPostProcessor and Boot's
		// JdbcConnectionDetailsBeanPostProcessor (HIGHEST_PRECEDENCE + 2).
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

}
