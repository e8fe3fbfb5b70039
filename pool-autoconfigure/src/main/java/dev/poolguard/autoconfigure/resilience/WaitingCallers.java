package dev.poolguard.autoconfigure.resilience;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The callers inside HikariCP's {@code getConnection()}, so that they can be released at
 * once when the server can no longer be reached, instead of waiting out
 * {@code poolguard.pool-timeout} for a connection that cannot come.
 *
 * <p>
 * HikariCP offers no way to wake the threads waiting in its pool but an interrupt, so a
 * release interrupts them. Each caller has a state that the caller and the releaser
 * settle with one compare-and-set, so that an interrupt only ever reaches a thread still
 * inside the pool, and the released thread always clears it again on its way out.
 *
 * <p>
 * Entering and leaving cost one thread-local lookup and two writes to the caller's own
 * state: a shared structure written on every acquisition made the guard several times
 * as slow as the pool under contention. Each thread's state is registered once, weakly,
 * so threads that end (a virtual thread per request) leave nothing behind.
 *
 * @author PoolGuard
 */
final class WaitingCallers {

	private static final int OUTSIDE = 0;

	private static final int INSIDE = 1;

	private static final int RELEASING = 2;

	private static final int RELEASED = 3;

	private final Set<Reference<Caller>> registered = ConcurrentHashMap.newKeySet();

	private final ReferenceQueue<Caller> ended = new ReferenceQueue<>();

	private final ThreadLocal<Caller> current = ThreadLocal.withInitial(this::register);

	/**
	 * The calling thread enters the pool.
	 * @return what to give {@link #leave(Caller)}, or {@code null} when the thread is
	 * interrupted already (HikariCP fails it at once)
	 */
	Caller enter() {
		if (Thread.currentThread().isInterrupted()) {
			return null;
		}
		Caller caller = this.current.get();
		// No fence: a release racing with this store is repeated while the server
		// stays unreachable.
		caller.state.lazySet(INSIDE);
		return caller;
	}

	/**
	 * The calling thread is out of the pool again.
	 * @param caller what {@link #enter()} returned
	 * @return whether the thread was released while inside; its interrupt is then
	 * cleared
	 */
	boolean leave(Caller caller) {
		if (caller == null || caller.state.compareAndSet(INSIDE, OUTSIDE)) {
			return false;
		}
		while (caller.state.get() == RELEASING) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
		return true;
	}

	/**
	 * Releases every caller inside the pool.
	 * @return how many were released
	 */
	int releaseAll() {
		int released = 0;
		for (Reference<Caller> reference : this.registered) {
			Caller caller = reference.get();
			if (caller != null && caller.state.compareAndSet(INSIDE, RELEASING)) {
				HikariBehaviour.release(caller.thread);
				caller.state.set(RELEASED);
				released++;
			}
		}
		return released;
	}

	private Caller register() {
		for (Reference<? extends Caller> gone = this.ended.poll(); gone != null; gone = this.ended.poll()) {
			this.registered.remove(gone);
		}
		Caller caller = new Caller(Thread.currentThread());
		this.registered.add(new WeakReference<>(caller, this.ended));
		return caller;
	}

	static final class Caller {

		private final Thread thread;

		private final AtomicInteger state = new AtomicInteger(OUTSIDE);

		private Caller(Thread thread) {
			this.thread = thread;
		}

	}

}
