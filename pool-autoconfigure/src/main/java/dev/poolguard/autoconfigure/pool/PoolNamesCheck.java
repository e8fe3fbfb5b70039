package dev.poolguard.autoconfigure.pool;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

/**
 * Warns, once the context has made its beans, about {@code poolguard.pools.<name>} groups
 * that name no {@code DataSource} bean: a misspelt pool name would otherwise leave the
 * settings meant for that pool unused without a word.
 *
 * @author PoolGuard
 */
final class PoolNamesCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(PoolNamesCheck.class);

	private final Environment environment;

	private final ListableBeanFactory beanFactory;

	PoolNamesCheck(Environment environment, ListableBeanFactory beanFactory) {
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Set<String> configured = ConfiguredKeys.under(this.environment, PoolGuardProperties.PREFIX + ".pools");
		if (configured.isEmpty()) {
			return;
		}
		List<String> beans = Arrays.asList(this.beanFactory.getBeanNamesForType(DataSource.class, false, false));
		for (String name : configured) {
			if (beans.stream().noneMatch((bean) -> loose(bean).equals(loose(name)))) {
				logger.warn("PoolGuard found no DataSource bean named '" + name + "', so the settings under "
						+ PoolGuardProperties.PREFIX + ".pools." + name + " are not used; its pools are named "
						+ beans + ".");
			}
		}
	}

	private static String loose(String name) {
		return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

}
