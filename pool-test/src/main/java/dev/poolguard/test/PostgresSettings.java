package dev.poolguard.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Server settings for the {@link PostgresServer} that {@link PostgresExtension} injects into this
 * test class (and its {@code @Nested} classes): the shared server with exactly these settings.
 * Registers the extension, so {@code @ExtendWith(PostgresExtension.class)} is optional.
 *
 * <pre>{@code
 * @PostgresSettings({"max_connections=20", "idle_session_timeout=5s"})
 * class BudgetTest { ... }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PostgresExtension.class)
public @interface PostgresSettings {

	/** {@code name=value} pairs, e.g. {@code "max_connections=20"}. */
	String[] value();
}
