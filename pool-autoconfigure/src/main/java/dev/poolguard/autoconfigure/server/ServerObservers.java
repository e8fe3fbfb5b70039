package dev.poolguard.autoconfigure.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.poolguard.autoconfigure.pool.TunedPool;

/**
 * One {@link ServerObserver} per tuned pool, made on first use, so that an application
 * whose pools PoolGuard did not tune opens no connection of PoolGuard's.
 *
 * @author PoolGuard
 */
public final class ServerObservers implements AutoCloseable {

	private final Map<String, ServerObserver> observers = new ConcurrentHashMap<>();

	/**
	 * The observer of a pool's server.
	 * @param pool the pool
	 * @return its observer
	 */
	public ServerObserver of(TunedPool pool) {
		return this.observers.computeIfAbsent(pool.name(), (name) -> new ServerObserver(pool.sideConnections()));
	}

	@Override
	public void close() {
		this.observers.values().forEach(ServerObserver::close);
	}

}
