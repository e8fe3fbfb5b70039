/**
 * PoolGuard's test kit: a real PostgreSQL for JUnit 5 tests and real network faults in front of it.
 *
 * <ul>
 * <li>{@link dev.poolguard.test.PostgresServers} hands out servers (embedded, Testcontainers or
 * external, chosen once per JVM);</li>
 * <li>{@link dev.poolguard.test.PostgresExtension} and {@link dev.poolguard.test.PostgresSettings}
 * inject them into tests;</li>
 * <li>{@link dev.poolguard.test.NetworkFault} puts a TCP proxy in front of one that can blackhole,
 * slow down or reset the network.</li>
 * </ul>
 */
package dev.poolguard.test;
