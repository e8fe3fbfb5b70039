package dev.poolguard.autoconfigure.budget;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;

import org.springframework.beans.factory.DisposableBean;

/**
 * One {@link ConnectionBudget} per server this instance's pools reach: pools that log in
 * to the same host and port, database and role are added up against that server's
 * limits, since together they are what one instance takes of it (seed 002: an API pool
 * and a scripts pool on one server fit each alone, and not together).
 *
 * @author PoolGuard
 */
public final class ConnectionBudgets implements DisposableBean {

	private final Supplier<TunedPools> tunedPools;

	private final PoolGuardProperties properties;

	private final Map<String, ConnectionBudget> byServer = new ConcurrentHashMap<>();

	private final ConnectionBudget main;

	/**
	 * Creates the budgets of an application's pools.
	 * @param tunedPools the pools PoolGuard tuned, or a supplier of {@code null}
	 * @param properties PoolGuard's configuration, for {@code instances} and
	 * {@code reserved-connections}
	 */
	public ConnectionBudgets(Supplier<TunedPools> tunedPools, PoolGuardProperties properties) {
		this.tunedPools = tunedPools;
		this.properties = properties;
		this.main = ConnectionBudget.forServer(() -> {
			TunedPool main = mainPool();
			return (main != null) ? poolsOn(serverOf(main)) : List.of();
		}, properties);
	}

	/**
	 * The budget of the main pool's server: Spring Boot's pool ({@code dataSource}) when
	 * PoolGuard tuned it, else the first pool by name.
	 * @return the budget, which applies to nothing when PoolGuard tuned no pool
	 */
	public ConnectionBudget main() {
		return this.main;
	}

	/**
	 * The budget a pool counts in, shared with the other pools on its server.
	 * @param pool a pool PoolGuard tuned
	 * @return its server's budget
	 */
	public ConnectionBudget of(TunedPool pool) {
		String server = serverOf(pool);
		TunedPool main = mainPool();
		if (main != null && server.equals(serverOf(main))) {
			return this.main;
		}
		return this.byServer.computeIfAbsent(server,
				(key) -> ConnectionBudget.forServer(() -> poolsOn(key), this.properties));
	}

	/**
	 * Every server's budget, in the order of the pools' names.
	 * @return the budgets
	 */
	public List<ConnectionBudget> all() {
		Set<ConnectionBudget> all = new LinkedHashSet<>();
		pools().forEach((pool) -> all.add(of(pool)));
		return List.copyOf(all);
	}

	/**
	 * The most connections a pool may have: its server's budget less what the other
	 * pools on that server may open.
	 * @param pool a pool PoolGuard tuned
	 * @return the ceiling, or empty when the server's limits are not known
	 */
	public OptionalInt ceilingOf(TunedPool pool) {
		ConnectionBudget budget = of(pool);
		Integer connections = budget.report().connectionBudget();
		if (connections == null) {
			return OptionalInt.empty();
		}
		int others = budget.pools()
			.stream()
			.filter((other) -> other != pool)
			.mapToInt((other) -> other.dataSource().getMaximumPoolSize())
			.sum();
		return OptionalInt.of(Math.max(0, connections - others));
	}

	private TunedPool mainPool() {
		List<TunedPool> all = pools();
		return all.stream().filter((pool) -> "dataSource".equals(pool.name())).findFirst()
			.orElse(all.isEmpty() ? null : all.get(0));
	}

	private List<TunedPool> pools() {
		TunedPools pools = this.tunedPools.get();
		return (pools != null) ? pools.all() : List.of();
	}

	private List<TunedPool> poolsOn(String server) {
		return pools().stream().filter((pool) -> server.equals(serverOf(pool))).toList();
	}

	/**
	 * What makes two pools share limits: the hosts and ports, the database and the role
	 * they log in as. Two names for one host are two servers here.
	 */
	static String serverOf(TunedPool pool) {
		String url = Objects.toString(pool.dataSource().getJdbcUrl(), "");
		int query = url.indexOf('?');
		String address = ((query < 0) ? url : url.substring(0, query)).toLowerCase(Locale.ROOT);
		String hosts = address;
		String database = "";
		int slashes = address.indexOf("//");
		if (slashes >= 0) {
			int path = address.indexOf('/', slashes + 2);
			hosts = (path < 0) ? address.substring(slashes + 2) : address.substring(slashes + 2, path);
			database = (path < 0) ? "" : address.substring(path + 1);
			hosts = String.join(",", java.util.Arrays.stream(hosts.split(","))
				.map((host) -> (host.lastIndexOf(':') > host.lastIndexOf(']')) ? host : host + ":5432")
				.toList());
		}
		return hosts + "/" + database + " as " + pool.dataSource().getUsername();
	}

	@Override
	public void destroy() {
		this.main.destroy();
		this.byServer.values().forEach(ConnectionBudget::destroy);
	}

}
