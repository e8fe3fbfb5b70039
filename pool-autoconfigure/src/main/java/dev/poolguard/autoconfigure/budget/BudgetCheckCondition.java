package dev.poolguard.autoconfigure.budget;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the connection budget is to be checked: {@code poolguard.budget.mode} is
 * not {@code off}, or {@code poolguard.verify=true} asks for the check explicitly.
 *
 * @author PoolGuard
 */
class BudgetCheckCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		if ("true".equalsIgnoreCase(environment.getProperty("poolguard.verify", "false").trim())) {
			return ConditionOutcome.match("poolguard.verify=true");
		}
		String mode = environment.getProperty("poolguard.budget.mode", "warn").trim();
		if ("off".equalsIgnoreCase(mode)) {
			return ConditionOutcome.noMatch("poolguard.budget.mode=off");
		}
		return ConditionOutcome.match("poolguard.budget.mode=" + mode);
	}

}
